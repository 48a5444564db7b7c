import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

/** SigV4 header and query (presigned) authentication, with the manual clock (s3.md §7). */
describe("s3 SigV4 and presigned URLs", () => {
  let stack: EdgeparityStack;
  let s3: S3Client;
  const Bucket = "auth-bucket";
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } }, clock: "manual" });
    // Presigns virtual-hosted URLs (<bucket>.s3.localhost), fetched through stack.fetch. As against
    // AWS, a presigned PUT must not carry the SDK's default checksum of an empty body (see below).
    s3 = new S3Client({
      region: "us-east-1",
      endpoint: `http://s3.localhost:${stack.httpPort}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    await put("obj.txt", "secret body");
  });
  after(async () => {
    s3.destroy();
    await stack.close();
  });

  const now = () => new Date(stack.clock.now());
  async function put(Key: string, Body: string) {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key }), { expiresIn: 60, signingDate: now() });
    const r = await stack.fetch(url, { method: "PUT", body: Buffer.from(Body) });
    assert.equal(r.status, 200, await r.text());
  }
  const presignGet = (Key: string, expiresIn = 60) => getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn, signingDate: now() });

  it("presigned GET works until X-Amz-Expires, then 403 AccessDenied 'Request has expired' with its fields (s3.md §7.2)", async () => {
    const url = await presignGet("obj.txt", 60);
    const ok = await stack.fetch(url);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "secret body");
    stack.clock.advance!(61_000);
    const r = await stack.fetch(url);
    assert.equal(r.status, 403);
    const body = await r.text();
    assert.match(
      body,
      /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><X-Amz-Expires>60<\/X-Amz-Expires><Expires>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/Expires><ServerTime>/,
    );
  });

  it("presigned PUT without Content-Type stores binary/octet-stream (s3.md §2.3)", async () => {
    await put("typed", "x");
    const r = await stack.fetch(await presignGet("typed"));
    assert.equal(r.headers.get("content-type"), "binary/octet-stream");
  });

  it("x-amz-* query parameters of a presigned PUT act as headers: the SDK's default empty-body CRC32 → 400 BadDigest (s3.md §7.2)", async () => {
    const defaults = new S3Client({
      region: "us-east-1",
      endpoint: `http://s3.localhost:${stack.httpPort}`,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const url = await getSignedUrl(defaults, new PutObjectCommand({ Bucket, Key: "crc" }), { expiresIn: 60, signingDate: now() });
    defaults.destroy();
    assert.match(url, /x-amz-checksum-crc32=AAAAAA%3D%3D/);
    const r = await stack.fetch(url, { method: "PUT", body: Buffer.from("not empty") });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /<Code>BadDigest<\/Code><Message>The CRC32 you specified did not match the calculated checksum\.<\/Message>/);
  });

  it("a tampered signature → 403 SignatureDoesNotMatch with StringToSign, CanonicalRequest and their bytes (s3.md §7.1)", async () => {
    const url = new URL(await presignGet("obj.txt"));
    const sig = url.searchParams.get("X-Amz-Signature")!;
    url.searchParams.set("X-Amz-Signature", (sig[0] === "a" ? "b" : "a") + sig.slice(1));
    const r = await stack.fetch(url);
    assert.equal(r.status, 403);
    const body = await r.text();
    assert.match(
      body,
      /<Code>SignatureDoesNotMatch<\/Code><Message>The request signature we calculated does not match the signature you provided\. Check your key and signing method\.<\/Message><AWSAccessKeyId>test<\/AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n/,
    );
    assert.match(body, /<StringToSignBytes>41 57 53 34 2d 48 4d 41 43/);
    assert.match(body, /<CanonicalRequest>GET\n\/obj\.txt\n/);
  });

  it("a changed signed header (Content-Type on a presigned PUT) → SignatureDoesNotMatch (s3.md §7.2)", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: "t", ContentType: "image/png" }), {
      expiresIn: 60,
      signingDate: now(),
      signableHeaders: new Set(["content-type"]),
    });
    const good = await stack.fetch(url, { method: "PUT", body: "png", headers: { "content-type": "image/png" } });
    assert.equal(good.status, 200);
    const bad = await stack.fetch(url, { method: "PUT", body: "png", headers: { "content-type": "text/plain" } });
    assert.equal(bad.status, 403);
    assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  it("an unsigned x-amz-* header → 403 AccessDenied HeadersNotSigned (s3.md §7.2)", async () => {
    const r = await stack.fetch(await presignGet("obj.txt"), { headers: { "x-amz-meta-wrong": "1" } });
    assert.equal(r.status, 403);
    assert.match(
      await r.text(),
      /<Message>There were headers present in the request which were not signed<\/Message><HeadersNotSigned>x-amz-meta-wrong<\/HeadersNotSigned>/,
    );
  });

  it("X-Amz-Expires over 7 days and missing query parameters → 400 AuthorizationQueryParametersError (s3.md §7.2)", async () => {
    const url = new URL(await presignGet("obj.txt"));
    url.searchParams.set("X-Amz-Expires", "604801");
    const r = await stack.fetch(url);
    assert.equal(r.status, 400);
    assert.match(await r.text(), /<Code>AuthorizationQueryParametersError<\/Code>/);
    const partial = new URL(await presignGet("obj.txt"));
    partial.searchParams.delete("X-Amz-Date");
    const r2 = await stack.fetch(partial);
    assert.equal(r2.status, 400);
    assert.match(
      await r2.text(),
      /Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters\./,
    );
  });

  it("header auth: clock skew over 15 minutes → 403 RequestTimeTooSkewed with MaxAllowedSkewMilliseconds 900000 (s3.md §7.1)", async () => {
    const skewed = new S3Client({
      region: "us-east-1",
      endpoint: `http://localhost:${stack.httpPort}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      systemClockOffset: stack.clock.now() - Date.now() - 16 * 60_000,
      maxAttempts: 1,
      // The SDK corrects its clock offset from a skew error and retries; count only the first answer.
      retryMode: "standard",
    });
    try {
      await skewed.send(new GetObjectCommand({ Bucket, Key: "obj.txt" }));
      assert.fail("expected RequestTimeTooSkewed");
    } catch (e) {
      assert.equal((e as Error).name, "RequestTimeTooSkewed");
      assert.equal((e as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 403);
    } finally {
      skewed.destroy();
    }
  });

  it("header auth: unknown access key → 403 InvalidAccessKeyId; anonymous without a policy → 403 (s3.md §7.1, §8)", async () => {
    const other = new S3Client({
      region: "us-east-1",
      endpoint: `http://localhost:${stack.httpPort}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "nobody", secretAccessKey: "x" },
      systemClockOffset: stack.clock.now() - Date.now(),
      maxAttempts: 1,
    });
    try {
      await other.send(new GetObjectCommand({ Bucket, Key: "obj.txt" }));
      assert.fail("expected InvalidAccessKeyId");
    } catch (e) {
      assert.equal((e as Error).name, "InvalidAccessKeyId");
    } finally {
      other.destroy();
    }
    const anon = await stack.fetch(`http://${Bucket}.s3.localhost:${stack.httpPort}/obj.txt`);
    assert.equal(anon.status, 403);
  });
});
