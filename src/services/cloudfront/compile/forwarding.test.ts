import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES } from "../schema/managed-policies.js";
import { includes, recipeFromForwardedValues, recipeFromPolicies } from "./forwarding.js";

const cache = (id: string) => MANAGED_CACHE_POLICIES.get(id)!;
const orp = (id: string) => MANAGED_ORIGIN_REQUEST_POLICIES.get(id)!;
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

describe("forwarding recipe (cloudfront.md §7.3)", () => {
  it("forwarding: CachingDisabled with no ORP forwards no optional headers, cookies or query strings (§4.4)", () => {
    const r = recipeFromPolicies(cache(CACHING_DISABLED), undefined);
    assert.equal(r.headers.mode, "none");
    assert.equal(r.cookies.mode, "none");
    assert.equal(r.queryStrings.mode, "none");
    assert.equal(r.forwardsHost, false);
  });
  it("forwarding: AllViewer forwards every header including Host (§5.2, §10.5)", () => {
    const r = recipeFromPolicies(cache(CACHING_DISABLED), orp("216adef6-5c7f-47e4-b989-5492eafa07d3"));
    assert.equal(r.headers.mode, "all");
    assert.equal(r.forwardsHost, true);
    assert.equal(r.cookies.mode, "all");
  });
  it("forwarding: AllViewerExceptHostHeader forwards everything but Host (§5.2)", () => {
    const r = recipeFromPolicies(cache(CACHING_DISABLED), orp("b689b0a8-53d0-40ab-baf2-68738e2966ac"));
    assert.equal(includes(r.headers, "accept-language"), true);
    assert.equal(r.forwardsHost, false);
  });
  it("forwarding: CORS-S3Origin adds Origin and the two Access-Control-Request-* headers (§5.2)", () => {
    const r = recipeFromPolicies(cache(CACHING_OPTIMIZED), orp("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"));
    assert.deepEqual([...r.headers.names].sort(), ["access-control-request-headers", "access-control-request-method", "origin"]);
    assert.deepEqual(r.acceptEncoding, { gzip: true, br: true });
  });
  it("forwarding: cache allow-list wins over an ORP block-list (§7.3 table)", () => {
    const c = structuredClone(cache(CACHING_DISABLED));
    c.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig = { CookieBehavior: "whitelist", Cookies: { Items: ["session"] } };
    const o = structuredClone(orp("216adef6-5c7f-47e4-b989-5492eafa07d3"));
    o.CookiesConfig = { CookieBehavior: "allExcept", Cookies: { Items: ["session", "tracking"] } };
    const r = recipeFromPolicies(c, o);
    assert.equal(r.cookies.mode, "allExcept");
    assert.equal(includes(r.cookies, "session"), true);
    assert.equal(includes(r.cookies, "tracking"), false);
  });
  it("forwarding: allow-lists of cache policy and ORP are unioned (§7.3 table)", () => {
    const c = structuredClone(cache(CACHING_DISABLED));
    c.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig = { QueryStringBehavior: "whitelist", QueryStrings: { Items: ["a"] } };
    const o = structuredClone(orp("acba4595-bd28-49b8-b9fe-13317c0390fa"));
    o.QueryStringsConfig = { QueryStringBehavior: "whitelist", QueryStrings: { Items: ["b"] } };
    const r = recipeFromPolicies(c, o);
    assert.deepEqual([...r.queryStrings.names].sort(), ["a", "b"]);
  });
  it("forwarding: CloudFront-* headers named in a policy become generated headers, not viewer headers (§7.4)", () => {
    const r = recipeFromPolicies(cache(CACHING_DISABLED), orp("33f36d7e-f396-46d9-90e0-52428a34d9dc"));
    assert.ok(r.cloudFrontHeaders.includes("CloudFront-Forwarded-Proto"));
  });
  it("forwarding: legacy Headers ['*'] forwards all headers; QueryString true forwards all (§4.10)", () => {
    const r = recipeFromForwardedValues({ QueryString: true, Cookies: { Forward: "none" }, Headers: { Quantity: 1, Items: ["*"] } });
    assert.equal(r.headers.mode, "all");
    assert.equal(r.queryStrings.mode, "all");
    assert.equal(r.legacyAuthorization, true);
  });
});
