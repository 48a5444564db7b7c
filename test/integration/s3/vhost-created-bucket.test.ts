import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

/** A bucket made with CreateBucket is reachable virtual-hosted at once, not only after a restart (s3.md §1, §4.7). */
describe("s3 virtual-hosted addressing of buckets created through the API", () => {
  let stack: EdgeparityStack;
  let pathStyle: S3Client;
  let virtual: S3Client;
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { "declared-bucket": {} } } });
    pathStyle = new S3Client({ region: "us-east-1", endpoint: `http://localhost:${stack.httpPort}`, forcePathStyle: true, credentials });
    // Presigns `<bucket>.s3.localhost` URLs, fetched through stack.fetch (no DNS needed).
    virtual = new S3Client({
      region: "us-east-1",
      endpoint: `http://s3.localhost:${stack.httpPort}`,
      credentials,
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
  });
  after(async () => {
    pathStyle.destroy();
    virtual.destroy();
    await stack.close();
  });

  it("s3 addressing: CreateBucket, then PUT and GET on <bucket>.s3.localhost without a restart (s3.md §1)", async () => {
    const Bucket = "made-at-runtime";
    const host = `http://${Bucket}.s3.localhost:${stack.httpPort}`;
    const before = await stack.fetch(`${host}/`);
    assert.equal(before.status, 404);
    assert.match(await before.text(), /nothing is served at host/);

    await pathStyle.send(new CreateBucketCommand({ Bucket }));
    const put = await getSignedUrl(virtual, new PutObjectCommand({ Bucket, Key: "a/b.txt" }), { expiresIn: 60 });
    assert.ok(put.startsWith(`${host}/`), put);
    assert.equal((await stack.fetch(put, { method: "PUT", body: "runtime" })).status, 200);
    const got = await stack.fetch(await getSignedUrl(virtual, new GetObjectCommand({ Bucket, Key: "a/b.txt" }), { expiresIn: 60 }));
    assert.equal(got.status, 200);
    assert.equal(await got.text(), "runtime");
    // Anonymous requests reach S3 itself (its XML error), not the router's unknown-host page.
    const anonymous = await stack.fetch(`${host}/a/b.txt`);
    assert.equal(anonymous.status, 403);
    assert.match(await anonymous.text(), /<Code>AccessDenied<\/Code>/);

    // Once deleted, the host is unknown again.
    await pathStyle.send(new DeleteObjectCommand({ Bucket, Key: "a/b.txt" }));
    await pathStyle.send(new DeleteBucketCommand({ Bucket }));
    assert.match(await (await stack.fetch(`${host}/`)).text(), /nothing is served at host/);
  });
});
