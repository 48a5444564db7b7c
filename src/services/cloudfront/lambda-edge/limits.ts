import type { LambdaEdgeEventType } from "../compile/plan.js";

/**
 * Lambda@Edge quotas (cloudfront.md §14.5, DG "Quotas on Lambda@Edge"): viewer events are held to
 * 5 s and 40 KB, origin events to 30 s and 1 MB. KB and MB are binary (1024).
 */
export interface EdgeLimits {
  /** The function's Timeout may be at most this (refused at load otherwise, InvalidLambdaFunctionAssociation). */
  maxTimeoutSeconds: number;
  /** Headers plus body of a generated (or replacing) response. */
  responseBytes: number;
  /** The request body shown with IncludeBody; longer bodies are cut with `inputTruncated: true`. */
  exposedBodyBytes: number;
  /** A replacement body's `data`, as text and as base64. */
  replaceTextBytes: number;
  replaceBase64Bytes: number;
}

const KB = 1024;
const MB = 1024 * KB;
const VIEWER: EdgeLimits = {
  maxTimeoutSeconds: 5,
  responseBytes: 40 * KB,
  exposedBodyBytes: 40 * KB,
  replaceTextBytes: 40 * KB,
  replaceBase64Bytes: Math.floor(53.2 * KB),
};
const ORIGIN: EdgeLimits = { maxTimeoutSeconds: 30, responseBytes: MB, exposedBodyBytes: MB, replaceTextBytes: MB, replaceBase64Bytes: Math.floor(1.33 * MB) };

export function limitsOf(eventType: LambdaEdgeEventType): EdgeLimits {
  return eventType.startsWith("viewer-") ? VIEWER : ORIGIN;
}
