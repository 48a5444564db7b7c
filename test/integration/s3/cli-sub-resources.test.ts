import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { awsCli, type AwsCli } from "../../support/aws-cli.js";
import { localS3Client } from "../../support/s3-client.js";

/** The AWS CLI v2 calls that once changed data through mis-dispatched sub-resources (s3.md §4.1, §4.6). */
describe("s3 sub-resources through the AWS CLI v2", () => {
  let stack: EdgeparityStack;
  let aws: AwsCli;
  let s3: S3Client;
  const Bucket = "cli-sub";
  const Other = "cli-sub-other";
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {}, [Other]: {} } } });
    aws = await awsCli(() => `http://localhost:${stack.httpPort}`);
    s3 = localS3Client(stack);
  });
  after(async () => {
    s3.destroy();
    await stack.close();
    await aws.cleanup();
  });

  const content = async (bucket: string, key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  const failsWith = async (p: Promise<unknown>, code: RegExp) =>
    assert.match(
      await p.then(
        () => "succeeded",
        (e: Error) => e.message,
      ),
      code,
    );

  it("put-object-tagging / put-object-acl / put-object-retention / delete-object-tagging never touch the object (s3.md §4.1)", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "doc.txt", Body: "precious" }));
    await aws("s3api", "put-object-tagging", "--bucket", Bucket, "--key", "doc.txt", "--tagging", "TagSet=[{Key=a,Value=b}]");
    assert.equal(await content(Bucket, "doc.txt"), "precious");
    const tags = JSON.parse(await aws("s3api", "get-object-tagging", "--bucket", Bucket, "--key", "doc.txt")) as { TagSet: unknown };
    assert.deepEqual(tags.TagSet, [{ Key: "a", Value: "b" }]);
    await aws("s3api", "put-object-acl", "--bucket", Bucket, "--key", "doc.txt", "--acl", "private");
    assert.equal(await content(Bucket, "doc.txt"), "precious");
    const acl = JSON.parse(await aws("s3api", "get-object-acl", "--bucket", Bucket, "--key", "doc.txt")) as { Grants: { Permission: string }[] };
    assert.equal(acl.Grants[0]!.Permission, "FULL_CONTROL");
    await failsWith(
      aws("s3api", "put-object-retention", "--bucket", Bucket, "--key", "doc.txt", "--retention", "Mode=GOVERNANCE,RetainUntilDate=2030-01-01T00:00:00Z"),
      /NotImplemented/,
    );
    assert.equal(await content(Bucket, "doc.txt"), "precious");
    await failsWith(aws("s3api", "get-object-legal-hold", "--bucket", Bucket, "--key", "doc.txt"), /NotImplemented/);
    const attrs = JSON.parse(await aws("s3api", "get-object-attributes", "--bucket", Bucket, "--key", "doc.txt", "--object-attributes", "ObjectSize")) as {
      ObjectSize: number;
    };
    assert.equal(attrs.ObjectSize, 8);
    await aws("s3api", "delete-object-tagging", "--bucket", Bucket, "--key", "doc.txt");
    assert.equal(await content(Bucket, "doc.txt"), "precious");
  });

  it("delete-bucket-lifecycle / -encryption / put-bucket-versioning / put-public-access-block answer 501 and keep the bucket (s3.md §4.1)", async () => {
    await failsWith(aws("s3api", "delete-bucket-lifecycle", "--bucket", Bucket), /NotImplemented/);
    await failsWith(aws("s3api", "delete-bucket-encryption", "--bucket", Bucket), /NotImplemented/);
    await failsWith(aws("s3api", "put-bucket-versioning", "--bucket", Bucket, "--versioning-configuration", "Status=Enabled"), /NotImplemented/);
    await failsWith(
      aws("s3api", "put-public-access-block", "--bucket", Bucket, "--public-access-block-configuration", "BlockPublicAcls=true"),
      /NotImplemented/,
    );
    await aws("s3api", "put-bucket-acl", "--bucket", Bucket, "--acl", "private");
    await s3.send(new HeadBucketCommand({ Bucket }));
    assert.equal(await content(Bucket, "doc.txt"), "precious");
  });

  it("aws s3 cp of a 9 MB object between buckets goes through UploadPartCopy and keeps bytes and tags (API UploadPartCopy)", async () => {
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
    await s3.send(new PutObjectCommand({ Bucket, Key: "big.bin", Body: big, Tagging: "kind=big" }));
    await aws("s3", "cp", `s3://${Bucket}/big.bin`, `s3://${Other}/big.bin`);
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: Other, Key: "big.bin" }))).Body!.transformToByteArray());
    assert.ok(got.equals(big), "copied bytes differ");
    const tags = JSON.parse(await aws("s3api", "get-object-tagging", "--bucket", Other, "--key", "big.bin")) as { TagSet: unknown };
    assert.deepEqual(tags.TagSet, [{ Key: "kind", Value: "big" }]);
  });

  it("aws s3 ls prints a folder once when a 1,000-key page ends on its CommonPrefix (s3.md §4.6)", async () => {
    const keys = [...Array.from({ length: 999 }, (_, i) => `ls/a${String(i).padStart(4, "0")}`), "ls/b/1", "ls/b/2", "ls/c.txt"];
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket, Key, Body: "" }))));
    const out = await aws("s3", "ls", `s3://${Bucket}/ls/`);
    assert.equal(out.split("\n").filter((l) => l.includes("PRE b/")).length, 1, "folder b/ printed more than once");
    assert.equal(out.split("\n").filter((l) => l.trim() !== "").length, 1001);
  });
});
