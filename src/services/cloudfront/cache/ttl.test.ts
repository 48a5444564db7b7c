import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideTtl, type TtlPolicy } from "./ttl.js";

const NOW = Date.UTC(2026, 0, 1);
const P = (MinTTL: number, DefaultTTL: number, MaxTTL: number): TtlPolicy => ({ MinTTL, DefaultTTL, MaxTTL });
const inSeconds = (s: number) => new Date(NOW + s * 1000).toUTCString();

/** [name, status, headers, policy, expected TTL in seconds or null = not cached] */
const CASES: [string, number, Record<string, string>, TtlPolicy, number | null][] = [
  ["no Cache-Control, MinTTL 0 → DefaultTTL (§4.3)", 200, {}, P(0, 86400, 31536000), 86400],
  ["no Cache-Control, MinTTL > DefaultTTL → MinTTL (§4.3)", 200, {}, P(100, 50, 200), 100],
  ["max-age within bounds (§4.3)", 200, { "cache-control": "max-age=600" }, P(0, 86400, 31536000), 600],
  ["max-age below MinTTL is raised to MinTTL (§4.3)", 200, { "cache-control": "max-age=5" }, P(60, 86400, 31536000), 60],
  ["max-age above MaxTTL is capped (§4.3)", 200, { "cache-control": "max-age=99999" }, P(0, 10, 100), 100],
  ["s-maxage wins over max-age (§4.3)", 200, { "cache-control": "max-age=10, s-maxage=300" }, P(0, 1, 1000), 300],
  ["max-age wins over Expires (§4.3)", 200, { "cache-control": "max-age=10", expires: inSeconds(500) }, P(0, 1, 1000), 10],
  ["Expires − now when no max-age (§4.3)", 200, { expires: inSeconds(500) }, P(0, 1, 1000), 500],
  ["invalid Expires is already expired (RFC 9111 §5.3)", 200, { expires: "0" }, P(0, 1, 1000), null],
  ["max-age=0 with MinTTL 0 → not cached (§4.3)", 200, { "cache-control": "max-age=0" }, P(0, 86400, 31536000), null],
  ["no-store with MinTTL 0 → not cached (§4.3)", 200, { "cache-control": "no-store" }, P(0, 86400, 31536000), null],
  ["no-cache with MinTTL 0 → not cached (§4.3)", 200, { "cache-control": "no-cache" }, P(0, 86400, 31536000), null],
  ["private with MinTTL 0 → not cached (§4.3)", 200, { "cache-control": "private, max-age=60" }, P(0, 86400, 31536000), null],
  ["no-store with MinTTL > 0 caches for MinTTL (§4.3)", 200, { "cache-control": "no-store" }, P(30, 86400, 31536000), 30],
  ["private with MinTTL > 0 caches for MinTTL (§4.3)", 200, { "cache-control": "private" }, P(1, 86400, 31536000), 1],
  ['no-cache="Set-Cookie" still caches the body (§4.3)', 200, { "cache-control": 'no-cache="Set-Cookie", max-age=20' }, P(0, 1, 100), 20],
  ["MaxTTL 0 never caches (§4.4)", 200, { "cache-control": "max-age=600" }, P(0, 0, 0), null],
  ["Vary: * with MinTTL 0 is not kept (§4.3)", 200, { vary: "*", "cache-control": "max-age=60" }, P(0, 1, 100), null],
  ["301 redirect is cached like a 200 (§4.6)", 301, { "cache-control": "max-age=60" }, P(0, 1, 100), 60],
  ["206 is cached like a 200 (§11.1)", 206, { "cache-control": "max-age=60" }, P(0, 1, 100), 60],
  ["307 without Cache-Control is not cached (DG HTTP 3xx status codes, §4.6)", 307, {}, P(0, 86400, 31536000), null],
  ["308 without Cache-Control is not cached (DG HTTP 3xx status codes, §4.6)", 308, { expires: "Wed, 21 Oct 2099 07:28:00 GMT" }, P(0, 86400, 31536000), null],
  ["307 with Cache-Control is cached (§4.6)", 307, { "cache-control": "max-age=30" }, P(0, 86400, 31536000), 30],
  ["301 without Cache-Control takes DefaultTTL (§4.6)", 301, {}, P(0, 86400, 31536000), 86400],
  ["304 is not stored as an object", 304, {}, P(0, 1, 100), null],
  ["404 cached for ErrorCachingMinTTL 10 s (§4.6)", 404, {}, P(0, 86400, 31536000), 10],
  ["404 with larger max-age uses max-age (§4.6)", 404, { "cache-control": "max-age=60" }, P(0, 86400, 31536000), 60],
  ["500 error caching capped by MaxTTL (§4.6)", 500, { "cache-control": "max-age=600" }, P(0, 1, 100), 100],
  ["503 always cached (§4.6)", 503, {}, P(0, 1, 100), 10],
  ["403 without max-age is not cached (§4.6)", 403, {}, P(0, 1, 100), null],
  ["403 with max-age is cached (§4.6)", 403, { "cache-control": "max-age=30" }, P(0, 1, 100), 30],
  ["400 with s-maxage is cached, floor ErrorCachingMinTTL (§4.6)", 400, { "cache-control": "s-maxage=3" }, P(0, 1, 100), 10],
  ["416 is never cached (§4.6)", 416, { "cache-control": "max-age=30" }, P(0, 1, 100), null],
  ["401 is not in either list: not cached (§4.6)", 401, { "cache-control": "max-age=30" }, P(0, 1, 100), null],
  ["errors are not cached when MaxTTL is 0 (§4.4, §4.6)", 404, {}, P(0, 0, 0), null],
];

describe("ttl: Cache-Control × policy (cloudfront.md §4.3, §4.4, §4.6)", () => {
  for (const [name, status, headers, policy, expected] of CASES) {
    it(`ttl: ${name}`, () => {
      const d = decideTtl({ status, headers, policy, errorCachingMinTtl: 10, now: NOW });
      assert.equal(d.isCached ? d.ttl : null, expected, d.reason);
    });
  }

  it("ttl: per-code ErrorCachingMinTTL raises the floor (§4.6)", () => {
    const d = decideTtl({ status: 502, headers: {}, policy: P(0, 1, 1000), errorCachingMinTtl: 300, now: NOW });
    assert.equal(d.isCached && d.ttl, 300);
  });

  it("ttl: stale-while-revalidate and stale-if-error are read (§4.7)", () => {
    const d = decideTtl({
      status: 200,
      headers: { "cache-control": "max-age=1, stale-while-revalidate=30, stale-if-error=60" },
      policy: P(0, 1, 100),
      errorCachingMinTtl: 10,
      now: NOW,
    });
    assert.ok(d.isCached);
    assert.equal(d.cacheControl.staleWhileRevalidate, 30);
    assert.equal(d.cacheControl.staleIfError, 60);
  });
});
