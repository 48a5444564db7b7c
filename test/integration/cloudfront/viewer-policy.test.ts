import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { rawRequest } from "../../support/raw-http.js";
import { ALL_METHODS, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";

const behavior = (PathPattern: string, ViewerProtocolPolicy: string, methods = ALL_METHODS) => ({
  PathPattern,
  TargetOriginId: "origin",
  ViewerProtocolPolicy,
  CachePolicyId: CACHING_DISABLED,
  AllowedMethods: methods,
});

describe("viewer protocol policy and allowed methods (cloudfront.md §3)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin();
    stack = await startEdgeparity({
      config: {
        distributions: {
          web: {
            Origins: { Items: [customOrigin("origin", "origin.example.com")] },
            CacheBehaviors: {
              Items: [
                behavior("/redirect/*", "redirect-to-https"),
                behavior("/https-only/*", "https-only"),
                behavior("/readonly/*", "allow-all", { Quantity: 2, Items: ["GET", "HEAD"] }),
                behavior("/with-options/*", "allow-all", { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"] }),
              ],
            },
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
  const http = (p: string) => new URL(p, stack.distributions.web!.httpUrl);
  const https = (p: string) => new URL(p, stack.distributions.web!.url);

  it("redirect-to-https: HEAD over HTTP → 301 with Location keeping path and query (§3.1)", async () => {
    const r = await stack.fetch(http("/redirect/a?b=1&c"), { method: "HEAD", redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), https("/redirect/a?b=1&c").href);
  });

  it("redirect-to-https: POST over HTTP/1.1 → 307, origin never contacted (§3.1)", async () => {
    const before = origin.requests.length;
    const r = await stack.fetch(http("/redirect/form"), { method: "POST", body: "x=1", redirect: "manual" });
    assert.equal(r.status, 307);
    assert.equal(r.headers.get("location"), https("/redirect/form").href);
    assert.equal(r.headers.get("x-cache"), "Redirect from cloudfront");
    assert.match(await r.text(), /307 Temporary Redirect/);
    assert.equal(origin.requests.length, before);
  });

  it("redirect-to-https: POST over HTTP/1.0 → 403 (§3.1)", async () => {
    const host = new URL(stack.distributions.web!.httpUrl).host;
    const r = await rawRequest(stack.httpPort, `POST /redirect/form HTTP/1.0\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`);
    assert.equal(r.status, 403);
  });

  it("redirect-to-https: the same request over HTTPS reaches the origin", async () => {
    const r = await stack.fetch(https("/redirect/ok"));
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "ok");
  });

  it("https-only: HTTP → 403 'Error from cloudfront' (§3.1)", async () => {
    const r = await stack.fetch(http("/https-only/x"));
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
    assert.equal(r.headers.get("server"), "CloudFront");
  });

  it("allowed methods: POST on a GET/HEAD behaviour → 403 with CloudFront's message (§3.2, §9.3)", async () => {
    const r = await stack.fetch(https("/readonly/x"), { method: "POST", body: "a" });
    assert.equal(r.status, 403);
    const body = await r.text();
    assert.match(body, /<H1>403 ERROR<\/H1>/);
    assert.match(
      body,
      /This distribution is not configured to allow the HTTP request method that was used for this request\. The distribution supports only cachable requests\./,
    );
    assert.match(body, new RegExp(`Request ID: ${r.headers.get("x-amz-cf-id")!.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&")}`));
  });

  it("allowed methods: OPTIONS allowed on GET/HEAD/OPTIONS, DELETE is not (§3.2)", async () => {
    assert.equal((await stack.fetch(https("/with-options/x"), { method: "OPTIONS" })).status, 200);
    assert.equal((await stack.fetch(https("/with-options/x"), { method: "DELETE" })).status, 403);
  });

  it("allowed methods: all seven methods pass on the full set, body streamed to the origin", async () => {
    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      const r = await stack.fetch(https("/anything"), { method, body: `body-${method}` });
      assert.equal(r.status, 200, method);
      assert.equal(origin.requests.at(-1)!.method, method);
      assert.equal(origin.requests.at(-1)!.body.toString(), `body-${method}`);
    }
  });

  it("GET with a body → 403 'Bad request.' (§3.2)", async () => {
    const host = new URL(stack.distributions.web!.httpUrl).host;
    const r = await rawRequest(stack.httpPort, `GET /x HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`);
    assert.equal(r.status, 403);
    assert.match(r.raw, /Bad request\./);
  });
});
