import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * `edgeparity up` as a child process with a stack file naming a custom response headers policy
 * and a managed one by name (cloudfront.md §5.3, §6), under curl on HTTP/1.1 and HTTP/2: a
 * preflight forwarded and decorated, PUT/POST uploads of every size with CORS and custom headers,
 * the managed security headers on a hit; and no "not emulated" warning for ResponseHeadersPolicyId.
 */
const STACK = (originUrl: string) => `
responseHeadersPolicies:
  api-cors:
    Name: api-cors
    CorsConfig:
      AccessControlAllowOrigins: { Quantity: 1, Items: ["https://app.example.com"] }
      AccessControlAllowHeaders: { Quantity: 1, Items: ["X-Custom"] }
      AccessControlAllowMethods: { Quantity: 3, Items: ["GET", "PUT", "POST"] }
      AccessControlAllowCredentials: true
      AccessControlMaxAgeSec: 300
      OriginOverride: true
    CustomHeadersConfig:
      Quantity: 1
      Items: [{ Header: X-Served-By, Value: edgeparity, Override: true }]
    RemoveHeadersConfig:
      Quantity: 1
      Items: [{ Header: X-Powered-By }]
distributions:
  web:
    Origins:
      Items:
        - Id: origin
          DomainName: origin.example.com
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: http-only }
    CacheBehaviors:
      Items:
        - PathPattern: /api/*
          TargetOriginId: origin
          ViewerProtocolPolicy: allow-all
          CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
          ResponseHeadersPolicyId: api-cors
          AllowedMethods: { Quantity: 7, Items: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE] }
    DefaultCacheBehavior:
      TargetOriginId: origin
      ViewerProtocolPolicy: allow-all
      CachePolicyId: Managed-CachingOptimized
      ResponseHeadersPolicyId: Managed-SecurityHeadersPolicy
local:
  origins:
    origin.example.com: ${originUrl}
`;

describe("e2e: edgeparity up with response headers policies (cloudfront.md §6)", () => {
  let work: string;
  let s: CliSession;
  let origin: OriginServer;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  let base: string;

  before(async () => {
    origin = await startOrigin((req, res, body) => {
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "x-powered-by": "Express" });
        return res.end();
      }
      res.writeHead(200, { "content-type": "text/plain", "x-powered-by": "Express", "x-body-sha256": sha256(body), "cache-control": "max-age=60" });
      res.end(`${req.method} ${body.length}`);
    });
    work = await mkdtemp(join(tmpdir(), "ep-e2e-rhp-"));
    await writeFile(join(work, "stack.yaml"), STACK(origin.url));
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    base = s.distribution("web").url;
  });
  after(async () => {
    await s?.stop();
    await origin?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("e2e rhp: the CLI loads the policies without a 'not emulated' warning for ResponseHeadersPolicyId", () => {
    assert.doesNotMatch(s.stderr(), /ResponseHeadersPolicyId/);
  });

  for (const http of HTTP_VERSIONS) {
    it(`e2e rhp: a preflight reaches the origin and comes back with the policy's CORS preflight headers [HTTP/${http}]`, async () => {
      const r = await curlExchange({
        url: new URL("/api/things", base).href,
        method: "OPTIONS",
        http,
        cacert: s.caPath,
        headers: ["Origin: https://app.example.com", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-custom"],
      });
      assertComplete(r);
      assert.equal(r.status, 204, describeResult(r));
      assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal(r.headers["access-control-allow-credentials"], "true");
      assert.equal(r.headers["access-control-allow-methods"], "GET, PUT, POST");
      assert.equal(r.headers["access-control-allow-headers"], "X-Custom");
      assert.equal(r.headers["access-control-max-age"], "300");
      assert.equal(r.headers["x-powered-by"], undefined);
      assert.equal(r.headers["x-served-by"], "edgeparity");
    });

    for (const method of ["PUT", "POST"])
      for (const size of BODY_SIZES) {
        it(`e2e rhp: ${method} ${size} through the CORS behaviour arrives whole and is decorated [HTTP/${http}]`, async () => {
          const r = await curlExchange({
            url: new URL(`/api/upload-${size}`, base).href,
            method,
            http,
            cacert: s.caPath,
            bodyFile: bodies[size].path,
            headers: ["Origin: https://app.example.com", "Content-Type: application/octet-stream"],
          });
          assertComplete(r);
          assert.equal(r.status, 200, describeResult(r));
          assert.equal(r.body.toString(), `${method} ${bodies[size].bytes.length}`);
          assert.equal(r.headers["x-body-sha256"], sha256(bodies[size].bytes));
          assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
          assert.equal(r.headers["access-control-allow-methods"], undefined);
          assert.equal(r.headers["x-powered-by"], undefined);
          assert.equal(r.headers["x-served-by"], "edgeparity");
        });
      }

    it(`e2e rhp: the managed SecurityHeadersPolicy (by name) is on the miss and on the hit [HTTP/${http}]`, async () => {
      const url = new URL(`/page-${http}.html`, base).href;
      const a = await curlExchange({ url, method: "GET", http, cacert: s.caPath });
      const b = await curlExchange({ url, method: "GET", http, cacert: s.caPath });
      assert.equal(a.headers["x-cache"], "Miss from cloudfront", describeResult(a));
      assert.equal(b.headers["x-cache"], "Hit from cloudfront", describeResult(b));
      for (const r of [a, b]) {
        assert.equal(r.headers["strict-transport-security"], "max-age=31536000");
        assert.equal(r.headers["x-content-type-options"], "nosniff");
        assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
        assert.equal(r.headers["x-powered-by"], "Express");
      }
      await s.assertAlive(`after HTTP/${http}`, url);
    });
  }
});
