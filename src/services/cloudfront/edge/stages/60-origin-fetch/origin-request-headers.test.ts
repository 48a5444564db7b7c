import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normaliseAcceptEncoding } from "./origin-request-headers.js";

describe("Accept-Encoding normalisation (cloudfront.md §4.5)", () => {
  const both = { gzip: true, br: true };
  const table: [string | undefined, { gzip: boolean; br: boolean }, string, string][] = [
    ["gzip, deflate, br", both, "1.1", "br,gzip"],
    ["br", both, "1.1", "br"],
    ["gzip", both, "1.1", "gzip"],
    ["deflate", both, "1.1", "identity"],
    [undefined, both, "1.1", "identity"],
    ["gzip, br", { gzip: true, br: false }, "1.1", "gzip"],
    ["br", { gzip: true, br: false }, "1.1", "identity"],
    ["gzip, br", both, "1.0", "identity"],
    ["gzip;q=0, br", both, "1.1", "br"],
  ];
  for (const [viewer, enabled, version, expected] of table) {
    it(`accept-encoding: '${viewer}' with ${JSON.stringify(enabled)} over HTTP/${version} → '${expected}'`, () => {
      assert.equal(normaliseAcceptEncoding(viewer, enabled, version), expected);
    });
  }
});
