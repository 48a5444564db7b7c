import assert from "node:assert/strict";
import { mkdir, utimes, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { awsCli, type AwsCli } from "../../support/aws-cli.js";

/** The AWS CLI v2 against the control-plane endpoint, path style (s3.md §1, §4, §6.1, §7.2). */
describe("s3 via the AWS CLI v2", () => {
  let stack: EdgeparityStack;
  let aws: AwsCli;
  let home: string;
  const Bucket = "cli-bucket";
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
    aws = await awsCli(() => `http://localhost:${stack.httpPort}`);
    home = aws.home;
  });
  after(async () => {
    await stack.close();
    await aws.cleanup();
  });

  it("aws s3 cp up and down, ls, and a large file through multipart (s3.md §4.2, §4.5)", async () => {
    const src = join(home, "hello.txt");
    await writeFile(src, "hello from the cli\n");
    await aws("s3", "cp", src, `s3://${Bucket}/docs/hello.txt`);
    const big = join(home, "big.bin");
    await writeFile(big, Buffer.alloc(9 * 1024 * 1024, 7));
    await aws("s3", "cp", big, `s3://${Bucket}/big.bin`);
    const ls = await aws("s3", "ls", `s3://${Bucket}/`, "--recursive");
    assert.match(ls, /\s19 docs\/hello\.txt/);
    assert.match(ls, /\s9437184 big\.bin/);
    const down = join(home, "down.bin");
    await aws("s3", "cp", `s3://${Bucket}/big.bin`, down);
    assert.ok((await readFile(down)).equals(await readFile(big)));
    const head = JSON.parse(await aws("s3api", "head-object", "--bucket", Bucket, "--key", "big.bin")) as { ETag: string };
    assert.match(head.ETag, /^"[0-9a-f]{32}-\d+"$/, "multipart ETag");
  });

  it("aws s3 sync uploads only what changed and --delete removes (s3.md §4.6)", async () => {
    const dir = join(home, "site");
    await mkdir(join(dir, "assets"), { recursive: true });
    await writeFile(join(dir, "index.html"), "<h1>v1</h1>");
    await writeFile(join(dir, "assets", "app.js"), "console.log(1)");
    // sync re-uploads when the local mtime is newer than LastModified (second precision, as S3):
    // date the files a minute back so a same-second upload cannot look older than its source.
    const past = new Date(Date.now() - 60_000);
    for (const f of ["index.html", "assets/app.js"]) await utimes(join(dir, f), past, past);
    const first = await aws("s3", "sync", dir, `s3://${Bucket}/site`);
    assert.equal(first.match(/upload:/g)?.length, 2);
    const again = await aws("s3", "sync", dir, `s3://${Bucket}/site`);
    assert.equal(again.match(/upload:/g), null);
    await rm(join(dir, "assets", "app.js"));
    const del = await aws("s3", "sync", dir, `s3://${Bucket}/site`, "--delete");
    assert.match(del, /delete: s3:\/\/cli-bucket\/site\/assets\/app\.js/);
  });

  it("aws s3 presign gives a URL that plain fetch can GET (s3.md §7.2)", async () => {
    const url = (await aws("s3", "presign", `s3://${Bucket}/docs/hello.txt`, "--expires-in", "300")).trim();
    const r = await stack.fetch(url);
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "hello from the cli\n");
  });

  it("aws s3api put-bucket-cors / get-bucket-cors / delete-bucket-cors round-trip (s3.md §4.1, §6.1)", async () => {
    const cors = { CORSRules: [{ AllowedOrigins: ["https://app.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["*"], MaxAgeSeconds: 300 }] };
    await aws("s3api", "put-bucket-cors", "--bucket", Bucket, "--cors-configuration", JSON.stringify(cors));
    const got = JSON.parse(await aws("s3api", "get-bucket-cors", "--bucket", Bucket)) as typeof cors;
    assert.deepEqual(got, cors);
    await aws("s3api", "delete-bucket-cors", "--bucket", Bucket);
    await assert.rejects(aws("s3api", "get-bucket-cors", "--bucket", Bucket), /NoSuchCORSConfiguration/);
  });

  it("aws s3 mb / rb through the control-plane endpoint (s3.md §4.7)", async () => {
    await aws("s3", "mb", "s3://cli-made-bucket");
    assert.match(await aws("s3", "ls"), /cli-made-bucket/);
    await aws("s3", "rb", "s3://cli-made-bucket");
    assert.doesNotMatch(await aws("s3", "ls"), /cli-made-bucket/);
  });
});
