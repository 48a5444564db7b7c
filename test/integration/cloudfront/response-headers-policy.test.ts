import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_DISABLED, CACHING_OPTIMIZED, awsItems, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * Response headers policies through the gateway on HTTP/1.1 and HTTP/2 (cloudfront.md §6): a
 * preflight goes to the origin and its answer is decorated (§6.2), uploads of 0 B, 1 KB and 2 MiB
 * pass through a CORS behaviour untouched, and the policy is on origin answers, cache hits,
 * CloudFront's own 403, custom error pages (§6.1) — and not on a behaviour without one.
 */
const list = awsItems;
const APP = "https://app.example.com";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const behavior = (PathPattern: string, extra: Record<string, unknown>) => ({
  PathPattern,
  TargetOriginId: "origin",
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_DISABLED,
  AllowedMethods: ALL_METHODS,
  ...extra,
});

describe("response headers policies through the gateway (cloudfront.md §6)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  const host = () => stack.distributions.web!.domain;

  before(async () => {
    origin = await startOrigin((req, res, body) => {
      const url = req.url ?? "/";
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "x-powered-by": "Express" });
        return res.end();
      }
      if (url.startsWith("/static/missing")) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not here");
      }
      if (url.startsWith("/errors/")) {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<p>custom page</p>");
      }
      const headers: Record<string, string> = {
        "content-type": "text/plain",
        "x-powered-by": "Express",
        "server-timing": "app;dur=3",
        "x-body-sha256": sha(body),
        "cache-control": "max-age=300",
      };
      if (url.startsWith("/api/keep")) headers["access-control-allow-origin"] = "https://chosen-by-origin.example";
      res.writeHead(200, headers);
      res.end(`${req.method} ${body.length}`);
    });
    stack = await startEdgeparity({
      config: {
        functions: {
          "fn-redirect": {
            FunctionConfig: { Runtime: "cloudfront-js-1.0" },
            FunctionCode: "function handler(e) { return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/elsewhere' } } }; }",
          },
          "fn-throws": { FunctionConfig: { Runtime: "cloudfront-js-1.0" }, FunctionCode: "function handler(e) { throw new Error('x'); }" },
        },
        responseHeadersPolicies: {
          "api-cors": {
            Name: "api-cors",
            CorsConfig: {
              AccessControlAllowOrigins: list(APP),
              AccessControlAllowHeaders: list("X-Custom", "Content-Type"),
              AccessControlAllowMethods: list("ALL"),
              AccessControlAllowCredentials: true,
              AccessControlExposeHeaders: list("X-Body-Sha256"),
              AccessControlMaxAgeSec: 600,
              OriginOverride: false,
            },
            CustomHeadersConfig: list({ Header: "X-Platform-Team", Value: "platform", Override: true }),
            RemoveHeadersConfig: list({ Header: "X-Powered-By" }),
            ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 100 },
          },
        },
        distributions: {
          web: {
            Origins: { Items: [customOrigin("origin", "origin.example.com")] },
            CacheBehaviors: {
              Items: [
                behavior("/api/*", { ResponseHeadersPolicyId: "api-cors" }),
                behavior("/fn-gen/*", {
                  ResponseHeadersPolicyId: "api-cors",
                  FunctionAssociations: list({ EventType: "viewer-request", FunctionARN: "fn-redirect" }),
                }),
                behavior("/fn-fail/*", {
                  ResponseHeadersPolicyId: "api-cors",
                  FunctionAssociations: list({ EventType: "viewer-request", FunctionARN: "fn-throws" }),
                }),
                behavior("/static/*", { CachePolicyId: CACHING_OPTIMIZED, ResponseHeadersPolicyId: "Managed-SecurityHeadersPolicy" }),
                behavior("/readonly/*", { AllowedMethods: list("GET", "HEAD"), ResponseHeadersPolicyId: "5cc3b908-e619-4b99-88e5-2cf7f45965bd" }),
              ],
            },
            CustomErrorResponses: list({ ErrorCode: 404, ResponsePagePath: "/errors/404.html", ResponseCode: "404", ErrorCachingMinTTL: 0 }),
            DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
        local: { origins: { "origin.example.com": origin.url } },
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

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: a preflight is forwarded to the origin and its answer gets the policy's preflight headers (§6.2)`, async () => {
      const r = await send(stack, v, host(), "/api/items/1", {
        method: "OPTIONS",
        headers: { origin: APP, "access-control-request-method": "PUT", "access-control-request-headers": "x-custom" },
      });
      assert.equal(r.status, 204, "the origin's status: CloudFront does not answer the preflight itself");
      assert.equal(origin.requests.filter((q) => q.method === "OPTIONS").length, 1, "the OPTIONS reached the origin");
      assert.equal(r.headers["access-control-allow-origin"], APP);
      assert.equal(r.headers["access-control-allow-credentials"], "true");
      assert.equal(r.headers["access-control-allow-methods"], "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT");
      assert.equal(r.headers["access-control-allow-headers"], "X-Custom, Content-Type");
      assert.equal(r.headers["access-control-max-age"], "600");
      assert.equal(r.headers["x-powered-by"], undefined, "RemoveHeadersConfig");
      assert.equal(r.headers["x-platform-team"], "platform");
    });

    for (const method of ["POST", "PUT"])
      for (const size of [0, 1024, 2 * 1024 * 1024]) {
        it(`HTTP/${v}: ${method} with a ${size}-byte body through a CORS behaviour reaches the origin whole and comes back decorated (§6.2, §6.4)`, async () => {
          const body = Buffer.alloc(size, 0x61 + (size % 7));
          const r = await send(stack, v, host(), "/api/upload", { method, headers: { origin: APP, "content-type": "text/plain" }, body });
          assert.equal(r.status, 200);
          assert.equal(r.body.toString(), `${method} ${size}`);
          assert.equal(r.headers["x-body-sha256"], sha(body));
          assert.equal(r.headers["access-control-allow-origin"], APP);
          assert.equal(r.headers["access-control-expose-headers"], "X-Body-Sha256");
          assert.equal(r.headers["access-control-allow-methods"], undefined, "no method list outside a preflight");
          assert.equal(r.headers["x-powered-by"], undefined);
          assert.match(
            String(r.headers["server-timing"]),
            /^app;dur=3,cdn-upstream-layer;desc="EDGE",.*cdn-cache-miss,cdn-pop;desc="[^"]+",cdn-rid;desc="[^"]+",cdn-downstream-fbl;dur=\d+$/,
          );
          assert.ok(String(r.headers["server-timing"]).includes(`cdn-rid;desc="${String(r.headers["x-amz-cf-id"])}"`));
        });
      }

    it(`HTTP/${v}: OriginOverride false keeps the origin's Access-Control-Allow-Origin (§6.2)`, async () => {
      const r = await send(stack, v, host(), "/api/keep", { headers: { origin: APP } });
      assert.equal(r.headers["access-control-allow-origin"], "https://chosen-by-origin.example");
      assert.equal(r.headers["access-control-allow-credentials"], "true", "the other CORS headers are still added");
    });

    it(`HTTP/${v}: an Origin the policy does not list gets no CORS headers (§6.2)`, async () => {
      const r = await send(stack, v, host(), "/api/x", { headers: { origin: "https://evil.example" } });
      assert.equal(r.status, 200);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
      assert.equal(r.headers["x-platform-team"], "platform", "the rest of the policy still applies");
    });

    it(`HTTP/${v}: the managed SecurityHeadersPolicy is on the miss and on the cache hit, not stored with the object (§5.3, §6.1)`, async () => {
      const path = `/static/app-${v}.js`;
      const a = await send(stack, v, host(), path);
      const b = await send(stack, v, host(), path);
      assert.equal(a.headers["x-cache"], "Miss from cloudfront");
      assert.equal(b.headers["x-cache"], "Hit from cloudfront");
      for (const r of [a, b]) {
        assert.equal(r.headers["strict-transport-security"], "max-age=31536000");
        assert.equal(r.headers["x-content-type-options"], "nosniff");
        assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
        assert.equal(r.headers["referrer-policy"], "strict-origin-when-cross-origin");
        assert.equal(r.headers["x-xss-protection"], "1; mode=block");
        assert.equal(r.headers["x-powered-by"], "Express", "no RemoveHeadersConfig in this policy");
      }
    });

    it(`HTTP/${v}: a custom error page carries the behaviour's policy (§6.1, §9.1)`, async () => {
      const r = await send(stack, v, host(), `/static/missing-${v}`);
      assert.equal(r.status, 404);
      assert.equal(r.body.toString(), "<p>custom page</p>");
      assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
      assert.equal(r.headers["x-content-type-options"], "nosniff");
    });

    it(`HTTP/${v}: CloudFront's own 403 (method not allowed) carries the policy; the preflight fails there (§6.1, §6.2)`, async () => {
      const r = await send(stack, v, host(), "/readonly/x", { method: "OPTIONS", headers: { origin: APP, "access-control-request-method": "PUT" } });
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      assert.equal(r.headers["access-control-allow-origin"], "*");
      assert.equal(r.headers["access-control-allow-methods"], "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
      assert.equal(origin.requests.length, 0);
    });

    it(`HTTP/${v}: a CloudFront Function's generated answer and its 503 carry the policy (§6.1 [obs])`, async () => {
      const gen = await send(stack, v, host(), "/fn-gen/x", { headers: { origin: APP } });
      assert.equal(gen.status, 302);
      assert.equal(gen.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
      assert.equal(gen.headers["location"], "/elsewhere");
      const failed = await send(stack, v, host(), "/fn-fail/x", { headers: { origin: APP } });
      assert.equal(failed.status, 503);
      for (const r of [gen, failed]) {
        assert.equal(r.headers["x-platform-team"], "platform");
        assert.equal(r.headers["access-control-allow-origin"], APP);
        assert.equal(r.headers["access-control-allow-credentials"], "true");
        assert.match(String(r.headers["server-timing"]), /cdn-rid;desc="/);
      }
      assert.equal(origin.requests.length, 0, "neither reached the origin");
    });

    it(`HTTP/${v}: a behaviour without a policy adds none of its headers (§6)`, async () => {
      const r = await send(stack, v, host(), "/plain", { method: "POST", headers: { origin: APP }, body: "x" });
      assert.equal(r.status, 200);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
      assert.equal(r.headers["x-frame-options"], undefined);
      assert.equal(r.headers["server-timing"], "app;dur=3");
      assert.equal(r.headers["x-powered-by"], "Express");
    });
  }
});
