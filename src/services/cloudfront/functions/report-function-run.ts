import { isTraced, publishTrace } from "../../../core/trace.js";
import type { EdgeContext } from "../edge/edge-context.js";

/**
 * After a CloudFront Function ran for a request (cloudfront.md §13.4): its invocation counts in
 * the function's CloudWatch metrics (function-metrics.ts), and, when someone traces, the trace gets
 * a `function` decision with its compute utilization, its error and its console lines.
 * `from` is the request's run count before the stage ran.
 */
export function reportFunctionRuns(ctx: EdgeContext, from: number): void {
  const runs = ctx.functionRuns;
  for (let i = from; i < runs.length; i++) {
    const run = runs[i]!;
    ctx.runtime.functionMetrics.record(run);
    if (!isTraced("function")) continue;
    const outcome = run.error === undefined ? "ran" : `failed (${run.error})`;
    publishTrace("function", ctx.traceId, "cloudfront", `${run.eventType} function ${run.name} ${outcome}; compute utilization ${run.computeUtilization}`, {
      details: run.logs.map((l) => `console: ${l}`),
      data: { name: run.name, eventType: run.eventType, computeUtilization: run.computeUtilization, error: run.error },
    });
  }
}
