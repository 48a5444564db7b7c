import type { LambdaEdgeAssociation } from "../compile/plan.js";
import type { EdgeContext } from "../edge/edge-context.js";
import { lambdaExecutionError, lambdaLimitExceeded, lambdaValidationError } from "../errors.js";
import type { EdgeResponse } from "../response/edge-response.js";
import type { CfEvent } from "./event-shape.js";
import { NOT_AN_OBJECT, NOT_PARSABLE, ValidationFailure } from "./validation-failure.js";

/**
 * One invocation in the shared Lambda runtime (worker threads: the edge's event loop only waits).
 * The function's own Timeout is enforced by the runtime; bind refused one above the event's quota
 * (5 s viewer / 30 s origin, cloudfront.md §14.5). Outcomes (§14.6): a result that is not a JSON
 * object is a 502; an exception, callback(error) or a crashed runtime a 503 execution error; a
 * timeout a 503 limit error. Failures are logged with the function's ARN and the request id.
 */
export type Invocation = { result: Record<string, unknown> } | { failure: EdgeResponse };

export async function invokeEdgeFunction(ctx: EdgeContext, a: LambdaEdgeAssociation, event: CfEvent): Promise<Invocation> {
  const lambda = ctx.runtime.lambda;
  const what = `distribution ${ctx.plan.id}: Lambda@Edge ${a.functionArn} (${a.eventType}) for request ${ctx.requestId}`;
  if (lambda === undefined) {
    ctx.runtime.log.error(`${what}: no Lambda runtime is running`);
    return { failure: lambdaExecutionError(ctx.requestId) };
  }
  let payload: string;
  try {
    const r = await lambda.invoke(a.functionName, event);
    payload = r.Payload;
    if (r.FunctionError) {
      const e = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
      ctx.runtime.log.warn(`${what} failed: ${e.errorType ?? "Error"}: ${e.errorMessage ?? ""}`);
      // Lambda's timeout payload is the only one without errorType (lambda-errors.ts).
      const timedOut = e.errorType === undefined && / Task timed out after /.test(e.errorMessage ?? "");
      return { failure: timedOut ? lambdaLimitExceeded(ctx.requestId) : lambdaExecutionError(ctx.requestId) };
    }
  } catch (e) {
    ctx.runtime.log.error(`${what} could not be invoked: ${(e as Error).message}`);
    return { failure: lambdaExecutionError(ctx.requestId) };
  }
  let result: unknown;
  try {
    result = JSON.parse(payload);
  } catch {
    return { failure: invalid(ctx, what, NOT_PARSABLE) };
  }
  if (result === null || typeof result !== "object" || Array.isArray(result)) return { failure: invalid(ctx, what, NOT_AN_OBJECT) };
  return { result: result as Record<string, unknown> };
}

/** The 502 for a result CloudFront refuses, logged as CloudFront logs it (a validation error, not an execution error). */
export function invalid(ctx: EdgeContext, what: string, message: string): EdgeResponse {
  ctx.runtime.log.warn(`${what}: invalid result: ${message}`);
  return lambdaValidationError(ctx.requestId, message);
}

export function validationMessage(e: unknown): string {
  if (e instanceof ValidationFailure) return e.message;
  throw e;
}
