import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

const DEMO = fileURLToPath(new URL("../../../demo/stack.yaml", import.meta.url));

describe("demo stack: SPA from S3 + /api/* through the ALB, one distribution", () => {
  let stack: EdgeparityStack;
  before(async () => {
    stack = await startEdgeparity({ config: DEMO });
  });
  after(() => stack.close());

  it("DefaultRootObject serves index.html at / over HTTPS (cloudfront.md §9.4)", async () => {
    const r = await stack.fetch(stack.distributions.demo!.url);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/html");
    assert.match(await r.text(), /edgeparity demo/);
    assert.match(r.headers.get("via")!, /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    assert.match(r.headers.get("x-amz-cf-pop")!, /^[A-Z]{3}\d+-[A-Z]\d$/);
    assert.match(r.headers.get("x-amz-cf-id")!, /^[A-Za-z0-9_-]{54}==$/);
  });

  it("/api/* goes to the ALB target, same origin, with CloudFront's and the ALB's headers (cloudfront.md §7.2, alb.md §7)", async () => {
    const r = await stack.fetch(new URL("/api/hello", stack.distributions.demo!.url));
    assert.equal(r.status, 200);
    const body = (await r.json()) as { seen: Record<string, string> };
    assert.equal(r.headers.get("x-cache"), "Miss from cloudfront");
    // AllViewerExceptHostHeader: the origin sees its own domain as Host.
    assert.equal(body.seen.host, "demo-alb-1234567890.us-east-1.elb.amazonaws.com");
    assert.equal(body.seen["x-forwarded-proto"], "http");
    assert.match(body.seen["x-amzn-trace-id"]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(body.seen["x-amz-cf-id"], r.headers.get("x-amz-cf-id"));
  });

  it("SPA fallback: a missing key (S3 403) is answered with /index.html and 200 (cloudfront.md §9.2)", async () => {
    const r = await stack.fetch(new URL("/deep/link/page", stack.distributions.demo!.url));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
    assert.match(await r.text(), /edgeparity demo/);
  });

  it("hashed assets come from the bucket with S3's headers", async () => {
    const r = await stack.fetch(new URL("/assets/app.8b1e4d52.js", stack.distributions.demo!.url));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/javascript");
    assert.match(r.headers.get("etag")!, /^"[0-9a-f]{32}"$/);
    assert.equal(r.headers.get("server"), "AmazonS3");
  });

  it("redirect-to-https: GET over HTTP gets 301 to the HTTPS URL (cloudfront.md §3.1)", async () => {
    const r = await stack.fetch(new URL("/assets/x.js?v=1", stack.distributions.demo!.httpUrl), { redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), new URL("/assets/x.js?v=1", stack.distributions.demo!.url).href);
    assert.equal(r.headers.get("x-cache"), "Redirect from cloudfront");
    assert.equal(r.headers.get("server"), "CloudFront");
    assert.equal((await r.arrayBuffer()).byteLength, 167);
  });
});
