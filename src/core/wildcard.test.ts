import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileWildcard } from "./wildcard.js";

const sensitive = { caseInsensitive: false };

describe("wildcard", () => {
  it("wildcard: `*` crosses `/` and `.`, `?` is one character, whole-string match (alb.md §2, cloudfront.md §2)", () => {
    const m = compileWildcard("/a/*/c?", sensitive);
    assert.equal(m("/a/x/y/cd"), true);
    assert.equal(m("/a/x/c"), false);
    assert.equal(m("/a/x/cde"), false);
    assert.equal(compileWildcard("/img/*", sensitive)("/img"), false);
    assert.equal(compileWildcard("/img/*", sensitive)("/img/"), true);
    assert.equal(compileWildcard("*.example.com", sensitive)("a.b.example.com"), true);
    assert.equal(compileWildcard("*.example.com", sensitive)("example.com"), false);
    assert.equal(compileWildcard("*", sensitive)(""), true);
  });
  it("wildcard: RegExp characters in the pattern are literal (alb.md §2, s3.md §8)", () => {
    assert.equal(compileWildcard("a.c", sensitive)("abc"), false);
    assert.equal(compileWildcard("a.c*", sensitive)("abcd"), false);
    assert.equal(compileWildcard("arn:aws:s3:::b/(x)+[y]*", sensitive)("arn:aws:s3:::b/(x)+[y]/k"), true);
    assert.equal(compileWildcard("^a$|b?", sensitive)("^a$|bc"), true);
  });
  it("wildcard: case-insensitive values compare without case; sensitive ones with (alb.md §2.1)", () => {
    assert.equal(compileWildcard("Api.Example.com", { caseInsensitive: true })("api.EXAMPLE.com"), true);
    assert.equal(compileWildcard("*.Example.com", { caseInsensitive: true })("x.example.COM"), true);
    assert.equal(compileWildcard("X-Amz-*", { caseInsensitive: true })("x-amz-date"), true);
    assert.equal(compileWildcard("/A?i*", { caseInsensitive: true })("/api/x"), true);
    assert.equal(compileWildcard("/Api*", sensitive)("/api"), false);
    assert.equal(compileWildcard("/Api", sensitive)("/api"), false);
  });
  it("wildcard: query-string `\\*` and `\\?` are literal when escapes are on (alb.md §2.1)", () => {
    const m = compileWildcard("a\\*b", { caseInsensitive: true, escapes: true });
    assert.equal(m("a*b"), true);
    assert.equal(m("axb"), false);
    assert.equal(compileWildcard("a\\*", { caseInsensitive: false, escapes: true })("a*"), true);
    assert.equal(compileWildcard("a\\*", { caseInsensitive: false, escapes: true })("ab"), false);
  });
  it("wildcard: with starMatchesEmpty false, `*` needs one character or more (S3 CORS origins, s3.md §6.2)", () => {
    const o = { caseInsensitive: false, starMatchesEmpty: false };
    assert.equal(compileWildcard("https://*.example.com", o)("https://a.example.com"), true);
    assert.equal(compileWildcard("https://*.example.com", o)("https://.example.com"), false);
    assert.equal(compileWildcard("http://a*", o)("http://a"), false);
    assert.equal(compileWildcard("*b", o)("b"), false);
    assert.equal(compileWildcard("*", o)(""), false);
    assert.equal(compileWildcard("*", o)("x"), true);
    assert.equal(compileWildcard("a*c?", o)("acd"), false);
    assert.equal(compileWildcard("a*c?", o)("abcd"), true);
  });
});
