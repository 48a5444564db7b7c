/**
 * The Lambda service's only door: a runtime that runs Node.js handler files in a pool of
 * worker-thread execution environments with each function's Timeout and MemorySize enforced.
 * ALB Lambda targets, API Gateway integrations and Lambda@Edge use it.
 */
export { boundFunctionConfig, type BoundFunction } from "./bound-function.js";
export { startLambdaRuntime, type InvokeOptions, type InvokeResult, type LambdaRuntime, type LambdaRuntimeDeps } from "./lambda-runtime.js";
export { LambdaServiceError } from "./lambda-errors.js";
export type { InvocationReport } from "./report-lines.js";
export type { LambdaFunctionConfig } from "./schema/function-config.js";
