/**
 * Headers an edge function is never shown and may not add (cloudfront.md §14.4, DG "Restrictions
 * on edge functions", disallowed headers): hop-by-hop and proxy fields, X-Accel-*, CloudFront's own
 * (X-Amz-Cf-*, X-Amzn-*, X-Cache, X-Edge-*), X-Forwarded-Proto and X-Real-IP.
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

export function isDisallowedHeader(lower: string): boolean {
  return DISALLOWED.has(lower) || lower.startsWith("x-amz-cf-") || lower.startsWith("x-edge-");
}
