import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normaliseAcceptEncoding } from "./origin-request-headers.js";

describe("Accept-Encoding normalisation (cloudfront.md §4.5)", () => {
  const both = { gzip: true, br: true };
  const table: [string | undefined, { gzip: boolean; br: boolean }, string][] = [
    ["gzip, deflate, br", both, "br,gzip"],
    ["br", both, "br"],
    ["gzip", both, "gzip"],
    ["deflate", both, "identity"],
    [undefined, both, "identity"],
    ["gzip, br", { gzip: true, br: false }, "gzip"],
    ["br", { gzip: true, br: false }, "identity"],
    ["gzip;q=0, br", both, "br"],
  ];
  for (const [viewer, enabled, expected] of table) {
    it(`accept-encoding: '${viewer}' with ${JSON.stringify(enabled)} → '${expected}'`, () => {
      assert.equal(normaliseAcceptEncoding(viewer, enabled), expected);
    });
  }
});
