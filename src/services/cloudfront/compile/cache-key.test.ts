import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MANAGED_CACHE_POLICIES } from "../schema/managed-policies.js";
import type { CachePolicyConfig } from "../schema/policies.js";
import { compileCacheKey, compileLegacyCacheKey, computeCacheKey, type CacheKeyInput } from "./cache-key.js";

const OPTIMIZED = compileCacheKey(MANAGED_CACHE_POLICIES.get("658327ea-f89d-4fab-a63d-7e88639e58f6")!);
const input = (over: Partial<CacheKeyInput> = {}): CacheKeyInput => ({
  method: "GET",
  uri: "/a",
  query: "",
  headers: {},
  protocol: "https",
  httpVersion: "1.1",
  ...over,
});
const key = (r: ReturnType<typeof compileCacheKey>, over: Partial<CacheKeyInput> = {}) => computeCacheKey(r, input(over)).key;

function policy(p: Partial<CachePolicyConfig["ParametersInCacheKeyAndForwardedToOrigin"]>): CachePolicyConfig {
  return {
    Name: "t",
    MinTTL: 0,
    DefaultTTL: 10,
    MaxTTL: 100,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false,
      EnableAcceptEncodingBrotli: false,
      HeadersConfig: { HeaderBehavior: "none" },
      CookiesConfig: { CookieBehavior: "none" },
      QueryStringsConfig: { QueryStringBehavior: "none" },
      ...p,
    },
  };
}

describe("cache-key (cloudfront.md §4.2, §4.5)", () => {
  it("cache-key: CachingOptimized ignores query strings, cookies and headers (§5.1)", () => {
    assert.equal(key(OPTIMIZED, { query: "a=1" }), key(OPTIMIZED, { query: "b=2", headers: { cookie: "x=1", "user-agent": "z" } }));
  });

  it("cache-key: OPTIONS is keyed apart from GET and HEAD (§3.2)", () => {
    assert.equal(key(OPTIMIZED, { method: "HEAD" }), key(OPTIMIZED));
    assert.notEqual(key(OPTIMIZED, { method: "OPTIONS" }), key(OPTIMIZED));
  });

  it("cache-key: path is case-sensitive (§4.2)", () => {
    assert.notEqual(key(OPTIMIZED, { uri: "/A" }), key(OPTIMIZED));
  });

  it("cache-key: Accept-Encoding normalised to br,gzip / br / gzip / nothing (§4.5)", () => {
    const enc = (ae: string | undefined, v = "1.1") =>
      computeCacheKey(OPTIMIZED, input({ headers: ae === undefined ? {} : { "accept-encoding": ae }, httpVersion: v })).encoding;
    assert.equal(enc("gzip, deflate, br"), "br,gzip");
    assert.equal(enc("br"), "br");
    assert.equal(enc("deflate, gzip"), "gzip");
    assert.equal(enc("deflate"), "");
    assert.equal(enc(undefined), "");
    assert.equal(enc("gzip;q=0, br"), "br");
    assert.equal(enc("gzip, br", "1.0"), "");
    assert.equal(key(OPTIMIZED, { headers: { "accept-encoding": "gzip, br" } }), key(OPTIMIZED, { headers: { "accept-encoding": "br,gzip,deflate" } }));
  });

  it("cache-key: gzip-only policy keys gzip even when br is offered (§4.5)", () => {
    const r = compileCacheKey(policy({ EnableAcceptEncodingGzip: true }));
    assert.equal(computeCacheKey(r, input({ headers: { "accept-encoding": "br, gzip" } })).encoding, "gzip");
  });

  it("cache-key: query string order matters; whitelist keeps only listed names (§4.2)", () => {
    const all = compileCacheKey(policy({ QueryStringsConfig: { QueryStringBehavior: "all" } }));
    assert.notEqual(key(all, { query: "a=1&b=2" }), key(all, { query: "b=2&a=1" }));
    const list = compileCacheKey(policy({ QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: 1, Items: ["v"] } } }));
    assert.equal(key(list, { query: "v=1&utm=x" }), key(list, { query: "utm=y&v=1" }));
    assert.equal(computeCacheKey(list, input({ query: "utm=y&v=1" })).path, "/a?v=1");
    const except = compileCacheKey(policy({ QueryStringsConfig: { QueryStringBehavior: "allExcept", QueryStrings: { Quantity: 1, Items: ["utm"] } } }));
    assert.equal(key(except, { query: "v=1&utm=x" }), key(except, { query: "v=1" }));
  });

  it("cache-key: query names and values are case-sensitive; `;` is part of a value (§4.2)", () => {
    const all = compileCacheKey(policy({ QueryStringsConfig: { QueryStringBehavior: "all" } }));
    assert.notEqual(key(all, { query: "A=1" }), key(all, { query: "a=1" }));
    const list = compileCacheKey(policy({ QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: 1, Items: ["a"] } } }));
    assert.equal(computeCacheKey(list, input({ query: "a=1;b=2" })).path, "/a?a=1;b=2");
  });

  it("cache-key: header names are case-insensitive, values case-sensitive (§4.2)", () => {
    const r = compileCacheKey(policy({ HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Quantity: 1, Items: ["X-Tenant"] } } }));
    assert.notEqual(key(r, { headers: { "x-tenant": "A" } }), key(r, { headers: { "x-tenant": "a" } }));
    assert.equal(key(r, { headers: { "x-tenant": "a", other: "1" } }), key(r, { headers: { "x-tenant": "a", other: "2" } }));
  });

  it("cache-key: cookies keyed by name in sorted order, values case-sensitive (§4.2)", () => {
    const r = compileCacheKey(policy({ CookiesConfig: { CookieBehavior: "whitelist", Cookies: { Quantity: 2, Items: ["a", "b"] } } }));
    assert.equal(key(r, { headers: { cookie: "b=2; a=1; c=3" } }), key(r, { headers: { cookie: "a=1; b=2" } }));
    assert.notEqual(key(r, { headers: { cookie: "a=X" } }), key(r, { headers: { cookie: "a=x" } }));
  });

  it("cache-key: CloudFront-Forwarded-Proto in the key splits http and https (§7.4)", () => {
    const r = compileCacheKey(policy({ HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Quantity: 1, Items: ["CloudFront-Forwarded-Proto"] } } }));
    assert.notEqual(key(r, { protocol: "http" }), key(r, { protocol: "https" }));
  });

  it("cache-key: CachingDisabled and legacy Headers ['*'] cache nothing (§4.4, §4.10)", () => {
    assert.equal(compileCacheKey(MANAGED_CACHE_POLICIES.get("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")!).isEnabled, false);
    const star = compileLegacyCacheKey({ QueryString: false, Cookies: { Forward: "none" }, Headers: { Quantity: 1, Items: ["*"] } } as never, 100);
    assert.equal(star.isEnabled, false);
  });

  it("cache-key: legacy QueryStringCacheKeys narrows the keyed query strings (§4.10)", () => {
    const r = compileLegacyCacheKey({ QueryString: true, Cookies: { Forward: "none" }, QueryStringCacheKeys: { Quantity: 1, Items: ["v"] } } as never, 100);
    assert.equal(key(r, { query: "v=1&x=2" }), key(r, { query: "v=1&x=3" }));
    const all = compileLegacyCacheKey({ QueryString: true, Cookies: { Forward: "none" } } as never, 100);
    assert.notEqual(key(all, { query: "v=1&x=2" }), key(all, { query: "v=1&x=3" }));
  });
});
