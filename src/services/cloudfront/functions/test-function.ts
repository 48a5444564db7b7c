import type { CloudFrontFunction } from "./cloudfront-function.js";
import { FUNCTION_EXECUTION_ERROR_MESSAGE } from "./function-errors.js";
import type { FunctionStage } from "./function-runtime.js";

/**
 * TestFunction (cloudfront.md §13.6): runs a function on a given event object and answers what
 * `aws cloudfront test-function` prints — the output as a JSON string, compute utilization as a
 * string, the console lines, the error message, and the function's summary. As in AWS, origin
 * changes are not reflected and the return value is not checked against the edge's rules.
 */
export interface TestResult {
  FunctionSummary: {
    Name: string;
    Status: "DEPLOYED";
    FunctionConfig: { Comment: string; Runtime: string; KeyValueStoreAssociations?: { Quantity: number; Items: { KeyValueStoreARN: string }[] } };
    FunctionMetadata: { FunctionARN: string; Stage: FunctionStage; CreatedTime: string; LastModifiedTime: string };
  };
  ComputeUtilization: string;
  FunctionExecutionLogs: string[];
  FunctionErrorMessage: string;
  FunctionOutput: string;
}

export function testCloudFrontFunction(fn: CloudFrontFunction, event: unknown, stage: FunctionStage, now: number): TestResult {
  const input = (event ?? {}) as { context?: { eventType?: unknown } };
  const eventType = input.context?.eventType === "viewer-response" ? "viewer-response" : "viewer-request";
  const outcome = fn.sandbox.invoke(event, now, true);
  let output = "";
  if (outcome.error === undefined) {
    const v = outcome.value as Record<string, unknown> | undefined;
    const isResponse = eventType === "viewer-response" || (v !== null && typeof v === "object" && "statusCode" in v);
    output = JSON.stringify({ [isResponse ? "response" : "request"]: v }) ?? "";
  }
  const created = fn.createdAt.toISOString();
  return {
    FunctionSummary: {
      Name: fn.name,
      Status: "DEPLOYED",
      FunctionConfig: {
        Comment: fn.comment,
        Runtime: fn.runtime,
        ...(fn.keyValueStore ? { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: fn.keyValueStore.arn }] } } : {}),
      },
      FunctionMetadata: { FunctionARN: fn.arn, Stage: stage, CreatedTime: created, LastModifiedTime: created },
    },
    ComputeUtilization: String(outcome.computeUtilization),
    FunctionExecutionLogs: outcome.logs,
    FunctionErrorMessage: outcome.error === undefined ? "" : `${FUNCTION_EXECUTION_ERROR_MESSAGE} ${outcome.error}`,
    FunctionOutput: output,
  };
}
