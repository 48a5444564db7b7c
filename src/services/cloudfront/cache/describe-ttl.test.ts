import assert from "node:assert/strict";
import { it } from "node:test";
import { decideTtl, describeTtl, type TtlInput } from "./ttl.js";

/** The trace's TTL source (issue 15): which header or policy field gave the TTL, and any clamp (cloudfront.md §4.3, §4.4). */
const policy = { MinTTL: 10, DefaultTTL: 86400, MaxTTL: 3600 };
const explain = (headers: TtlInput["headers"], p = policy) => {
  const input: TtlInput = { status: 200, headers, policy: p, errorCachingMinTtl: 10, now: Date.UTC(2026, 0, 1) };
  return describeTtl(input, decideTtl(input));
};

it("ttl: s-maxage wins over max-age and is capped at MaxTTL (cloudfront.md §4.3)", () => {
  assert.equal(
    explain({ "cache-control": "max-age=60, s-maxage=7200" }),
    "stored for 3600 s from s-maxage=7200, capped at MaxTTL 3600 (MinTTL 10, DefaultTTL 86400, MaxTTL 3600)",
  );
});

it("ttl: max-age below MinTTL is raised to it (cloudfront.md §4.4)", () => {
  assert.equal(explain({ "cache-control": "max-age=5" }), "stored for 10 s from max-age=5, raised to MinTTL 10 (MinTTL 10, DefaultTTL 86400, MaxTTL 3600)");
});

it("ttl: Expires counts from now when there is no max-age (cloudfront.md §4.3)", () => {
  assert.equal(
    explain({ expires: new Date(Date.UTC(2026, 0, 1, 0, 2)).toUTCString() }),
    "stored for 120 s from Expires (120 s from now) (MinTTL 10, DefaultTTL 86400, MaxTTL 3600)",
  );
});

it("ttl: no lifetime from the origin takes DefaultTTL; no-store with MinTTL 0 is not stored (cloudfront.md §4.3)", () => {
  const p = { MinTTL: 0, DefaultTTL: 300, MaxTTL: 3600 };
  assert.equal(explain({}, p), "stored for 300 s from DefaultTTL (the origin sent no s-maxage, max-age or Expires) (MinTTL 0, DefaultTTL 300, MaxTTL 3600)");
  assert.equal(explain({ "cache-control": "no-store" }, p), "not stored: no-store/no-cache/private with MinTTL 0");
});
