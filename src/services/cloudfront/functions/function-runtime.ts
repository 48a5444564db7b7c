/**
 * The CloudFront Functions runtimes and their fixed limits (cloudfront.md §13.1, §13.4).
 */
export type FunctionRuntime = "cloudfront-js-1.0" | "cloudfront-js-2.0";
export type FunctionEventType = "viewer-request" | "viewer-response";
export type FunctionStage = "DEVELOPMENT" | "LIVE";

/** §13.4: 10 KB of code, not adjustable; counted on the UTF-8 source as uploaded. */
export const MAX_FUNCTION_CODE_BYTES = 10_240;

/**
 * The time a compute utilization of 100 stands for (§13.4: "max ≈ 1 ms commonly cited",
 * UNCONFIRMED). Utilization = elapsed time of the invocation as a share of it, as AWS's
 * FunctionComputeUtilization metric and TestFunction's ComputeUtilization report it.
 */
export const COMPUTE_BUDGET_MS = 1;

/**
 * Divergence from AWS: a function is stopped only once it ran this long (AWS throttles a
 * function that keeps exceeding its budget, then fails it). A laptop shared with other work
 * stalls a healthy function for milliseconds now and then; only a runaway gets this far.
 */
export const RUNAWAY_TIMEOUT_MS = 100;

/** §13.4 and "Quotas on CloudFront Functions": maximum memory 2 MB (sandbox.ts measures it as heap growth). */
export const MAX_FUNCTION_MEMORY_BYTES = 2 * 1024 * 1024;

/** §13.1: console output kept per invocation. */
export const MAX_LOG_BYTES = 10_240;

/** §13.4: KeyValueStore limits. */
export const MAX_KVS_BYTES = 5 * 1024 * 1024;
export const MAX_KVS_KEY_CHARS = 512;
export const MAX_KVS_VALUE_CHARS = 1024;
