import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, ListBucketsCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { EdgeparityStack } from "../../../src/index.js";
import { closeS3Stack, startS3Stack } from "../../support/s3-client.js";
import { sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/** Listing pages (s3.md §4.6, §4.7): CommonPrefix at a page boundary, max-keys=0, ListBuckets paging. */
describe("s3 listing pages", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "pages-bucket";
  const HOST = `${Bucket}.s3.localhost`;
  before(async () => {
    ({ stack, s3 } = await startS3Stack(Bucket));
    for (const Key of ["a", "b/1", "b/2", "b/3", "c", "d/1"]) await s3.send(new PutObjectCommand({ Bucket, Key, Body: "" }));
  });
  after(() => closeS3Stack(stack, s3));

  const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);

  for (const protocol of WIRE_PROTOCOLS) {
    it(`ListObjectsV2: a page ending on a CommonPrefix does not repeat it on the next page, ${protocol} (s3.md §4.6)`, async () => {
      const first = await sendWire(stack, protocol, { method: "GET", host: HOST, path: "/?list-type=2&delimiter=%2F&max-keys=2" });
      assert.deepEqual([...tags(first.text, "Key"), ...tags(first.text, "Prefix").filter(Boolean)], ["a", "b/"]);
      assert.match(first.text, /<IsTruncated>true<\/IsTruncated>/);
      const token = tags(first.text, "NextContinuationToken")[0]!;
      const second = await sendWire(stack, protocol, {
        method: "GET",
        host: HOST,
        path: `/?list-type=2&delimiter=%2F&max-keys=2&continuation-token=${encodeURIComponent(token)}`,
      });
      assert.deepEqual(tags(second.text, "Key"), ["c"]);
      assert.deepEqual(tags(second.text, "Prefix").filter(Boolean), ["d/"]);
      assert.match(second.text, /<IsTruncated>false<\/IsTruncated>/);
    });

    it(`ListObjects v1: marker on a CommonPrefix skips it; max-keys=0 is an empty page that is not truncated, ${protocol} (s3.md §4.6)`, async () => {
      const v1 = await sendWire(stack, protocol, { method: "GET", host: HOST, path: "/?delimiter=%2F&marker=b%2F" });
      assert.deepEqual(tags(v1.text, "Key"), ["c"]);
      assert.deepEqual(tags(v1.text, "Prefix").filter(Boolean), ["d/"]);
      for (const path of ["/?list-type=2&max-keys=0", "/?max-keys=0"]) {
        const zero = await sendWire(stack, protocol, { method: "GET", host: HOST, path });
        assert.match(zero.text, /<IsTruncated>false<\/IsTruncated>/, path);
        assert.equal(tags(zero.text, "Key").length, 0);
      }
    });
  }

  it("ListObjectsV2 through the SDK v3 paginator with a delimiter never sees a repeated token or prefix (s3.md §4.6)", async () => {
    const seen: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 2 }, { Bucket, Delimiter: "/" })) {
      for (const c of page.Contents ?? []) seen.push(c.Key!);
      for (const p of page.CommonPrefixes ?? []) seen.push(p.Prefix!);
      assert.ok(seen.length < 20, "paginator loops");
    }
    assert.deepEqual(seen.sort(), ["a", "b/", "c", "d/"]);
  });

  it("ListBuckets honours max-buckets and continuation-token, and prefix (s3.md §4.7)", async () => {
    for (const b of ["pages-x1", "pages-x2"]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const names: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await s3.send(new ListBucketsCommand({ MaxBuckets: 1, ...(token ? { ContinuationToken: token } : {}), Prefix: "pages-" }));
      assert.ok((page.Buckets ?? []).length <= 1);
      names.push(...(page.Buckets ?? []).map((b) => b.Name!));
      token = page.ContinuationToken;
      if (!token) break;
    }
    assert.deepEqual(names, ["pages-bucket", "pages-x1", "pages-x2"]);
    for (const protocol of WIRE_PROTOCOLS) {
      const r = await sendWire(stack, protocol, { method: "GET", host: "s3.localhost", path: "/?max-buckets=2&prefix=pages-" });
      assert.equal(tags(r.text, "Name").length, 2, protocol);
      assert.equal(tags(r.text, "ContinuationToken").length, 1, protocol);
    }
  });
});
