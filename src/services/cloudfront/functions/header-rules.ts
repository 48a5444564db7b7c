import type { FunctionEventType } from "./function-runtime.js";

/**
 * Which headers an edge function may see and change (cloudfront.md §14.4, "Restrictions on all
 * edge functions", which CloudFront Functions share, §13.3). Disallowed headers are not in the
 * event and may not be added; read-only ones are in the event and may not be changed.
 * Lambda@Edge reuses these sets for its events.
 */
export { isDisallowedHeader } from "../schema/cloudfront-owned-headers.js";

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
export const VIEWER_REQUEST_RESERVED: readonly string[] = ["cloudfront-viewer-country"];
