import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { rawRequest } from "../../support/raw-http.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * What CloudFront does with odd viewer requests before any origin is asked (issue 8 §9):
 * absolute-form targets (RFC 9112 §3.2.2), `OPTIONS *`, the 20,480-byte head limit counted over
 * every header line (cloudfront.md §11.2), and the size cap of edgeparity's invalidation route.
 */
describe("viewer edge cases (cloudfront.md §1.1, §2, §11.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  const host = () => stack.distributions.edge!.domain;

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`origin saw ${req.url}`);
    });
    stack = await startEdgeparity({
      config: {
        distributions: {
          edge: {
            Origins: { Items: [customOrigin("origin", "origin.example.com"), customOrigin("api", "api-origin.example.com")] },
            CacheBehaviors: {
              Items: [
                {
                  PathPattern: "/api/*",
                  TargetOriginId: "api",
                  ViewerProtocolPolicy: "allow-all",
                  CachePolicyId: CACHING_DISABLED,
                  AllowedMethods: ALL_METHODS,
                },
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
        local: { origins: { "origin.example.com": origin.url, "api-origin.example.com": origin.url } },
      },
    });
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });
  beforeEach(() => {
    origin.requests.length = 0;
  });

  it("HTTP/1.1: an absolute-form target is matched on its path, so it takes the /api/* behaviour (RFC 9112 §3.2.2, cloudfront.md §2)", async () => {
    // HTTP/2 has no absolute form (:path is origin-form, RFC 9113 §8.3.1); only HTTP/1.1 can send one.
    const r = await rawRequest(stack.httpPort, `GET http://${host()}/api/hello?x=1 HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 200);
    assert.match(r.raw, /origin saw \/api\/hello\r\n/, "origin-form path; CachingDisabled forwards no query (§4.4)");
    assert.equal(origin.requests.at(-1)!.url, "/api/hello");
    assert.equal(origin.requests.at(-1)!.headers.host, "api-origin.example.com", "the /api/* origin answered");
  });

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: a GET whose body is empty (${v === "2" ? "an empty DATA frame ends the stream" : "Content-Length: 0"}) is not a GET with a body (cloudfront.md §3.2)`, async () => {
      const r = await send(stack, v, host(), "/empty-get", { body: Buffer.alloc(0), chunked: v === "2" });
      assert.equal(r.status, 200);
      assert.equal(origin.requests.at(-1)!.url, "/empty-get");
    });

    it(`HTTP/${v}: OPTIONS * is answered by CloudFront with its 400 page, no origin asked (issue 8 §9; Choice)`, async () => {
      const r = await send(stack, v, host(), "*", { method: "OPTIONS" });
      assert.equal(r.status, 400);
      assert.equal(r.headers.server, "CloudFront");
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      assert.match(r.body.toString("latin1"), /<H1>400 ERROR<\/H1>[\s\S]*Bad request\./);
      assert.equal(origin.requests.length, 0);
    });

    it(`HTTP/${v}: 1,500 header lines over 20,480 bytes get 413 however many lines there are (cloudfront.md §11.2)`, async () => {
      const headers: Record<string, string> = {};
      // 1,500 lines of `x-h-NNNN: vvvv` = 1,500 × 16 bytes = 24,000 bytes: over the limit only past line 1,000.
      for (let i = 0; i < 1500; i++) headers[`x-h-${String(i).padStart(4, "0")}`] = "vvvv";
      const r = await send(stack, v, host(), "/many-headers", { headers });
      assert.equal(r.status, 413);
      assert.equal(origin.requests.length, 0);
    });

    it(`HTTP/${v}: POST /_edgeparity/invalidations over 1 MiB is refused with 413, not buffered (issue 8 §9)`, async () => {
      const big = await send(stack, v, host(), "/_edgeparity/invalidations", { method: "POST", body: Buffer.alloc(2 << 20, 32), chunked: true });
      assert.equal(big.status, 413);
      assert.match(big.body.toString(), /EntityTooLarge: .*1048576 bytes/);
      const ok = await send(stack, v, host(), "/_edgeparity/invalidations", {
        method: "POST",
        body: JSON.stringify({ paths: ["/x"] }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(ok.status, 201);
    });
  }
});
