import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../../src/core/sha256.js";
import type { ViewerRequest, ViewerTarget, ViewerVersion } from "./viewer.js";

/**
 * A viewer request signed for `execute-api` by the AWS SDK v3 signer (@smithy/signature-v4), as an
 * SDK client or `aws4`-style helper signs calls to an AWS_IAM method: the Host header exactly as
 * `send` will put it (with the port of the version's listener), the body's SHA-256.
 */
export interface SigningOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  service?: string;
  /** The signing time (default: now); the stack clock for a manual-clock stack. */
  signingDate?: Date;
}

export async function signForExecuteApi(
  stack: ViewerTarget,
  version: ViewerVersion,
  host: string,
  path: string,
  r: ViewerRequest = {},
  o: SigningOptions = {},
): Promise<ViewerRequest> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? "test", secretAccessKey: o.secretAccessKey ?? "test" },
    region: o.region ?? "us-east-1",
    service: o.service ?? "execute-api",
    sha256: Sha256,
  });
  const q = path.indexOf("?");
  const query: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(path.slice(q + 1))) query[k] = v;
  const hostHeader = `${host}:${version === "2" ? stack.httpsPort : stack.httpPort}`;
  const headers: Record<string, string> = { host: hostHeader };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(",") : v;
  const signed = await signer.sign(
    { method: r.method ?? "GET", protocol: "https:", hostname: host, path: q === -1 ? path : path.slice(0, q), query, headers, body: r.body },
    { signingDate: o.signingDate },
  );
  // `send` sets Host (:authority) itself, to the same value.
  const { host: _host, ...out } = signed.headers;
  return { ...r, headers: out };
}
