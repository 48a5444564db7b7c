import type { FunctionEventType } from "./function-runtime.js";

/**
 * Which headers an edge function may see and change (cloudfront.md §14.4, "Restrictions on all
 * edge functions", which CloudFront Functions share, §13.3). Disallowed headers are not in the
 * event and may not be added; read-only ones are in the event and may not be changed.
 * Lambda@Edge reuses these sets for its events.
 */
const DISALLOWED = new Set([
  "connection",
  "expect",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "trailer",
  "upgrade",
  "x-accel-buffering",
  "x-accel-charset",
  "x-accel-limit-rate",
  "x-accel-redirect",
  "x-amzn-auth",
  "x-amzn-cf-billing",
  "x-amzn-cf-id",
  "x-amzn-cf-xff",
  "x-amzn-errortype",
  "x-amzn-fle-profile",
  "x-amzn-header-count",
  "x-amzn-header-order",
  "x-amzn-lambda-integration-tag",
  "x-amzn-requestid",
  "x-cache",
  "x-forwarded-proto",
  "x-real-ip",
]);

export function isDisallowedHeader(lowerName: string): boolean {
  return DISALLOWED.has(lowerName) || lowerName.startsWith("x-amz-cf-") || lowerName.startsWith("x-edge-");
}

/** Read-only headers per event (§14.4 table; origin events are Lambda@Edge's). */
export const READ_ONLY_HEADERS: Readonly<Record<FunctionEventType | "origin-request" | "origin-response", ReadonlySet<string>>> = {
  "viewer-request": new Set(["content-length", "host", "transfer-encoding", "via"]),
  "origin-request": new Set([
    "accept-encoding",
    "content-length",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "transfer-encoding",
    "via",
  ]),
  "origin-response": new Set(["transfer-encoding", "via"]),
  "viewer-response": new Set(["warning", "via"]),
};

/** §14.4: a viewer-request function may not add CloudFront-Viewer-Country (it is CloudFront's). */
export const VIEWER_REQUEST_RESERVED = new Set(["cloudfront-viewer-country"]);
