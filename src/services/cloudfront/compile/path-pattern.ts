import { compileWildcard, type StringMatcher } from "../../../core/wildcard.js";

/**
 * CloudFront path patterns (cloudfront.md §2): `*` is zero or more characters and crosses `/`,
 * `?` is exactly one character, matching is case-sensitive, the leading `/` is optional and the
 * whole path must match. The pattern is compiled once (core/wildcard.ts); the path is matched raw
 * (no percent-decoding — Choice, recorded in docs/fidelity.md, spec §2 "Encoding" is UNCONFIRMED).
 */
export type PathMatcher = StringMatcher;

/** The pattern as matched: its leading `/` added, and `&amp;` (the API's spelling of `&`) as `&`. */
export function normalizePathPattern(pattern: string): string {
  return (pattern.startsWith("/") ? pattern : `/${pattern}`).replaceAll("&amp;", "&");
}

export function compilePathPattern(pattern: string): PathMatcher {
  const p = normalizePathPattern(pattern);
  if (p === "/*") return () => true;
  return compileWildcard(p, { caseInsensitive: false });
}
