import assert from "node:assert/strict";
import { crc32 } from "node:zlib";
import { after, before, describe, it } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { EdgeparityStack } from "../../../src/index.js";
import { closeS3Stack, startS3Stack } from "../../support/s3-client.js";
import { errorCode, sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/** Multipart checksums and conditional Complete (s3.md §4.2, §4.5). */
describe("s3 multipart checksums and If-None-Match", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "mpu-sum-bucket";
  const HOST = `${Bucket}.s3.localhost`;
  before(async () => {
    ({ stack, s3 } = await startS3Stack(Bucket));
  });
  after(() => closeS3Stack(stack, s3));

  const b64crc = (b: Buffer) => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(crc32(b) >>> 0, 0);
    return out.toString("base64");
  };

  it("CRC32 multipart: Create echoes the algorithm, parts keep checksums, Complete and HEAD give the composite <base64>-<parts> (s3.md §4.5)", async () => {
    const Key = "composite.bin";
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: "CRC32" }));
    assert.equal(create.ChecksumAlgorithm, "CRC32");
    const bodies = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from("tail part")];
    const parts = [];
    for (let i = 0; i < bodies.length; i++) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket, Key, UploadId: create.UploadId!, PartNumber: i + 1, Body: bodies[i]!, ChecksumAlgorithm: "CRC32" }),
      );
      assert.equal(r.ChecksumCRC32, b64crc(bodies[i]!));
      parts.push({ PartNumber: i + 1, ETag: r.ETag!, ChecksumCRC32: r.ChecksumCRC32! });
    }
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId: create.UploadId! }));
    assert.deepEqual(
      listed.Parts!.map((p) => p.ChecksumCRC32),
      parts.map((p) => p.ChecksumCRC32),
    );
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: create.UploadId!, MultipartUpload: { Parts: parts } }));
    const composite = `${b64crc(Buffer.concat(parts.map((p) => Buffer.from(p.ChecksumCRC32, "base64"))))}-2`;
    assert.equal(done.ChecksumCRC32, composite);
    assert.equal(done.ChecksumType, "COMPOSITE");
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key, ChecksumMode: "ENABLED" }));
    assert.equal(head.ChecksumCRC32, composite);
    assert.equal(head.ChecksumType, "COMPOSITE");
  });

  for (const protocol of WIRE_PROTOCOLS) {
    it(`CompleteMultipartUpload with If-None-Match: * → 412 when the key exists, and the object is kept, ${protocol} (s3.md §4.2)`, async () => {
      const key = `/inm-${protocol === "HTTP/2" ? "h2" : "h1"}.txt`;
      assert.equal((await sendWire(stack, protocol, { method: "PUT", host: HOST, path: key, body: "first" })).status, 200);
      const create = await sendWire(stack, protocol, { method: "POST", host: HOST, path: `${key}?uploads`, body: "" });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(create.text)![1]!;
      const part = await sendWire(stack, protocol, { method: "PUT", host: HOST, path: `${key}?partNumber=1&uploadId=${uploadId}`, body: "second" });
      const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.etag}</ETag></Part></CompleteMultipartUpload>`;
      const refused = await sendWire(stack, protocol, {
        method: "POST",
        host: HOST,
        path: `${key}?uploadId=${uploadId}`,
        headers: { "if-none-match": "*" },
        body: xml,
      });
      assert.equal(refused.status, 412);
      assert.equal(errorCode(refused), "PreconditionFailed");
      assert.equal((await sendWire(stack, protocol, { method: "GET", host: HOST, path: key })).text, "first");
      const fresh = `${key}.new`;
      const create2 = await sendWire(stack, protocol, { method: "POST", host: HOST, path: `${fresh}?uploads`, body: "" });
      const id2 = /<UploadId>([^<]+)<\/UploadId>/.exec(create2.text)![1]!;
      const part2 = await sendWire(stack, protocol, { method: "PUT", host: HOST, path: `${fresh}?partNumber=1&uploadId=${id2}`, body: "new" });
      const ok = await sendWire(stack, protocol, {
        method: "POST",
        host: HOST,
        path: `${fresh}?uploadId=${id2}`,
        headers: { "if-none-match": "*" },
        body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part2.headers.etag}</ETag></Part></CompleteMultipartUpload>`,
      });
      assert.equal(ok.status, 200, ok.text);
    });
  }

  it("PutObject with a CRC32 checksum reports checksum type FULL_OBJECT, not COMPOSITE (s3.md §4.2)", async () => {
    const r = await s3.send(new PutObjectCommand({ Bucket, Key: "plain.txt", Body: "p", ChecksumAlgorithm: "CRC32" }));
    assert.equal(r.ChecksumType, "FULL_OBJECT");
  });
});
