import assert from "node:assert/strict";
import { test } from "node:test";
import { hostName } from "./host-router.js";

test("gateway: hostName lower-cases, drops the port and a trailing dot, keeps an IPv6 literal — also when the same Host repeats or alternates", () => {
  const cases: [string, string][] = [
    ["Example.COM:4480", "example.com"],
    ["example.com", "example.com"],
    ["example.com.", "example.com"],
    ["d111111abcdef8.cloudfront.net:80", "d111111abcdef8.cloudfront.net"],
    ["[::1]:8080", "[::1]"],
    ["[::1", "[::1"],
    ["", ""],
  ];
  // Twice in a row and interleaved: the one-entry memo must never answer for another Host.
  for (let round = 0; round < 2; round++)
    for (const [raw, name] of cases) {
      assert.equal(hostName(raw), name, raw);
      assert.equal(hostName(raw), name, `${raw} (repeated)`);
    }
  assert.equal(hostName("A.example"), "a.example");
  assert.equal(hostName("a.example"), "a.example");
  assert.equal(hostName("A.example:1"), "a.example");
});
