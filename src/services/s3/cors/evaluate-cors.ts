import { compileWildcard, type StringMatcher } from "../../../core/wildcard.js";
import type { CORSRule } from "../schema/bucket.js";

/**
 * S3's CORS evaluation (s3.md §6.2): compile the bucket's rules once, then per request find the
 * first rule matching method, origin and every requested header, and build the response headers.
 */
export interface CompiledCorsRule {
  methods: ReadonlySet<string>;
  /** Origins: `*` matches one or more characters; headers: zero or more, without case. */
  origins: readonly StringMatcher[];
  headers: readonly StringMatcher[];
  /** Precomputed header values. */
  allowMethods: string;
  exposeHeaders: string | undefined;
  maxAge: string | undefined;
  hasWildcardOrigin: boolean;
}

export type CorsVerdict = { matched: false } | { matched: true; headers: Record<string, string> };

export const CORS_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

export const CORS_NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
export const CORS_NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket.";
export const CORS_NO_BUCKET = "CORSResponse: Bucket not found";

export function compileCorsRules(rules: readonly CORSRule[]): CompiledCorsRule[] {
  return rules.map((r) => ({
    methods: new Set(r.AllowedMethods),
    // Choice: origin match is case-sensitive (s3.md §6.2 says unconfirmed; assume sensitive).
    origins: r.AllowedOrigins.map((o) => compileWildcard(o, { caseInsensitive: false, starMatchesEmpty: false })),
    headers: (r.AllowedHeaders ?? []).map((h) => compileWildcard(h, { caseInsensitive: true })),
    allowMethods: r.AllowedMethods.join(", "),
    exposeHeaders: r.ExposeHeaders?.length ? r.ExposeHeaders.join(", ") : undefined,
    maxAge: r.MaxAgeSeconds !== undefined ? String(r.MaxAgeSeconds) : undefined,
    hasWildcardOrigin: r.AllowedOrigins.includes("*"),
  }));
}

/**
 * `method` is Access-Control-Request-Method when present, else the request method (s3.md §6.2
 * step 4). `requestHeaders` is the raw Access-Control-Request-Headers value or undefined.
 */
export function evaluateCors(rules: readonly CompiledCorsRule[], origin: string, method: string, requestHeaders: string | undefined): CorsVerdict {
  const requested =
    requestHeaders === undefined
      ? undefined
      : requestHeaders
          .split(",")
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== "");
  for (const rule of rules) {
    if (!rule.methods.has(method)) continue;
    if (!rule.origins.some((matches) => matches(origin))) continue;
    if (requested && requested.length > 0) {
      if (rule.headers.length === 0) continue;
      if (!requested.every((h) => rule.headers.some((matches) => matches(h)))) continue;
    }
    const headers: Record<string, string> = {};
    if (rule.hasWildcardOrigin) headers["access-control-allow-origin"] = "*";
    else {
      headers["access-control-allow-origin"] = origin;
      headers["access-control-allow-credentials"] = "true";
    }
    headers["access-control-allow-methods"] = rule.allowMethods;
    if (requested && requested.length > 0) headers["access-control-allow-headers"] = requested.join(", ");
    if (rule.exposeHeaders) headers["access-control-expose-headers"] = rule.exposeHeaders;
    if (rule.maxAge) headers["access-control-max-age"] = rule.maxAge;
    headers["vary"] = CORS_VARY;
    return { matched: true, headers };
  }
  return { matched: false };
}

/** Why each rule does or does not match (the trace's CORS verdict, issue 15); same order as evaluateCors. */
export function explainCors(rules: readonly CompiledCorsRule[], origin: string, method: string, requestHeaders: string | undefined): string[] {
  const requested = (requestHeaders ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== "");
  return rules.map((rule, i) => {
    const at = `CORSRules[${i}]`;
    if (!rule.methods.has(method)) return `${at}: AllowedMethods ${rule.allowMethods} has no ${method}`;
    if (!rule.origins.some((matches) => matches(origin))) return `${at}: no AllowedOrigins entry matches ${origin}`;
    const refused = requested.filter((h) => !rule.headers.some((matches) => matches(h)));
    if (refused.length > 0) return `${at}: AllowedHeaders does not cover ${refused.join(", ")}`;
    return `${at}: matches`;
  });
}
