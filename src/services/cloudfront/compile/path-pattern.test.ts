import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compilePathPattern } from "./path-pattern.js";

const cases: [pattern: string, path: string, matches: boolean, why: string][] = [
  ["images/*.jpg", "/images/a.jpg", true, "* after a literal prefix"],
  ["images/*.jpg", "/images/sub/dir/a.jpg", true, "* crosses / (subdirectories)"],
  ["/images/*.jpg", "/images/a.jpg", true, "leading slash is optional"],
  ["*.jpg", "/LOGO.JPG", false, "case-sensitive"],
  ["a??.jpg", "/ant.jpg", true, "? is exactly one character"],
  ["a??.jpg", "/an.jpg", false, "? is not zero characters"],
  ["*.doc*", "/x.doc", true, "*.doc* matches .doc"],
  ["*.doc*", "/x.docx", true, "*.doc* matches .docx"],
  ["*.doc?", "/x.doc", false, "*.doc? misses .doc"],
  ["test/", "/test/file1.jpg", false, "pattern must match the whole path"],
  ["test/*", "/test/file1.jpg", true, "test/* matches files below"],
  ["/api/*", "/api", false, "/api/* needs the slash"],
  ["/api/*", "/api/", true, "* may be empty"],
  ["/exact.html", "/exact.html", true, "literal"],
  ["/exact.html", "/exact.htm", false, "literal must be whole"],
  ["/a.b", "/aXb", false, ". is literal, not a regex wildcard"],
  ["/a&amp;b", "/a&b", true, "& is stored as &amp;"],
  ["*", "/anything/at/all", true, "default behaviour"],
];

describe("path-pattern (cloudfront.md §2)", () => {
  for (const [pattern, path, expected, why] of cases) {
    it(`path-pattern: '${pattern}' ${expected ? "matches" : "does not match"} '${path}' — ${why}`, () => {
      assert.equal(compilePathPattern(pattern)(path), expected);
    });
  }
});
