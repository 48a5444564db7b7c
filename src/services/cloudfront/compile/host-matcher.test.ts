import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileHostMatcher } from "./host-matcher.js";

describe("host matcher (cloudfront.md §1.1 step 1)", () => {
  const match = compileHostMatcher([
    ["*.example.com", "wild"],
    ["api.example.com", "exact"],
    ["*.deep.example.com", "deeper"],
    ["d111.cloudfront.localhost", "domain"],
  ]);
  it("host matcher: a wildcard alias covers a subdomain at any depth (§1.1)", () => {
    assert.equal(match("www.example.com"), "wild");
    assert.equal(match("a.b.example.com"), "wild");
    assert.equal(match("WWW.Example.COM:8443"), "wild", "case and port do not matter");
  });
  it("host matcher: an exact alias wins over a wildcard; the longest wildcard wins (§1.1)", () => {
    assert.equal(match("api.example.com"), "exact");
    assert.equal(match("x.deep.example.com"), "deeper");
  });
  it("host matcher: the wildcard does not cover the bare domain or other domains (§1.1)", () => {
    assert.equal(match("example.com"), undefined);
    assert.equal(match("www.example.org"), undefined);
    assert.equal(match("wwwexample.com"), undefined);
    assert.equal(match("d111.cloudfront.localhost"), "domain");
  });
});
