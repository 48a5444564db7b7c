import type { LambdaEdgeEventType } from "../compile/plan.js";
import type { CfHeaders } from "./cf-headers.js";
import { isDisallowedHeader } from "./disallowed-headers.js";
import { ValidationFailure } from "./validation-failure.js";

/**
 * The header rules of edge functions (cloudfront.md §14.4, DG "Restrictions on edge functions"):
 * disallowed headers are never shown to a function and may not be added by it; read-only headers
 * are shown but may not be added, changed or removed. Either breach fails the request with 502.
 */
const READ_ONLY: Readonly<Record<LambdaEdgeEventType, ReadonlySet<string>>> = {
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

/**
 * Observed page texts (CloudFront 502 pages quoted on Stack Overflow and GitHub):
 * "The Lambda function result failed validation: The function tried to add, delete, or change a
 * read-only header." Choice: the same text for an added disallowed header.
 */
export const READ_ONLY_HEADER_MESSAGE = "The Lambda function result failed validation: The function tried to add, delete, or change a read-only header.";

/** Refuses a result whose headers break §14.4 against what the function was shown (`before`). */
export function checkHeaderRules(eventType: LambdaEdgeEventType, before: CfHeaders | undefined, after: CfHeaders): void {
  for (const name in after) if (isDisallowedHeader(name)) throw new ValidationFailure(READ_ONLY_HEADER_MESSAGE);
  if (before === undefined) return;
  for (const name of READ_ONLY[eventType]) if (valuesOf(before, name) !== valuesOf(after, name)) throw new ValidationFailure(READ_ONLY_HEADER_MESSAGE);
  // §14.4: a viewer-request function may not add CloudFront-Viewer-Country.
  if (eventType === "viewer-request" && after["cloudfront-viewer-country"] !== undefined && before["cloudfront-viewer-country"] === undefined)
    throw new ValidationFailure(READ_ONLY_HEADER_MESSAGE);
}

function valuesOf(h: CfHeaders, name: string): string | undefined {
  return h[name]?.map((e) => e.value).join("\u0000");
}
