import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CopyObjectCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketAclCommand,
  PutBucketTaggingCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { EdgeparityStack } from "../../../src/index.js";
import { closeS3Stack, startS3Stack } from "../../support/s3-client.js";
import { errorCode, sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/** Tagging, ACLs and the fixed bucket facts the ordinary tools call (s3.md §4.7). */
describe("s3 tagging, ACLs, bucket facts, object attributes", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "tag-bucket";
  const Other = "tag-other";
  before(async () => {
    ({ stack, s3 } = await startS3Stack(Bucket, Other));
  });
  after(() => closeS3Stack(stack, s3));

  async function codeOf(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof S3ServiceException, String(e));
      return e.name;
    }
    return "no error";
  }

  it("object tagging: Put/Get/Delete keep the object's bytes; x-amz-tagging on PutObject; tagging count on GET (s3.md §4.1, §10)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "t.txt", Body: "body", Tagging: "a=1&b=two%20words" }));
    let tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "t.txt" }));
    assert.deepEqual(tags.TagSet, [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "two words" },
    ]);
    await s3.send(new PutObjectTaggingCommand({ Bucket, Key: "t.txt", Tagging: { TagSet: [{ Key: "env", Value: "prod" }] } }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "t.txt" }));
    assert.equal(await got.Body!.transformToString(), "body");
    assert.equal(got.TagCount, 1);
    tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "t.txt" }));
    assert.deepEqual(tags.TagSet, [{ Key: "env", Value: "prod" }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket, Key: "t.txt" }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: "t.txt" }))).TagSet ?? [], []);
    const after = await s3.send(new GetObjectCommand({ Bucket, Key: "t.txt" }));
    assert.equal(await after.Body!.transformToString(), "body", "DeleteObjectTagging must not delete the object");
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    assert.equal(await codeOf(s3.send(new PutObjectTaggingCommand({ Bucket, Key: "t.txt", Tagging: { TagSet: eleven } }))), "BadRequest");
    assert.equal(await codeOf(s3.send(new GetObjectTaggingCommand({ Bucket, Key: "missing" }))), "NoSuchKey");
  });

  it("object tagging: CopyObject copies the source's tags by default and replaces them with REPLACE (API CopyObject)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "src.txt", Body: "x", Tagging: "team=web" }));
    await s3.send(new CopyObjectCommand({ Bucket: Other, Key: "copy.txt", CopySource: `${Bucket}/src.txt` }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: Other, Key: "copy.txt" }))).TagSet, [{ Key: "team", Value: "web" }]);
    await s3.send(new CopyObjectCommand({ Bucket: Other, Key: "copy2.txt", CopySource: `${Bucket}/src.txt`, TaggingDirective: "REPLACE", Tagging: "x=y" }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: Other, Key: "copy2.txt" }))).TagSet, [{ Key: "x", Value: "y" }]);
  });

  it("bucket tagging: NoSuchTagSet until set; Put/Get/Delete leave the bucket and its objects alone (s3.md §4.1, §10)", async () => {
    assert.equal(await codeOf(s3.send(new GetBucketTaggingCommand({ Bucket }))), "NoSuchTagSet");
    await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: "cost", Value: "42" }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket }))).TagSet, [{ Key: "cost", Value: "42" }]);
    await s3.send(new DeleteBucketTaggingCommand({ Bucket }));
    assert.equal(await codeOf(s3.send(new GetBucketTaggingCommand({ Bucket }))), "NoSuchTagSet");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket, Key: "t.txt" }))).ContentLength, 4);
  });

  it("ACLs: owner FULL_CONTROL; canned private / bucket-owner-full-control accepted, public-read refused (s3.md §4.7)", async () => {
    const acl = await s3.send(new GetObjectAclCommand({ Bucket, Key: "t.txt" }));
    assert.equal(acl.Grants?.length, 1);
    assert.equal(acl.Grants![0]!.Permission, "FULL_CONTROL");
    assert.equal(acl.Grants![0]!.Grantee?.ID, acl.Owner?.ID);
    assert.equal((await s3.send(new GetBucketAclCommand({ Bucket }))).Grants![0]!.Permission, "FULL_CONTROL");
    await s3.send(new PutObjectAclCommand({ Bucket, Key: "t.txt", ACL: "private" }));
    await s3.send(new PutObjectAclCommand({ Bucket, Key: "t.txt", ACL: "bucket-owner-full-control" }));
    await s3.send(new PutBucketAclCommand({ Bucket, ACL: "private" }));
    assert.equal(await codeOf(s3.send(new PutObjectAclCommand({ Bucket, Key: "t.txt", ACL: "public-read" }))), "AccessControlListNotSupported");
    assert.equal(await codeOf(s3.send(new PutObjectCommand({ Bucket, Key: "pub.txt", Body: "p", ACL: "public-read" }))), "AccessControlListNotSupported");
    await s3.send(new PutObjectCommand({ Bucket, Key: "own.txt", Body: "o", ACL: "bucket-owner-full-control" }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "t.txt" }));
    assert.equal(await got.Body!.transformToString(), "body", "PutObjectAcl must not touch the object");
  });

  it("bucket facts: versioning never enabled, location us-east-1, SSE-S3 default encryption (s3.md §4.7)", async () => {
    const v = await s3.send(new GetBucketVersioningCommand({ Bucket }));
    assert.equal(v.Status, undefined);
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket }));
    assert.equal(loc.LocationConstraint ?? "", "");
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.equal(enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "AES256");
  });

  it("GetObjectAttributes: ETag unquoted, size, storage class (API GetObjectAttributes)", async () => {
    const a = await s3.send(new GetObjectAttributesCommand({ Bucket, Key: "t.txt", ObjectAttributes: ["ETag", "ObjectSize", "StorageClass"] }));
    assert.equal(a.ObjectSize, 4);
    assert.equal(a.StorageClass, "STANDARD");
    assert.match(a.ETag ?? "", /^[0-9a-f]{32}$/);
  });

  for (const protocol of WIRE_PROTOCOLS) {
    it(`object tagging on the wire: PUT ?tagging stores tags, not content; GET ?tagging returns XML, ${protocol} (s3.md §4.1, §10)`, async () => {
      const host = `${Bucket}.s3.localhost`;
      const key = `/wire-${protocol === "HTTP/2" ? "h2" : "h1"}.bin`;
      const big = Buffer.alloc(1024 * 1024 + 7, 0x61);
      for (const body of [Buffer.alloc(0), Buffer.from("small"), big]) {
        assert.equal((await sendWire(stack, protocol, { method: "PUT", host, path: key, body })).status, 200);
        const xml = `<Tagging><TagSet><Tag><Key>size</Key><Value>${body.length}</Value></Tag></TagSet></Tagging>`;
        const put = await sendWire(stack, protocol, { method: "PUT", host, path: `${key}?tagging`, body: xml });
        assert.equal(put.status, 200, put.text);
        const tags = await sendWire(stack, protocol, { method: "GET", host, path: `${key}?tagging` });
        assert.match(tags.text, new RegExp(`<Tag><Key>size</Key><Value>${body.length}</Value></Tag>`));
        const got = await sendWire(stack, protocol, { method: "GET", host, path: key });
        assert.ok(got.body.equals(body), "object bytes unchanged by PutObjectTagging");
        assert.equal(got.headers["x-amz-tagging-count"], "1");
      }
      const bad = await sendWire(stack, protocol, { method: "PUT", host, path: `${key}?tagging`, body: "<Tagging>" });
      assert.equal(errorCode(bad), "MalformedXML");
    });
    it(`object ACL on the wire: a body without content-length is read too (chunked / HTTP/2 DATA), ${protocol} (s3.md §4.7, RFC 9113 §8.1)`, async () => {
      const host = `${Bucket}.s3.localhost`;
      const key = `/acl-${protocol === "HTTP/2" ? "h2" : "h1"}.txt`;
      assert.equal((await sendWire(stack, protocol, { method: "PUT", host, path: key, body: "x" })).status, 200);
      const grant = (id: string, permission: string) =>
        `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${id}</ID></Grantee><Permission>${permission}</Permission></Grant>`;
      const policy = (grants: string) => `<AccessControlPolicy><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
      const other = await sendWire(stack, protocol, { method: "PUT", host, path: `${key}?acl`, body: policy(grant("someone-else", "READ")), chunked: true });
      assert.equal(errorCode(other), "AccessControlListNotSupported", other.text);
    });
  }
});
