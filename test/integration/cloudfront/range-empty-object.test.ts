import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { CACHING_OPTIMIZED, singleOriginStack } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * A Range on a cached zero-length object: there are no bytes to send, so it is unsatisfiable
 * (416, `Content-Range: bytes *\/0`), never a 206 with an impossible `bytes 0--1/0`
 * (RFC 9110 §14.1.1, §15.5.17; cloudfront.md §11.1; the range parsing is core/http/byte-ranges.ts).
 */
describe("cache ranges: a zero-length cached object (cloudfront.md §11.1, RFC 9110 §14.1.1)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "0", "cache-control": "max-age=60" });
      res.end();
    });
    stack = await startEdgeparity({ config: singleOriginStack(origin.url, { CachePolicyId: CACHING_OPTIMIZED }) });
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: a suffix or open range on a cached empty object is 416 bytes */0; without Range it is 200 (cloudfront.md §11.1)`, async () => {
      const host = stack.distributions["test"]!.domain;
      const path = `/empty-${v}.txt`;
      const first = await send(stack, v, host, path, { headers: { "accept-encoding": "identity" } });
      assert.equal(first.status, 200);
      assert.equal(first.body.length, 0);
      for (const range of ["bytes=-5", "bytes=0-"]) {
        const r = await send(stack, v, host, path, { headers: { "accept-encoding": "identity", range } });
        assert.equal(r.status, 416, range);
        assert.equal(r.headers["content-range"], "bytes */0", range);
      }
    });
  }
});
