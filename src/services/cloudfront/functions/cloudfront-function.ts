import { createHash } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import type { FunctionRuntime } from "./function-runtime.js";
import type { KeyValueStore } from "./key-value-store.js";
import { FunctionSandbox } from "./sandbox.js";

/**
 * One CloudFront Function version as a revision serves it: its identity (name, ARN, ETag), its
 * config, and its sandbox, compiled once (sandbox.ts). Locally one version serves both stages:
 * DEVELOPMENT and LIVE run the same code (the stack file is what is published).
 */
export interface CloudFrontFunction {
  name: string;
  arn: string;
  runtime: FunctionRuntime;
  comment: string;
  code: string;
  /** Changes when the code or config changes, like AWS's ETag per version. */
  etag: string;
  keyValueStore: KeyValueStore | undefined;
  sandbox: FunctionSandbox;
  createdAt: Date;
}

export function functionArn(name: string): string {
  return `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:function/${name}`;
}

export function compileCloudFrontFunction(o: {
  name: string;
  runtime: FunctionRuntime;
  comment: string;
  code: string;
  keyValueStore: KeyValueStore | undefined;
  now: Date;
}): CloudFrontFunction {
  const etag = `E${createHash("sha256")
    .update(`${o.runtime}\n${o.comment}\n${o.keyValueStore?.arn ?? ""}\n${o.code}`)
    .digest("hex")
    .slice(0, 13)
    .toUpperCase()}`;
  return Object.freeze({
    name: o.name,
    arn: functionArn(o.name),
    runtime: o.runtime,
    comment: o.comment,
    code: o.code,
    etag,
    keyValueStore: o.keyValueStore,
    sandbox: new FunctionSandbox({ name: o.name, runtime: o.runtime, code: o.code, keyValueStore: o.keyValueStore }),
    createdAt: o.now,
  });
}
