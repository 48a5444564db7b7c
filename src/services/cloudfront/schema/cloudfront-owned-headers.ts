/**
 * Headers no edge code may see or set (cloudfront.md §14.4, DG "Restrictions on edge functions",
 * disallowed headers): hop-by-hop and proxy fields, X-Accel-*, CloudFront's own (X-Amz-Cf-*, the
 * X-Amzn-* below, X-Cache, X-Edge-*), X-Forwarded-Proto and X-Real-IP. CloudFront Functions and
 * Lambda@Edge hide them from their events and refuse them in results; a response headers policy
 * can neither remove nor add them (§6.4, with a few more framing headers of its own).
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

/**
 * `lowerName` is a lower-case header name. Every disallowed name starts with one of c e k p t u x:
 * most of a browser's headers (accept*, host, origin, referer, sec-*, authorization…) are told
 * allowed by their first letter, without hashing the name for the set (this runs per header of
 * every request a function sees).
 */
export function isDisallowedHeader(lowerName: string): boolean {
  const first = lowerName.charCodeAt(0);
  if (first !== 120 /* x */) return FIRST_LETTERS.has(first) && DISALLOWED.has(lowerName);
  return DISALLOWED.has(lowerName) || lowerName.startsWith("x-amz-cf-") || lowerName.startsWith("x-edge-");
}

const FIRST_LETTERS = new Set([...DISALLOWED].map((n) => n.charCodeAt(0)));
