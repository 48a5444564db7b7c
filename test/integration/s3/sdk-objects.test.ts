import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { EdgeparityStack } from "../../../src/index.js";
import { closeS3Stack, startS3Stack } from "../../support/s3-client.js";

/** Object operations through the AWS SDK for JavaScript v3, path style on the control-plane host (s3.md §4). */
describe("s3 via the AWS SDK v3", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "sdk-bucket";
  before(async () => {
    ({ stack, s3 } = await startS3Stack(Bucket));
  });
  after(() => closeS3Stack(stack, s3));

  async function expectError(p: Promise<unknown>, code: string, status: number): Promise<S3ServiceException> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof S3ServiceException, String(e));
      if (code !== "*") assert.equal(e.name, code);
      assert.equal(e.$metadata.httpStatusCode, status);
      return e;
    }
    assert.fail(`expected ${code}`);
  }

  it("put/get: ETag = quoted MD5, metadata lower-cased, SSE header (s3.md §3, §4.2)", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "dir/a b+c.txt", Body: "hello", Metadata: { "X-Foo": "Bar" } }));
    assert.equal(put.ETag, `"${createHash("md5").update("hello").digest("hex")}"`);
    assert.equal(put.ServerSideEncryption, "AES256");
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "dir/a b+c.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello");
    assert.deepEqual(got.Metadata, { "x-foo": "Bar" });
    assert.equal(got.AcceptRanges, "bytes");
  });

  it("keys that look like paths are stored verbatim and never collide: a/b vs a%2Fb vs ../x (s3.md §2.2)", async () => {
    const keys = ["k/a/b", "k/a%2Fb", "k/../x", "k/./y", "k//z", "k/ü €"];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket, Key: k, Body: `body of ${k}` }));
    for (const k of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: k }));
      assert.equal(await got.Body!.transformToString(), `body of ${k}`);
    }
    const list = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "k/" }));
    assert.deepEqual(
      list.Contents!.map((c) => c.Key),
      [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
  });

  it("missing key: 404 NoSuchKey for the account (it may list); HEAD error has no body (s3.md §4.3)", async () => {
    const e = await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "nope" })), "NoSuchKey", 404);
    assert.equal(e.message, "The specified key does not exist.");
    await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "nope" })), "NotFound", 404);
    await expectError(s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "x" })), "NoSuchBucket", 404);
  });

  it("Range: a-b → 206 + Content-Range; suffix; beyond size → 416 InvalidRange; multi-range ignored (s3.md §4.3)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "r", Body: "0123456789" }));
    const a = await s3.send(new GetObjectCommand({ Bucket, Key: "r", Range: "bytes=2-4" }));
    assert.equal(a.ContentRange, "bytes 2-4/10");
    assert.equal(await a.Body!.transformToString(), "234");
    const b = await s3.send(new GetObjectCommand({ Bucket, Key: "r", Range: "bytes=-3" }));
    assert.equal(await b.Body!.transformToString(), "789");
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "r", Range: "bytes=10-" })), "InvalidRange", 416);
    const multi = await s3.send(new GetObjectCommand({ Bucket, Key: "r", Range: "bytes=0-1,3-4" }));
    assert.equal(multi.$metadata.httpStatusCode, 200);
    assert.equal(await multi.Body!.transformToString(), "0123456789");
  });

  it("conditionals: If-None-Match → 304; If-Match false → 412; If-Match true beats If-Unmodified-Since (s3.md §4.3)", async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket, Key: "c", Body: "x" }));
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "c", IfNoneMatch: ETag })), "*", 304);
    await expectError(s3.send(new GetObjectCommand({ Bucket, Key: "c", IfMatch: '"nope"' })), "PreconditionFailed", 412);
    const ok = await s3.send(new GetObjectCommand({ Bucket, Key: "c", IfMatch: ETag, IfUnmodifiedSince: new Date(0) }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    await expectError(s3.send(new PutObjectCommand({ Bucket, Key: "c", Body: "y", IfNoneMatch: "*" })), "PreconditionFailed", 412);
  });

  it("response-* overrides apply on signed GETs (s3.md §4.3)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "o", Body: "x", ContentType: "text/plain" }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "o", ResponseContentType: "application/x-test", ResponseContentDisposition: "attachment" }));
    assert.equal(got.ContentType, "application/x-test");
    assert.equal(got.ContentDisposition, "attachment");
  });

  it("Content-MD5 mismatch → 400 BadDigest; bad checksum → 400 BadDigest; nothing stored (s3.md §4.2)", async () => {
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key: "md5", Body: "abc", ContentMD5: createHash("md5").update("abd").digest("base64") })),
      "BadDigest",
      400,
    );
    await expectError(
      s3.send(new PutObjectCommand({ Bucket, Key: "md5", Body: "abc", ChecksumSHA256: createHash("sha256").update("zzz").digest("base64") })),
      "BadDigest",
      400,
    );
    await expectError(s3.send(new HeadObjectCommand({ Bucket, Key: "md5" })), "NotFound", 404);
    const ok = await s3.send(new PutObjectCommand({ Bucket, Key: "md5", Body: "abc", ChecksumSHA256: createHash("sha256").update("abc").digest("base64") }));
    assert.equal(ok.ChecksumSHA256, createHash("sha256").update("abc").digest("base64"));
  });

  it("ListObjectsV2: prefix + delimiter roll-up, KeyCount, max-keys and continuation tokens (s3.md §4.6)", async () => {
    for (const k of ["l/a.txt", "l/b/1", "l/b/2", "l/c/1", "l/d.txt"]) await s3.send(new PutObjectCommand({ Bucket, Key: k, Body: "x" }));
    const r = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "l/", Delimiter: "/" }));
    assert.deepEqual(
      r.Contents!.map((c) => c.Key),
      ["l/a.txt", "l/d.txt"],
    );
    assert.deepEqual(
      r.CommonPrefixes!.map((c) => c.Prefix),
      ["l/b/", "l/c/"],
    );
    assert.equal(r.KeyCount, 4);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const p = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "l/", MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(p.Contents ?? []).map((c) => c.Key!));
      token = p.NextContinuationToken;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ["l/a.txt", "l/b/1", "l/b/2", "l/c/1", "l/d.txt"]);
    await expectError(s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: "garbage" })), "InvalidArgument", 400);
  });

  it("CopyObject keeps metadata (COPY) or replaces it (REPLACE); self-copy without change is illegal (s3.md §4.4)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: "copy me", Metadata: { a: "1" }, ContentType: "text/plain" }));
    const c = await s3.send(new CopyObjectCommand({ Bucket, Key: "dst", CopySource: `${Bucket}/src` }));
    assert.equal(c.CopyObjectResult!.ETag, `"${createHash("md5").update("copy me").digest("hex")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "dst" }));
    assert.equal(await got.Body!.transformToString(), "copy me");
    assert.deepEqual(got.Metadata, { a: "1" });
    assert.equal(got.ContentType, "text/plain");
    await s3.send(new CopyObjectCommand({ Bucket, Key: "dst2", CopySource: `${Bucket}/src`, MetadataDirective: "REPLACE", Metadata: { b: "2" } }));
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket, Key: "dst2" }))).Metadata, { b: "2" });
    await expectError(s3.send(new CopyObjectCommand({ Bucket, Key: "src", CopySource: `${Bucket}/src` })), "InvalidRequest", 400);
  });

  it("multipart: ETag = MD5 of part MD5s + -N; small non-last part → EntityTooSmall; abort → NoSuchUpload (s3.md §4.5)", async () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from("tail");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp", ContentType: "application/x-mp" }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 1, Body: part1 }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket, Key: "mp", UploadId, PartNumber: 2, Body: part2 }));
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key: "mp", UploadId }));
    assert.deepEqual(
      parts.Parts!.map((p) => p.Size),
      [part1.length, part2.length],
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: "mp",
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    const md5s = Buffer.concat([createHash("md5").update(part1).digest(), createHash("md5").update(part2).digest()]);
    assert.equal(done.ETag, `"${createHash("md5").update(md5s).digest("hex")}-2"`);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "mp" }));
    assert.equal(got.ContentType, "application/x-mp");
    const body = Buffer.from(await got.Body!.transformToByteArray());
    assert.ok(body.equals(Buffer.concat([part1, part2])));

    const u2 = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "mp2" }));
    const a = await s3.send(new UploadPartCommand({ Bucket, Key: "mp2", UploadId: u2.UploadId, PartNumber: 1, Body: "small" }));
    const b = await s3.send(new UploadPartCommand({ Bucket, Key: "mp2", UploadId: u2.UploadId, PartNumber: 2, Body: "x" }));
    await expectError(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: "mp2",
          UploadId: u2.UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: a.ETag },
              { PartNumber: 2, ETag: b.ETag },
            ],
          },
        }),
      ),
      "EntityTooSmall",
      400,
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: "mp2", UploadId: u2.UploadId }));
    await expectError(s3.send(new ListPartsCommand({ Bucket, Key: "mp2", UploadId: u2.UploadId })), "NoSuchUpload", 404);
  });

  it("DeleteObject is idempotent (204); DeleteObjects reports each key; DeleteBucket non-empty → 409 (s3.md §4.1, §4.7)", async () => {
    const d = await s3.send(new DeleteObjectCommand({ Bucket, Key: "never-existed" }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    await s3.send(new PutObjectCommand({ Bucket, Key: "del/1", Body: "x" }));
    const r = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: "del/1" }, { Key: "del/2" }] } }));
    assert.deepEqual(
      r.Deleted!.map((x) => x.Key),
      ["del/1", "del/2"],
    );
    await expectError(s3.send(new DeleteBucketCommand({ Bucket })), "BucketNotEmpty", 409);
    await s3.send(new CreateBucketCommand({ Bucket: "temp-bucket" }));
    await expectError(s3.send(new CreateBucketCommand({ Bucket: "temp-bucket" })), "BucketAlreadyOwnedByYou", 409);
    await expectError(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })), "InvalidBucketName", 400);
    const del = await s3.send(new DeleteBucketCommand({ Bucket: "temp-bucket" }));
    assert.equal(del.$metadata.httpStatusCode, 204);
  });

  it("error XML: declaration, newline, one-line <Error> with RequestId = x-amz-request-id (s3.md §5)", async () => {
    const r = await stack.fetch(`http://127.0.0.1:${stack.httpPort}/${Bucket}/nope`, {
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    // Anonymous, no policy: implicit deny.
    assert.equal(r.status, 403);
    const body = await r.text();
    const id = r.headers.get("x-amz-request-id")!;
    assert.match(id, /^[0-9A-F]{16}$/);
    assert.equal(
      body,
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>${id}</RequestId><HostId>${r.headers.get("x-amz-id-2")}</HostId></Error>`,
    );
    assert.equal(r.headers.get("server"), "AmazonS3");
  });
});
