import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/**
 * Small objects are served from memory after their first read (issue 14, bucket-store.ts). The
 * copy must never outlive its version: every GET after an overwrite, a tag update or a delete
 * answers what S3 would (s3.md §4: read-after-write consistency), and Range still slices.
 */
describe("s3 small objects from memory", () => {
  let stack: EdgeparityStack;
  const Bucket = "small-bucket";
  const host = `${Bucket}.s3.localhost`;
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
  });
  after(async () => {
    await stack.close();
  });

  for (const protocol of WIRE_PROTOCOLS) {
    it(`a GET after an overwrite, a tag update and a delete sees the new state, ${protocol} (s3.md §4 read-after-write)`, async () => {
      const key = `/k-${protocol.replace(/\W/g, "")}.txt`;
      const send = (method: string, path: string, body?: string, headers?: Record<string, string>) =>
        sendWire(stack, protocol, { method, host, path, body, headers });
      for (const [version, body] of [
        ["empty", ""],
        ["small", "version one"],
        ["large", "y".repeat(1024 * 1024 + 7)],
        ["small again", "version three, longer"],
      ] as const) {
        assert.equal((await send("PUT", key, body)).status, 200, version);
        for (let i = 0; i < 2; i++) {
          const r = await send("GET", key);
          assert.equal(r.status, 200, version);
          assert.equal(r.text.length, body.length, version);
          assert.equal(r.text, body, version);
          assert.equal(r.headers["content-length"], String(body.length), version);
        }
      }
      const part = await send("GET", key, undefined, { range: "bytes=8-12" });
      assert.equal(part.status, 206);
      assert.equal(part.text, "three");
      assert.equal(part.headers["content-range"], "bytes 8-12/21");
      const head = await send("HEAD", key);
      assert.equal(head.status, 200);
      assert.equal(head.text, "");
      assert.equal((await send("PUT", `${key}?tagging`, "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>")).status, 200);
      const tagged = await send("GET", key);
      assert.equal(tagged.text, "version three, longer");
      assert.equal(tagged.headers["x-amz-tagging-count"], "1");
      assert.equal((await send("DELETE", key)).status, 204);
      assert.equal((await send("GET", key)).status, 404);
    });
  }
});
