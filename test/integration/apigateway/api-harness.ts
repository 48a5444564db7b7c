import { sign, type KeyObject } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { send, type ViewerRequest, type ViewerResponse, type ViewerVersion } from "../../support/viewer.js";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const REST_ID = "restapi001";
export const HTTP_ID = "httpapi001";
export const REST_HOST = `${REST_ID}.execute-api.localhost`;
export const HTTP_HOST = `${HTTP_ID}.execute-api.localhost`;

/** `arn:aws:apigateway:…/functions/<arn>/invocations` for a function name (PutIntegration's Uri for AWS_PROXY). */
export const invocationArn = (fn: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${fn}/invocations`;
export const lambdaProxy = (fn: string, extra: Record<string, unknown> = {}) => ({
  Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: invocationArn(fn), ...extra },
});

/** A MOCK method answering 200 `{}` (PutIntegration MOCK + one IntegrationResponse). */
export const MOCK_200 = {
  Integration: {
    Type: "MOCK",
    RequestTemplates: { "application/json": '{"statusCode": 200}' },
    IntegrationResponses: [{ StatusCode: "200", ResponseTemplates: { "application/json": "{}" } }],
  },
};

export const FUNCTIONS = {
  echo: { handler: "handlers.mjs", export: "echo" },
  reply: { handler: "handlers.mjs", export: "reply" },
  fail: { handler: "handlers.mjs", export: "fail" },
  slow: { handler: "handlers.mjs", export: "slow", Timeout: 10 },
};

export interface ApiHarness {
  stack: EdgeparityStack;
  send(version: ViewerVersion, host: string, path: string, r?: ViewerRequest): Promise<ViewerResponse & { json: () => Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A stack with the given restApis / httpApis (ids pinned to REST_ID / HTTP_ID for the first of each). */
export async function startApis(c: {
  restApis?: Record<string, unknown>;
  httpApis?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** API name → pinned apiId (the first REST / HTTP API defaults to REST_ID / HTTP_ID). */
  ids?: Record<string, string>;
  clock?: "manual";
}): Promise<ApiHarness> {
  const local: Record<string, unknown> = { functions: FUNCTIONS };
  const pin = (names: string[], first: string) =>
    Object.fromEntries(names.map((n, i) => [n, { apiId: c.ids?.[n] ?? (i === 0 ? first : undefined) }]).filter(([, v]) => (v as { apiId?: string }).apiId));
  local["restApis"] = pin(Object.keys(c.restApis ?? {}), REST_ID);
  local["httpApis"] = pin(Object.keys(c.httpApis ?? {}), HTTP_ID);
  const extraLocal = (c.extra?.["local"] ?? {}) as Record<string, unknown>;
  const stack = await startEdgeparity({
    config: { restApis: c.restApis ?? {}, httpApis: c.httpApis ?? {}, ...c.extra, local: { ...local, ...extraLocal } },
    baseDir: FIXTURES,
    clock: c.clock,
  });
  return {
    stack,
    async send(version, host, path, r) {
      const res = await send(stack, version, host, path, r);
      return { ...res, json: () => JSON.parse(res.body.toString("utf8")) as Record<string, unknown> };
    },
    close: () => stack.close(),
  };
}

export const b64json = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

/** An HTTP API AWS_PROXY integration of the `echo` function with the payload format version (CreateIntegration). */
export const echoIntegration = (v: "1.0" | "2.0") => ({
  IntegrationType: "AWS_PROXY",
  IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:echo",
  PayloadFormatVersion: v,
});

/** A compact JWS signed with the test's own RSA key (RS256, kid `k1` unless the header says otherwise). */
export function signJwt(key: KeyObject, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = enc({ alg: "RS256", typ: "JWT", kid: "k1", ...header });
  const body = enc(claims);
  return `${head}.${body}.${sign("sha256", Buffer.from(`${head}.${body}`), key).toString("base64url")}`;
}
