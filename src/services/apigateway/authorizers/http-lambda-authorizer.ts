import type { Clock } from "../../../core/clock.js";
import type { LambdaRuntime } from "../../lambda/index.js";
import * as errors from "../errors.js";
import type { GatewayError } from "../errors.js";
import type { ApiRequest } from "../proxy/api-request.js";
import type { AuthorizerCache } from "./authorizer-cache.js";
import { evaluatePolicy, parseAuthorizerOutput, type AuthorizerOutput } from "./authorizer-policy.js";
import { identityValue, invokeAuthorizer } from "./invoke-authorizer.js";

/**
 * An HTTP API Lambda (REQUEST) authorizer (apigateway.md §10.3, DG http-api-lambda-authorizer):
 * read the identity sources (`$request.header.*`, `$request.querystring.*`, `$context.*`,
 * `$stageVariables.*`; any missing or empty → 401 without invoking), reuse the cached result for
 * those values or invoke the function with the 1.0 or 2.0 event, then read its answer — with
 * EnableSimpleResponses (2.0) `{isAuthorized, context}`, otherwise an IAM policy evaluated
 * against the route ARN. Refused → 403 `{"message":"Forbidden"}`; "Unauthorized" → 401; any
 * other failure → 500 `{"message":"Internal Server Error"}`. The context reaches a 2.0 integration
 * as `requestContext.authorizer.lambda`.
 */
export interface HttpLambdaAuthorizerPlan {
  id: string;
  functionName: string;
  payloadFormatVersion: "1.0" | "2.0";
  simpleResponses: boolean;
  identitySources: readonly { kind: "header" | "querystring" | "context" | "stageVariable"; name: string }[];
  /** AuthorizerResultTtlInSeconds × 1000 (0 = no cache). */
  ttlMs: number;
}

/** What is cached per identity: the simple verdict, or the policy (evaluated per route ARN). */
export type HttpAuthorizerDecision = { kind: "simple"; authorized: boolean; context: Record<string, unknown> } | { kind: "policy"; output: AuthorizerOutput };

export interface HttpAuthorizeRequest {
  plan: HttpLambdaAuthorizerPlan;
  request: ApiRequest;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`. */
  routeArn: string;
  stageVariables: Readonly<Record<string, string>> | undefined;
  contextVariables: Readonly<Record<string, string>>;
  /** The integration event of the authorizer's payload version, without body (the proxy-shaped part). */
  requestEvent: (version: "1.0" | "2.0") => Record<string, unknown>;
}

export type HttpAuthorizeResult =
  { ok: true; context: Record<string, unknown>; principalId: string | undefined; latencyMs: number } | { ok: false; error: GatewayError; reason: string };

const forbidden = (reason: string): HttpAuthorizeResult => ({ ok: false, error: errors.httpForbidden(), reason });
const failed = (reason: string): HttpAuthorizeResult => ({ ok: false, error: errors.httpInternalError(), reason });

export async function authorizeHttpLambda(
  a: HttpAuthorizeRequest,
  d: { lambda: LambdaRuntime; clock: Clock; cache: AuthorizerCache<HttpAuthorizerDecision> },
): Promise<HttpAuthorizeResult> {
  const p = a.plan;
  const values: string[] = [];
  for (const s of p.identitySources) {
    const v = identityValue(s.kind, s.name, { request: a.request, stageVariables: a.stageVariables, contextVariables: a.contextVariables });
    if (v === undefined || v === "") return { ok: false, error: errors.httpUnauthorized(), reason: `identity source ${s.kind}.${s.name} is missing` };
    values.push(v);
  }
  // Caching needs identity sources to key on (CreateAuthorizer refuses a TTL without them).
  const key = values.length > 0 && p.ttlMs > 0 ? `${p.id}\n${values.join("\n")}` : undefined;
  const started = d.clock.now();
  let decision = key === undefined ? undefined : d.cache.get(key);
  if (!decision) {
    const base = a.requestEvent(p.payloadFormatVersion);
    const event =
      p.payloadFormatVersion === "2.0"
        ? { version: "2.0", type: "REQUEST", routeArn: a.routeArn, identitySource: values, ...base }
        : // 1.0: the REST REQUEST shape with the identity values comma-joined (apigateway.md §10.3).
          { version: "1.0", type: "REQUEST", methodArn: a.routeArn, identitySource: values.join(","), authorizationToken: values.join(","), ...base };
    const invoked = await invokeAuthorizer(d, p.functionName, event);
    if (invoked.kind === "unauthorized") return { ok: false, error: errors.httpUnauthorized(), reason: invoked.reason };
    if (invoked.kind === "failed") return failed(invoked.reason);
    const parsed = p.simpleResponses && p.payloadFormatVersion === "2.0" ? parseSimpleResponse(invoked.payload) : parseAuthorizerOutput(invoked.payload);
    if (typeof parsed === "string") return failed(parsed);
    decision = "kind" in parsed ? parsed : { kind: "policy", output: parsed };
    if (key !== undefined) d.cache.set(key, decision, p.ttlMs);
  }
  if (decision.kind === "simple") {
    if (!decision.authorized) return forbidden("the authorizer answered isAuthorized: false");
    return { ok: true, context: decision.context, principalId: undefined, latencyMs: d.clock.now() - started };
  }
  const verdict = evaluatePolicy(decision.output.statements, a.routeArn);
  if (verdict !== "allow") return forbidden(verdict === "explicit-deny" ? `the policy denies ${a.routeArn}` : `no statement allows ${a.routeArn}`);
  return { ok: true, context: { ...decision.output.context }, principalId: decision.output.principalId, latencyMs: d.clock.now() - started };
}

/** `{"isAuthorized": true|false, "context": {...}}` (EnableSimpleResponses), or why it is refused. */
function parseSimpleResponse(payload: unknown): HttpAuthorizerDecision | string {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "the authorizer's result is not a JSON object";
  const p = payload as Record<string, unknown>;
  if (typeof p["isAuthorized"] !== "boolean") return "isAuthorized is not a boolean";
  const c = p["context"];
  if (c !== undefined && c !== null && (typeof c !== "object" || Array.isArray(c))) return "context is not an object";
  return { kind: "simple", authorized: p["isAuthorized"], context: (c ?? {}) as Record<string, unknown> };
}
