import { parseCacheControl, type CacheControl } from "./cache-control.js";

/**
 * How long CloudFront keeps a response (cloudfront.md §4.3, §4.4, §4.6): origin lifetime
 * (s-maxage, else max-age, else Expires) against the policy's Min/Default/MaxTTL, and error
 * caching by status code with ErrorCachingMinTTL.
 */
export interface TtlPolicy {
  MinTTL: number;
  DefaultTTL: number;
  MaxTTL: number;
}

export type TtlDecision = { isCached: false; reason: string } | { isCached: true; ttl: number; cacheControl: CacheControl; reason: string };

/** §4.6: cached whatever the origin says (for ErrorCachingMinTTL at least). */
const ALWAYS_CACHED_ERRORS = new Set([404, 414, 500, 501, 502, 503, 504]);
/** §4.6: cached only when the origin sends max-age / s-maxage. */
const CACHED_WITH_MAX_AGE = new Set([400, 403, 405, 412, 415]);

export interface TtlInput {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  policy: TtlPolicy;
  /** ErrorCachingMinTTL for this status: the CustomErrorResponse's, else 10 s (§4.6). */
  errorCachingMinTtl: number;
  /** Clock time in ms, for Expires. */
  now: number;
}

const no = (reason: string): TtlDecision => ({ isCached: false, reason });

/** Origin lifetime in seconds: s-maxage, then max-age, then Expires − now (§4.3: max-age wins over Expires). */
export function originLifetime(cc: CacheControl, expires: string | string[] | undefined, now: number): number | undefined {
  if (cc.sMaxAge !== undefined) return cc.sMaxAge;
  if (cc.maxAge !== undefined) return cc.maxAge;
  if (expires === undefined) return undefined;
  const at = Date.parse(Array.isArray(expires) ? expires[0]! : expires);
  // RFC 9111 §5.3: an invalid Expires (e.g. "0") means already expired.
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.floor((at - now) / 1000));
}

export function decideTtl(input: TtlInput): TtlDecision {
  const { status, policy } = input;
  // §4.4: MaxTTL 0 caches nothing, errors included (their TTL "cannot exceed MaxTTL", §4.6).
  if (policy.MaxTTL === 0) return no("MaxTTL is 0");
  const cc = parseCacheControl(input.headers["cache-control"]);
  if (status >= 400) {
    // §4.6: 416 is never cached, even with ErrorCachingMinTTL.
    if (status === 416) return no("416 is never cached");
    const hasMaxAge = cc.sMaxAge !== undefined || cc.maxAge !== undefined;
    if (!ALWAYS_CACHED_ERRORS.has(status) && !(CACHED_WITH_MAX_AGE.has(status) && hasMaxAge)) return no(`status ${status} is not cached`);
    const origin = originLifetime(cc, input.headers["expires"], input.now) ?? 0;
    const ttl = Math.min(Math.max(input.errorCachingMinTtl, origin), policy.MaxTTL);
    return ttl > 0 ? { isCached: true, ttl, cacheControl: cc, reason: "error caching" } : no("ErrorCachingMinTTL is 0");
  }
  // 1xx and 304 (a revalidation answer) are not stored as objects. A 206 is cached (§11.1 "origin
  // supports ranges → 206 cached"); the store keeps it under its range (store-in-cache.ts).
  if (status < 200 || status === 304) return no(`status ${status} is not stored`);
  // DG "How CloudFront processes HTTP 3xx status codes": 307 and 308 are cached only when the origin
  // sends Cache-Control (cloudfront.md §4.6; the spec's older "per §4.3" row was outdated).
  if ((status === 307 || status === 308) && input.headers["cache-control"] === undefined) return no(`${status} without Cache-Control is not cached`);
  const vary = input.headers["vary"];
  if (
    policy.MinTTL === 0 &&
    vary !== undefined &&
    String(vary)
      .split(",")
      .some((v) => v.trim() === "*")
  ) {
    // §4.3: Vary: * is "cached" but every request goes to origin; with MinTTL 0 storing it changes nothing.
    return no("Vary: * with MinTTL 0");
  }
  if (cc.noStore || cc.noCache || cc.isPrivate) {
    // §4.3: respected with MinTTL 0; with MinTTL > 0 the object is cached for MinTTL.
    return policy.MinTTL === 0
      ? no("no-store/no-cache/private with MinTTL 0")
      : { isCached: true, ttl: policy.MinTTL, cacheControl: cc, reason: "MinTTL overrides no-cache" };
  }
  const origin = originLifetime(cc, input.headers["expires"], input.now);
  let ttl: number;
  if (origin === undefined) ttl = Math.max(policy.MinTTL, policy.DefaultTTL);
  else ttl = Math.min(Math.max(origin, policy.MinTTL), policy.MaxTTL);
  return ttl > 0 ? { isCached: true, ttl, cacheControl: cc, reason: origin === undefined ? "DefaultTTL" : "origin lifetime" } : no("TTL is 0");
}

/**
 * Where a TTL decision came from, in words (issue 15's trace): the origin's `s-maxage`, `max-age`
 * or `Expires`, or the policy's DefaultTTL, and whether MinTTL or MaxTTL clamped it (§4.3, §4.4).
 */
export function describeTtl(input: TtlInput, d: TtlDecision): string {
  if (!d.isCached) return `not stored: ${d.reason}`;
  const p = input.policy;
  const policy = `MinTTL ${p.MinTTL}, DefaultTTL ${p.DefaultTTL}, MaxTTL ${p.MaxTTL}`;
  if (d.reason !== "origin lifetime" && d.reason !== "DefaultTTL") return `stored for ${d.ttl} s (${d.reason}; ${policy})`;
  const cc = d.cacheControl;
  const origin = originLifetime(cc, input.headers["expires"], input.now);
  const source =
    origin === undefined
      ? `DefaultTTL (the origin sent no s-maxage, max-age or Expires)`
      : cc.sMaxAge !== undefined
        ? `s-maxage=${cc.sMaxAge}`
        : cc.maxAge !== undefined
          ? `max-age=${cc.maxAge}`
          : `Expires (${origin} s from now)`;
  const clamp =
    origin === undefined
      ? p.MinTTL > p.DefaultTTL
        ? ", raised to MinTTL"
        : ""
      : origin < p.MinTTL
        ? `, raised to MinTTL ${p.MinTTL}`
        : origin > p.MaxTTL
          ? `, capped at MaxTTL ${p.MaxTTL}`
          : "";
  return `stored for ${d.ttl} s from ${source}${clamp} (${policy})`;
}
