import type { Clock } from "../../../core/clock.js";
import type { LambdaRuntime } from "../../lambda/index.js";
import { decodeQuery, headerValue, type ApiRequest } from "../proxy/api-request.js";
import { withTimeout } from "../proxy/with-timeout.js";

/**
 * What REST and HTTP API Lambda authorizers share: reading an identity source's value and one
 * invocation of the authorizer function with its timeout and AWS's reading of its failures.
 */

/** Authorizer timeout: 10 s (apigateway.md §7). */
const AUTHORIZER_TIMEOUT_MS = 10_000;

/** Where identity-source values are read from. */
export interface IdentityContext {
  request: ApiRequest;
  stageVariables: Readonly<Record<string, string>> | undefined;
  contextVariables: Readonly<Record<string, string>>;
}

export type Invoked = { kind: "ok"; payload: unknown } | { kind: "unauthorized"; reason: string } | { kind: "failed"; reason: string };

/**
 * One authorizer invocation with its 10 s timeout: the parsed result, "unauthorized" when the
 * function failed with exactly "Unauthorized" (apigateway.md §10.1 [obs]), else "failed" with why.
 */
export async function invokeAuthorizer(d: { lambda: LambdaRuntime; clock: Clock }, functionName: string, event: unknown): Promise<Invoked> {
  // A function that cannot be invoked at all is the authorizer's configuration error too.
  const invoked = await withTimeout(d.lambda.invoke(functionName, event), AUTHORIZER_TIMEOUT_MS, d.clock).catch((e: unknown) => e as Error);
  if (invoked instanceof Error) return { kind: "failed", reason: `the authorizer could not be invoked: ${invoked.message}` };
  if (invoked === "timeout") return { kind: "failed", reason: "the authorizer timed out" };
  let payload: unknown;
  try {
    payload = JSON.parse(invoked.Payload);
  } catch {
    return { kind: "failed", reason: "the authorizer's result is not JSON" };
  }
  if (invoked.FunctionError) {
    const message = (payload as { errorMessage?: unknown } | null)?.errorMessage;
    return message === "Unauthorized"
      ? { kind: "unauthorized", reason: "the authorizer answered Unauthorized" }
      : { kind: "failed", reason: `the authorizer failed: ${String(message)}` };
  }
  return { kind: "ok", payload };
}

export function identityValue(kind: string, name: string, a: IdentityContext): string | undefined {
  switch (kind) {
    case "header":
      return headerValue(a.request.headerLines, name.toLowerCase());
    case "querystring": {
      let v: string | undefined;
      for (const [k, val] of decodeQuery(a.request.rawQuery)) if (k === name) v = val;
      return v;
    }
    case "stageVariable":
      return a.stageVariables?.[name];
    default:
      return a.contextVariables[name];
  }
}
