import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeDecode } from "./uri.js";

describe("uri", () => {
  it("uri: safeDecode decodes percent-escapes and leaves invalid ones as sent (s3.md §4: keys with a lone % still resolve)", () => {
    assert.equal(safeDecode("a%20b%2Fc%E2%82%AC"), "a b/c€");
    assert.equal(safeDecode("100%"), "100%");
    assert.equal(safeDecode("%E2%82"), "%E2%82");
    assert.equal(safeDecode("%zz"), "%zz");
  });
});
