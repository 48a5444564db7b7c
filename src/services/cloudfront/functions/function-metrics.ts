import type { FunctionRun } from "./function-run.js";

/**
 * CloudWatch metrics of CloudFront Functions (cloudfront.md §16.2; DG "Types of metrics for
 * CloudFront", function metric values): namespace AWS/CloudFront, dimensions FunctionName,
 * DistributionId and Region=Global. Per function name: `FunctionInvocations`,
 * `FunctionValidationErrors`, `FunctionExecutionErrors`, `FunctionThrottles` (sums) and
 * `FunctionComputeUtilization` (the average of each invocation's utilization, 0–100, with
 * `FunctionComputeUtilization_SampleCount` and `_Maximum`, as the other services' latencies are
 * reported). They outlive revisions, as CloudWatch's series outlive function updates.
 *
 * Divergence from AWS: FunctionThrottles stays 0 (a slow function is stopped, never throttled).
 */
interface Counters {
  invocations: number;
  validationErrors: number;
  executionErrors: number;
  utilizationSum: number;
  utilizationMax: number;
}

export class FunctionMetrics {
  readonly #byName = new Map<string, Counters>();

  record(run: FunctionRun): void {
    let c = this.#byName.get(run.name);
    if (c === undefined) {
      c = { invocations: 0, validationErrors: 0, executionErrors: 0, utilizationSum: 0, utilizationMax: 0 };
      this.#byName.set(run.name, c);
    }
    c.invocations++;
    // run-function.ts words a validation failure `validation: …`; every other error is an execution error (§13.4).
    if (run.error !== undefined) {
      if (run.error.startsWith("validation: ")) c.validationErrors++;
      else c.executionErrors++;
    }
    c.utilizationSum += run.computeUtilization;
    if (run.computeUtilization > c.utilizationMax) c.utilizationMax = run.computeUtilization;
  }

  /** The function's metrics so far; all counters exist (as 0) before its first invocation, as CloudWatch shows them. */
  snapshot(name: string): Record<string, number> {
    const c = this.#byName.get(name);
    const out: Record<string, number> = {
      FunctionInvocations: c?.invocations ?? 0,
      FunctionValidationErrors: c?.validationErrors ?? 0,
      FunctionExecutionErrors: c?.executionErrors ?? 0,
      FunctionThrottles: 0,
    };
    if (c !== undefined && c.invocations > 0)
      Object.assign(out, {
        FunctionComputeUtilization: c.utilizationSum / c.invocations,
        FunctionComputeUtilization_SampleCount: c.invocations,
        FunctionComputeUtilization_Maximum: c.utilizationMax,
      });
    return out;
  }
}
