import type { Clock } from "../../../core/clock.js";
import type { LambdaRuntime } from "../../lambda/index.js";
import type { AuthorizerPlan } from "../compile/api-plan.js";
import * as errors from "../errors.js";
import type { GatewayError } from "../errors.js";
import type { ApiRequest } from "../proxy/api-request.js";
import { identityValue, invokeAuthorizer } from "./invoke-authorizer.js";
import type { AuthorizerCache } from "./authorizer-cache.js";
import { evaluatePolicy, parseAuthorizerOutput, type AuthorizerOutput } from "./authorizer-policy.js";

/**
 * A REST method's Lambda authorizer (apigateway.md §10.1), in AWS's order: read the identity
 * sources (any missing or empty → 401 without invoking), TOKEN's IdentityValidationExpression
 * (no match → 401 without invoking), the cached result for that identity or an invocation
 * (TOKEN / REQUEST event), then the policy against this request's method ARN. A function that
 * fails with exactly "Unauthorized" → 401; any other failure, a timeout or a malformed result →
 * 500 AuthorizerConfigurationException. Failures are not cached (Choice: only policies are).
 */
export interface AuthorizeRequest {
  authorizer: AuthorizerPlan;
  request: ApiRequest;
  methodArn: string;
  stageVariables: Readonly<Record<string, string>> | undefined;
  /** The REQUEST event's proxy-shaped part (payload 1.0 without body). */
  requestEvent: () => Record<string, unknown>;
  /** Context variables a `context.<name>` identity source may name. */
  contextVariables: Readonly<Record<string, string>>;
}

export interface AuthorizerDeps {
  lambda: LambdaRuntime;
  clock: Clock;
  cache: AuthorizerCache;
}

export type AuthorizeResult = { ok: true; output: AuthorizerOutput; latencyMs: number } | { ok: false; error: GatewayError; reason: string };

export async function authorizeRest(a: AuthorizeRequest, d: AuthorizerDeps): Promise<AuthorizeResult> {
  const p = a.authorizer;
  const values: string[] = [];
  for (const s of p.identitySources) {
    const v = identityValue(s.kind, s.name, a);
    if (v === undefined || v === "") return { ok: false, error: errors.restUnauthorized(), reason: `identity source ${s.kind}.${s.name} is missing` };
    values.push(v);
  }
  if (p.type === "TOKEN" && p.validation && !p.validation.test(values[0]!))
    return { ok: false, error: errors.restUnauthorized(), reason: "the token does not match IdentityValidationExpression" };
  // Without identity sources (REQUEST, TTL 0) there is nothing to key a cache entry on.
  const key = values.length > 0 && p.ttlMs > 0 ? `${p.id}\n${values.join("\n")}` : undefined;
  const started = d.clock.now();
  let output = key === undefined ? undefined : d.cache.get(key);
  if (!output) {
    const event =
      p.type === "TOKEN"
        ? { type: "TOKEN", methodArn: a.methodArn, authorizationToken: values[0] }
        : { type: "REQUEST", methodArn: a.methodArn, ...a.requestEvent() };
    const invoked = await invokeAuthorizer(d, p.functionName, event);
    if (invoked.kind === "unauthorized") return { ok: false, error: errors.restUnauthorized(), reason: invoked.reason };
    if (invoked.kind === "failed") return { ok: false, error: errors.restAuthorizerConfigurationError(), reason: invoked.reason };
    const payload = invoked.payload;
    const parsed = parseAuthorizerOutput(payload);
    if (typeof parsed === "string") return { ok: false, error: errors.restAuthorizerConfigurationError(), reason: parsed };
    output = parsed;
    if (key !== undefined) d.cache.set(key, output, p.ttlMs);
  }
  const decision = evaluatePolicy(output.statements, a.methodArn);
  if (decision === "explicit-deny") return { ok: false, error: errors.restExplicitDeny(), reason: `the policy denies ${a.methodArn}` };
  if (decision === "implicit-deny") return { ok: false, error: errors.restImplicitDeny(), reason: `no statement allows ${a.methodArn}` };
  return { ok: true, output, latencyMs: d.clock.now() - started };
}
