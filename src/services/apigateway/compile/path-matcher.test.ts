import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePathParts } from "../schema/api-names.js";
import { PathMatcher } from "./path-matcher.js";

const matcher = (routes: [string, string][]) =>
  new PathMatcher(
    routes.map(([method, path]) => ({ method, parts: parsePathParts(path) as Exclude<ReturnType<typeof parsePathParts>, string>, value: `${method} ${path}` })),
  );

describe("path-matcher (apigateway.md §2, §3)", () => {
  it("path-matcher: literal > {param} > {proxy+} at the first differing part, whatever the listed order", () => {
    const m = matcher([
      ["ANY", "/{proxy+}"],
      ["GET", "/{a}/b"],
      ["GET", "/x/{b}"],
      ["GET", "/x/y"],
    ]);
    assert.equal(m.match("GET", "/x/y")?.value, "GET /x/y");
    assert.equal(m.match("GET", "/x/z")?.value, "GET /x/{b}");
    assert.equal(m.match("GET", "/q/b")?.value, "GET /{a}/b");
    assert.equal(m.match("GET", "/q/c")?.value, "ANY /{proxy+}");
  });
  it("path-matcher: an explicit method outranks ANY on the same path; {proxy+} never matches /", () => {
    const m = matcher([
      ["ANY", "/p"],
      ["GET", "/p"],
      ["ANY", "/{proxy+}"],
    ]);
    assert.equal(m.match("GET", "/p")?.value, "GET /p");
    assert.equal(m.match("PUT", "/p")?.value, "ANY /p");
    assert.equal(m.match("GET", "/"), undefined);
    assert.deepEqual(m.match("GET", "/a/b/")?.pathParameters, { proxy: "a/b" });
  });
  it("path-matcher: {param} takes exactly one non-empty segment", () => {
    const m = matcher([["GET", "/a/{id}"]]);
    assert.equal(m.match("GET", "/a/1/2"), undefined);
    assert.equal(m.match("GET", "/a//"), undefined);
    assert.deepEqual(m.match("GET", "/a/%2F")?.pathParameters, { id: "%2F" });
  });
});
