import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { GetObjectCommand, PutBucketCorsCommand, PutObjectCommand, S3Client, type CORSRule } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../support/chromium.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

/**
 * Chromium: a page on one origin PUTs a file to a presigned URL of a bucket on another origin.
 * The browser's own CORS checks decide, exactly as against S3 (s3.md §6, §7.2).
 */
describe("browser upload with a presigned PUT (Chromium)", () => {
  let stack: EdgeparityStack;
  let page: Page;
  let browser: Browser;
  let site: Server;
  let pageOrigin: string;
  let s3: S3Client;
  let presigner: S3Client;
  const Bucket = "upload-bucket";

  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { [Bucket]: {} } } });
    site = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><title>app</title><p>app</p>");
    });
    await new Promise<void>((ok) => site.listen(0, "127.0.0.1", ok));
    pageOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const credentials = { accessKeyId: "test", secretAccessKey: "test" };
    s3 = new S3Client({ region: "us-east-1", endpoint: `http://localhost:${stack.httpPort}`, forcePathStyle: true, credentials });
    presigner = new S3Client({
      region: "us-east-1",
      endpoint: `http://s3.localhost:${stack.httpPort}`,
      credentials,
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    browser = await launchChromium(stack.spkiHash);
    page = await browser.newPage();
    await page.goto(pageOrigin);
  });
  after(async () => {
    await browser?.close();
    s3.destroy();
    presigner.destroy();
    await new Promise((ok) => site.close(ok));
    await stack.close();
  });

  async function setCors(rules: CORSRule[]) {
    await s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: rules } }));
  }

  /** Runs the upload in the page; returns "ok <status> <etag>" or the browser's error. */
  async function uploadFromPage(key: string, credentials: RequestCredentials = "same-origin"): Promise<string> {
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket, Key: key, ContentType: "text/plain" }), {
      expiresIn: 300,
      signableHeaders: new Set(["content-type"]),
    });
    assert.match(url, /^http:\/\/upload-bucket\.s3\.localhost:/);
    return page.evaluate(
      async ({ url, credentials }) => {
        try {
          const r = await fetch(url, { method: "PUT", body: new Blob(["from the browser"]), headers: { "content-type": "text/plain" }, credentials });
          return `ok ${r.status} ${r.headers.get("etag")}`;
        } catch (e) {
          return `error ${(e as Error).name}`;
        }
      },
      { url, credentials },
    );
  }

  it("passes with a rule allowing the page origin, PUT and content-type; ETag readable via ExposeHeaders (s3.md §6.2)", async () => {
    await setCors([{ AllowedOrigins: [pageOrigin], AllowedMethods: ["PUT"], AllowedHeaders: ["content-type"], ExposeHeaders: ["ETag"] }]);
    const result = await uploadFromPage("ok.txt");
    assert.match(result, /^ok 200 "[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "ok.txt" }));
    assert.equal(await got.Body!.transformToString(), "from the browser");
    assert.equal(got.ContentType, "text/plain");
  });

  it("fails with a wrong AllowedOrigin (http vs https) and nothing is stored (s3.md §6.2 step 5)", async () => {
    await setCors([{ AllowedOrigins: [pageOrigin.replace("http:", "https:")], AllowedMethods: ["PUT"], AllowedHeaders: ["*"] }]);
    assert.equal(await uploadFromPage("wrong-origin.txt"), "error TypeError");
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket, Key: "wrong-origin.txt" })), { name: "NoSuchKey" });
  });

  it("fails when the rule does not allow PUT (s3.md §6.2 step 5)", async () => {
    await setCors([{ AllowedOrigins: [pageOrigin], AllowedMethods: ["GET", "POST"], AllowedHeaders: ["*"] }]);
    assert.equal(await uploadFromPage("no-put.txt"), "error TypeError");
  });

  it("fails with a wildcard origin when the page sends credentials (Allow-Origin * is not enough) (s3.md §6.2 step 7)", async () => {
    await setCors([{ AllowedOrigins: ["*"], AllowedMethods: ["PUT"], AllowedHeaders: ["*"] }]);
    assert.equal(await uploadFromPage("cred.txt", "include"), "error TypeError");
    // The same rule without credentials works: the failure is the credentials, not the rule.
    assert.match(await uploadFromPage("nocred.txt", "omit"), /^ok 200 /);
  });
});
