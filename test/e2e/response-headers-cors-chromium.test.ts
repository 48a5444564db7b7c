import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startEdgeparity, type EdgeparityStack } from "../../src/index.js";
import { launchChromium } from "../support/chromium.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { ALL_METHODS, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, awsItems, customOrigin } from "../support/stacks.js";

/**
 * Chromium decides (cloudfront.md §6.2): a page on one distribution makes a cross-origin PUT with
 * a custom header to another — a preflighted request. The API's origin knows nothing of CORS (it
 * answers OPTIONS 204 bare); a response headers policy on the API behaviour makes the browser let
 * the fetch through, and the same fetch to a behaviour without one is blocked.
 */
const list = awsItems;
const behavior = (PathPattern: string, extra: Record<string, unknown> = {}) => ({
  PathPattern,
  TargetOriginId: "api",
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_DISABLED,
  AllowedMethods: ALL_METHODS,
  ...extra,
});

interface FetchOutcome {
  ok: boolean;
  status?: number;
  text?: string;
  exposed?: string | null;
  error?: string;
}

describe("e2e: a response headers policy makes a preflighted cross-origin fetch work in Chromium (cloudfront.md §6.2)", () => {
  let stack: EdgeparityStack;
  let browser: Browser;
  let page: Page;
  let origin: OriginServer;

  before(async () => {
    origin = await startOrigin((req, res, body) => {
      if ((req.url ?? "").startsWith("/index.html") || req.url === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<!doctype html><title>app</title><p>app</p>");
      }
      if (req.method === "OPTIONS") {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(200, { "content-type": "text/plain", "x-request-id": "r-1" });
      res.end(`${req.method} ${body.toString()} x-custom=${String(req.headers["x-custom"])}`);
    });
    stack = await startEdgeparity({
      config: {
        responseHeadersPolicies: {
          "api-cors": {
            Name: "api-cors",
            CorsConfig: {
              AccessControlAllowOrigins: list("*"),
              AccessControlAllowHeaders: list("X-Custom", "Content-Type"),
              AccessControlAllowMethods: list("GET", "PUT", "OPTIONS"),
              AccessControlAllowCredentials: false,
              AccessControlExposeHeaders: list("X-Request-Id"),
              AccessControlMaxAgeSec: 0,
              OriginOverride: true,
            },
          },
        },
        distributions: {
          app: {
            Origins: { Items: [customOrigin("app", "app.example.com")] },
            DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
          },
          api: {
            Origins: { Items: [customOrigin("api", "api.example.com")] },
            CacheBehaviors: {
              Items: [
                // X-Custom reaches the origin only through an origin request policy (cloudfront.md §7.3).
                behavior("/with-policy/*", { ResponseHeadersPolicyId: "api-cors", OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST }),
                behavior("/managed/*", { ResponseHeadersPolicyId: "Managed-CORS-With-Preflight" }),
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "api", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
        local: { origins: { "app.example.com": origin.url, "api.example.com": origin.url } },
      },
    });
    browser = await launchChromium(stack.spkiHash);
    page = await browser.newPage();
    const r = await page.goto(new URL("/index.html", stack.distributions.app!.url).href);
    assert.equal(r?.status(), 200);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    await origin?.close();
  });
  beforeEach(() => {
    origin.requests.length = 0;
  });

  const put = (path: string, headers: Record<string, string>): Promise<FetchOutcome> =>
    page.evaluate(
      async ({ url, headers }) => {
        try {
          const r = await fetch(url, { method: "PUT", headers, body: "hello", cache: "no-store" });
          return { ok: true, status: r.status, text: await r.text(), exposed: r.headers.get("x-request-id") };
        } catch (e) {
          return { ok: false, error: String(e) };
        }
      },
      { url: new URL(path, stack.distributions.api!.url).href, headers },
    );

  it("e2e chromium: with a custom policy, PUT + X-Custom from another origin succeeds after a preflight the origin answered bare", async () => {
    const r = await put("/with-policy/item", { "x-custom": "42", "content-type": "text/plain" });
    assert.deepEqual(r, { ok: true, status: 200, text: "PUT hello x-custom=42", exposed: "r-1" });
    const preflight = origin.requests.find((q) => q.method === "OPTIONS");
    assert.ok(preflight, "Chromium sent a preflight and CloudFront forwarded it to the origin");
    assert.equal(preflight.headers["access-control-request-method"], "PUT");
    assert.ok(origin.requests.some((q) => q.method === "PUT"));
  });

  it("e2e chromium: with the managed CORS-With-Preflight policy, a preflighted PUT succeeds", async () => {
    const r = await put("/managed/item", { "content-type": "text/plain" });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.status, 200);
    assert.ok(origin.requests.some((q) => q.method === "OPTIONS"));
  });

  it("e2e chromium: the same fetch to a behaviour without a policy is blocked by the browser, and never sent as a PUT", async () => {
    const r = await put("/no-policy/item", { "x-custom": "42", "content-type": "text/plain" });
    assert.equal(r.ok, false);
    assert.match(r.error ?? "", /Failed to fetch/);
    assert.ok(
      origin.requests.some((q) => q.method === "OPTIONS"),
      "the preflight went out",
    );
    assert.ok(!origin.requests.some((q) => q.method === "PUT"), "the preflight failed, so the PUT was not sent");
  });
});
