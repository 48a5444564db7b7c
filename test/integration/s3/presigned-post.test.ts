import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost, type PresignedPostOptions } from "@aws-sdk/s3-presigned-post";
import { FormData } from "undici";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { localS3Client } from "../../support/s3-client.js";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** Browser POST uploads with a presigned POST policy from the AWS SDK v3, real multipart forms (s3.md §7.3). */
describe("s3 presigned POST", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  let reader: S3Client;
  const Bucket = "post-bucket";
  const ORIGIN = "https://app.example.com";
  before(async () => {
    stack = await startEdgeparity({
      config: {
        buckets: {
          [Bucket]: { CORSConfiguration: { CORSRules: [{ AllowedMethods: ["POST"], AllowedOrigins: [ORIGIN], ExposeHeaders: ["ETag"] }] } },
        },
      },
      clock: "manual",
    });
    s3 = new S3Client({
      region: "us-east-1",
      endpoint: `http://s3.localhost:${stack.httpPort}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    // Reads go path-style to the control-plane host, which needs no DNS.
    reader = localS3Client(stack);
  });
  after(async () => {
    s3.destroy();
    reader.destroy();
    await stack.close();
  });

  /** Signs on the stack's manual clock: createPresignedPost reads Date.now() + systemClockOffset. */
  async function presign(opts: Omit<PresignedPostOptions, "Bucket">) {
    s3.config.systemClockOffset = stack.clock.now() - Date.now();
    return createPresignedPost(s3, { Bucket, Expires: 300, ...opts });
  }
  type Form = { url: string; fields: Record<string, string> };
  /** Posts the fields in order, then `file`, then `after` fields, which S3 ignores. */
  function post(
    p: Form,
    file: Buffer | string,
    o: { filename?: string; extra?: Record<string, string>; after?: Record<string, string>; url?: string; origin?: string } = {},
  ) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...p.fields, ...o.extra })) form.append(k, v);
    form.append("file", new Blob([typeof file === "string" ? file : new Uint8Array(file)]), o.filename ?? "upload.bin");
    for (const [k, v] of Object.entries(o.after ?? {})) form.append(k, v);
    return stack.fetch(o.url ?? p.url, { method: "POST", body: form, redirect: "manual", headers: o.origin ? { origin: o.origin } : {} });
  }
  async function errorOf(r: Response | Awaited<ReturnType<typeof post>>) {
    const body = await r.text();
    return { status: r.status, code: /<Code>(.*?)<\/Code>/.exec(body)?.[1], message: /<Message>(.*?)<\/Message>/.exec(body)?.[1], body };
  }
  /** Reads sign on the stack's manual clock, as presign() does. */
  const onStackClock = () => {
    reader.config.systemClockOffset = stack.clock.now() - Date.now();
    return reader;
  };
  const read = async (Key: string) => {
    const o = await onStackClock().send(new GetObjectCommand({ Bucket, Key }));
    return { ...o, text: await o.Body!.transformToString() };
  };
  const exists = (Key: string) =>
    onStackClock()
      .send(new HeadObjectCommand({ Bucket, Key }))
      .then(
        () => true,
        () => false,
      );

  it("post-object: 204 by default, with ETag and Location; the object keeps the form's Content-Type and metadata (s3.md §7.3)", async () => {
    const p = await presign({
      Key: "photos/cat.png",
      Fields: { "Content-Type": "image/png", "x-amz-meta-owner": "ana", "Cache-Control": "max-age=60" },
    });
    assert.equal(p.url, `http://${Bucket}.s3.localhost:${stack.httpPort}/`);
    const r = await post(p, "png bytes");
    assert.equal(r.status, 204, await r.text());
    assert.equal(r.headers.get("etag"), `"${md5("png bytes")}"`);
    assert.equal(r.headers.get("location"), `http://${Bucket}.s3.localhost:${stack.httpPort}/photos%2Fcat.png`);
    const o = await read("photos/cat.png");
    assert.equal(o.text, "png bytes");
    assert.equal(o.ContentType, "image/png");
    assert.equal(o.CacheControl, "max-age=60");
    assert.deepEqual(o.Metadata, { owner: "ana" });
    assert.equal(o.ETag, r.headers.get("etag"));
  });

  it("post-object: success_action_status 201 returns the PostResponse document; ${filename} takes the file's name (s3.md §7.3)", async () => {
    const p = await presign({ Key: "uploads/${filename}", Fields: { success_action_status: "201" } });
    const r = await post(p, "hello", { filename: "a b.txt" });
    assert.equal(r.status, 201);
    const body = await r.text();
    const etag = r.headers.get("etag")!;
    assert.equal(etag, '"5d41402abc4b2a76b9719d911017c592"');
    const location = `http://${Bucket}.s3.localhost:${stack.httpPort}/uploads%2Fa%20b.txt`;
    assert.equal(
      body,
      `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${location}</Location><Bucket>${Bucket}</Bucket><Key>uploads/a b.txt</Key><ETag>${etag}</ETag></PostResponse>`,
    );
    assert.equal(r.headers.get("location"), location);
    assert.equal((await read("uploads/a b.txt")).text, "hello");
    // No Content-Type field: S3's default, not the file part's type.
    assert.equal((await read("uploads/a b.txt")).ContentType, "binary/octet-stream");
  });

  it("post-object: success_action_status 200 answers an empty 200 (s3.md §7.3)", async () => {
    const p = await presign({ Key: "two-hundred", Fields: { success_action_status: "200" } });
    const r = await post(p, "x");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "");
  });

  it("post-object: success_action_redirect → 303 to the URL with bucket, key and etag appended to its query (s3.md §7.3)", async () => {
    const p = await presign({ Key: "dir/done.txt", Fields: { success_action_redirect: `${ORIGIN}/done?x=1` } });
    const r = await post(p, "done");
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), `${ORIGIN}/done?x=1&bucket=${Bucket}&key=dir%2Fdone.txt&etag=%22${md5("done")}%22`);
  });

  it("post-object: path-style on s3.localhost/<bucket> and localhost/<bucket>; Location names the bucket in the path (s3.md §1, §7.3)", async () => {
    const p = await presign({ Key: "path-style.txt", Fields: { success_action_status: "201" } });
    for (const host of ["s3.localhost", "localhost"]) {
      const url = `http://${host}:${stack.httpPort}/${Bucket}`;
      const r = await post(p, host, { url });
      assert.equal(r.status, 201, host);
      assert.match(await r.text(), new RegExp(`<Location>http://${host}:${stack.httpPort}/${Bucket}/path-style\\.txt</Location>`));
      assert.equal((await read("path-style.txt")).text, host);
    }
  });

  it("post-object: CORS headers of the matching rule apply to the POST response (s3.md §6.2)", async () => {
    const p = await presign({ Key: "cors.txt" });
    const r = await post(p, "x", { origin: ORIGIN });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get("access-control-allow-origin"), ORIGIN);
    assert.equal(r.headers.get("access-control-expose-headers"), "ETag");
    const other = await post(p, "x", { origin: "https://evil.example" });
    assert.equal(other.status, 204);
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });

  it("post-object: an expired policy → 403 AccessDenied 'Invalid according to Policy: Policy expired.' (s3.md §7.3)", async () => {
    const p = await presign({ Key: "late.txt", Expires: 60 });
    stack.clock.advance!(61_000);
    const e = await errorOf(await post(p, "late"));
    assert.deepEqual([e.status, e.code, e.message], [403, "AccessDenied", "Invalid according to Policy: Policy expired."]);
    assert.equal(await exists("late.txt"), false);
  });

  it("post-object: a wrong signature → 403 SignatureDoesNotMatch whose StringToSign is the policy as sent (s3.md §7.3)", async () => {
    const p = await presign({ Key: "forged.txt" });
    const sig = p.fields["X-Amz-Signature"]!;
    const e = await errorOf(await post({ url: p.url, fields: { ...p.fields, "X-Amz-Signature": (sig[0] === "a" ? "b" : "a") + sig.slice(1) } }, "x"));
    assert.equal(e.status, 403);
    assert.equal(e.code, "SignatureDoesNotMatch");
    assert.match(
      e.body,
      new RegExp(`<AWSAccessKeyId>test</AWSAccessKeyId><StringToSign>${p.fields.Policy!.replace(/[+]/g, "\\+")}</StringToSign><SignatureProvided>`),
    );
    assert.match(e.body, /<StringToSignBytes>[0-9a-f]{2}( [0-9a-f]{2})*<\/StringToSignBytes>/);
    // A tampered policy fails the same way, before it is decoded.
    const policy = JSON.parse(Buffer.from(p.fields.Policy!, "base64").toString());
    policy.expiration = "2099-01-01T00:00:00Z";
    const tampered = { ...p.fields, Policy: Buffer.from(JSON.stringify(policy)).toString("base64") };
    assert.equal((await errorOf(await post({ url: p.url, fields: tampered }, "x"))).code, "SignatureDoesNotMatch");
    assert.equal(await exists("forged.txt"), false);
  });

  it('post-object: a key other than the policy\'s → 403 \'Policy Condition failed: ["eq", "$key", …]\' (s3.md §7.3)', async () => {
    const p = await presign({ Key: "fixed.txt" });
    const e = await errorOf(await post({ url: p.url, fields: { ...p.fields, key: "other.txt" } }, "x"));
    assert.deepEqual([e.status, e.code], [403, "AccessDenied"]);
    assert.equal(e.message, "Invalid according to Policy: Policy Condition failed: [&quot;eq&quot;, &quot;$key&quot;, &quot;fixed.txt&quot;]");
    assert.equal(await exists("other.txt"), false);
  });

  it("post-object: starts-with accepts a key under the prefix and refuses one outside it (s3.md §7.3)", async () => {
    const p = await presign({ Key: "user/42/${filename}" });
    const ok = await post({ url: p.url, fields: { ...p.fields, key: "user/42/avatar.png" } }, "me");
    assert.equal(ok.status, 204);
    assert.equal((await read("user/42/avatar.png")).text, "me");
    const e = await errorOf(await post({ url: p.url, fields: { ...p.fields, key: "user/43/avatar.png" } }, "not me"));
    assert.deepEqual([e.status, e.code], [403, "AccessDenied"]);
    assert.equal(e.message, "Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;, &quot;user/42/&quot;]");
  });

  it("post-object: content-length-range bounds are inclusive; above → 400 EntityTooLarge, below → 400 EntityTooSmall (s3.md §7.3)", async () => {
    const p = await presign({ Key: "sized", Conditions: [["content-length-range", 5, 10]] });
    const big = await errorOf(await post(p, "x".repeat(11)));
    assert.deepEqual([big.status, big.code, big.message], [400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"]);
    assert.match(big.body, /<ProposedSize>11<\/ProposedSize><MaxSizeAllowed>10<\/MaxSizeAllowed>/);
    assert.equal(await exists("sized"), false);
    const small = await errorOf(await post(p, "x"));
    assert.deepEqual([small.status, small.code], [400, "EntityTooSmall"]);
    assert.match(small.body, /<ProposedSize>1<\/ProposedSize><MinSizeAllowed>5<\/MinSizeAllowed>/);
    assert.equal((await post(p, "x".repeat(10))).status, 204);
    assert.equal((await post(p, "x".repeat(5))).status, 204);
  });

  it("post-object: a field no condition names → 403 'Extra input fields'; x-ignore-* and fields after file are ignored (s3.md §7.3)", async () => {
    const p = await presign({ Key: "extra.txt" });
    const e = await errorOf(await post(p, "x", { extra: { "x-custom": "1" } }));
    assert.deepEqual([e.status, e.code, e.message], [403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-custom"]);
    assert.equal(await exists("extra.txt"), false);
    const ok = await post(p, "kept", { extra: { "x-ignore-tracker": "1" }, after: { "x-custom": "1", key: "elsewhere.txt" } });
    assert.equal(ok.status, 204);
    assert.equal((await read("extra.txt")).text, "kept");
    assert.equal(await exists("elsewhere.txt"), false);
  });

  it("post-object: a multi-MiB file streams through intact (s3.md §7.3)", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const p = await presign({ Key: "big.bin" });
    const r = await post(p, data);
    assert.equal(r.status, 204);
    const o = await onStackClock().send(new GetObjectCommand({ Bucket, Key: "big.bin" }));
    assert.ok(Buffer.from(await o.Body!.transformToByteArray()).equals(data));
  });

  it("post-object: not multipart → 412 PreconditionFailed; no key → 400 InvalidArgument; no file → 400 InvalidArgument (s3.md §7.3)", async () => {
    const url = `http://${Bucket}.s3.localhost:${stack.httpPort}/`;
    const plain = await errorOf(await stack.fetch(url, { method: "POST", body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    assert.deepEqual([plain.status, plain.code], [412, "PreconditionFailed"]);
    assert.match(plain.body, /<Condition>Bucket POST must be of the enclosure-type multipart\/form-data<\/Condition>/);
    const p = await presign({ Key: "k" });
    const { key: _key, ...noKey } = p.fields;
    const e = await errorOf(await post({ url, fields: noKey }, "x"));
    assert.deepEqual(
      [e.status, e.code, e.message],
      [400, "InvalidArgument", "Bucket POST must contain a field named &apos;key&apos;.  If it is specified, please check the order of the fields."],
    );
    const form = new FormData();
    for (const [k, v] of Object.entries(p.fields)) form.append(k, v);
    const noFile = await errorOf(await stack.fetch(url, { method: "POST", body: form }));
    assert.deepEqual([noFile.status, noFile.code, noFile.message], [400, "InvalidArgument", "POST requires exactly one file upload per request."]);
  });
});
