import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/**
 * PutObject bodies are written in batches of up to 1 MiB, without fsync (issue 14, temp-file.ts).
 * Bodies of every size come back byte for byte with S3's MD5 ETag (s3.md §4.2), and a body S3
 * refuses (Content-MD5 or x-amz-content-sha256 mismatch, s3.md §4.2 / §7.1) leaves the previous
 * version in place and no temp file behind, however many batches it had written.
 */
describe("s3 PUT bodies written in batches", () => {
  let stack: EdgeparityStack;
  const Bucket = "batch-bucket";
  const host = `${Bucket}.s3.localhost`;
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
  });
  after(async () => {
    await stack.close();
  });
  const tmpFiles = () => readdir(join(stack.stateDir, "s3", Bucket, "tmp"));
  /** Each byte depends on its offset, so a batch written out of order or twice shows. */
  const bodyOf = (n: number) => {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = i * 7 + (i >> 10);
    return b;
  };
  const md5hex = (b: Buffer) => createHash("md5").update(b).digest("hex");

  for (const protocol of WIRE_PROTOCOLS) {
    const tag = protocol.replace(/\W/g, "");
    for (const size of [0, 1000, 1024 * 1024 + 1, 3 * 1024 * 1024 + 5]) {
      it(`a ${size}-byte PUT reads back byte for byte with its MD5 ETag, ${protocol} (s3.md §4.2)`, async () => {
        const body = bodyOf(size);
        const key = `/obj-${tag}-${size}`;
        const put = await sendWire(stack, protocol, { method: "PUT", host, path: key, body });
        assert.equal(put.status, 200, put.text);
        assert.equal(put.headers.etag, `"${md5hex(body)}"`);
        const got = await sendWire(stack, protocol, { method: "GET", host, path: key });
        assert.equal(got.status, 200);
        assert.equal(got.body.length, size);
        assert.ok(got.body.equals(body));
        assert.deepEqual(await tmpFiles(), []);
      });
    }

    it(`a 2.5 MiB PUT with a wrong Content-MD5 is BadDigest and changes nothing, ${protocol} (s3.md §4.2)`, async () => {
      const key = `/digest-${tag}`;
      const old = bodyOf(5000);
      assert.equal((await sendWire(stack, protocol, { method: "PUT", host, path: key, body: old })).status, 200);
      const body = bodyOf(2.5 * 1024 * 1024);
      const wrong = createHash("md5").update("something else").digest("base64");
      const r = await sendWire(stack, protocol, { method: "PUT", host, path: key, body, headers: { "content-md5": wrong } });
      assert.equal(r.status, 400);
      assert.match(r.text, /<Code>BadDigest<\/Code>/);
      const got = await sendWire(stack, protocol, { method: "GET", host, path: key });
      assert.ok(got.body.equals(old));
      assert.equal(got.headers.etag, `"${md5hex(old)}"`);
      assert.deepEqual(await tmpFiles(), []);
    });

    it(`a 2.5 MiB PUT whose x-amz-content-sha256 does not match is refused and changes nothing, ${protocol} (s3.md §7.1)`, async () => {
      const key = `/sha-${tag}`;
      const body = bodyOf(2.5 * 1024 * 1024);
      // Signed with the hash of another body of the same length: the signature holds, the payload does not.
      const claimed = createHash("sha256").update(Buffer.alloc(body.length, 1)).digest("hex");
      const r = await sendWire(stack, protocol, { method: "PUT", host, path: key, body, headers: { "x-amz-content-sha256": claimed } });
      assert.equal(r.status, 400);
      assert.match(r.text, /<Code>XAmzContentSHA256Mismatch<\/Code>/);
      assert.equal((await sendWire(stack, protocol, { method: "HEAD", host, path: key })).status, 404);
      assert.deepEqual(await tmpFiles(), []);
    });
  }
});
