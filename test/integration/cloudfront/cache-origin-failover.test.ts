import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/** Origin groups (cloudfront.md §10.6) with real primaries that reset, answer 503, or hang past OriginReadTimeout. */
describe("origin-group: failover to the secondary (cloudfront.md §10.6)", () => {
  let primary: OriginServer;
  let secondary: OriginServer;
  let stack: EdgeparityStack;
  let mode: "ok" | "reset" | "503" | "404" | "hang";
  const get = (path: string, init?: RequestInit) => stack.fetch(new URL(path, stack.distributions.test!.httpUrl), init as never);

  before(async () => {
    primary = await startOrigin((req, res) => {
      if (mode === "reset") return req.socket.destroy();
      if (mode === "hang") return; // never answers
      const status = mode === "503" ? 503 : mode === "404" ? 404 : 200;
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(`primary ${status}`);
    });
    secondary = await startOrigin((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("secondary");
    });
    const timeouts = { CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 1 }, ConnectionAttempts: 1 };
    stack = await startEdgeparity({
      clock: "manual",
      config: {
        distributions: {
          test: {
            Origins: {
              Items: [
                customOrigin("primary", "primary.example.com", { ...timeouts, CustomHeaders: { Items: [{ HeaderName: "X-Member", HeaderValue: "primary" }] } }),
                customOrigin("secondary", "secondary.example.com", { CustomHeaders: { Items: [{ HeaderName: "X-Member", HeaderValue: "secondary" }] } }),
              ],
            },
            OriginGroups: {
              Items: [
                {
                  Id: "group",
                  FailoverCriteria: { StatusCodes: { Items: [500, 502, 503, 504] } },
                  Members: { Items: [{ OriginId: "primary" }, { OriginId: "secondary" }] },
                },
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "group", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
        local: { origins: { "primary.example.com": primary.url, "secondary.example.com": secondary.url } },
      },
    });
  });
  after(async () => {
    await stack.close();
    await primary.close();
    await secondary.close();
  });
  beforeEach(() => {
    primary.requests.length = 0;
    secondary.requests.length = 0;
  });

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: after failover the secondary gets its own CustomHeaders and Host, not the primary's (cloudfront.md §7.5, §10.6)`, async () => {
      mode = "503";
      const r = await send(stack, v, stack.distributions.test!.domain, "/member");
      assert.equal(r.body.toString(), "secondary");
      assert.equal(primary.requests.at(-1)!.headers["x-member"], "primary");
      assert.equal(secondary.requests.at(-1)!.headers["x-member"], "secondary");
      assert.equal(secondary.requests.at(-1)!.headers.host, "secondary.example.com");
    });
  }

  it("origin-group: a healthy primary answers; the secondary is not asked", async () => {
    mode = "ok";
    assert.equal(await (await get("/x")).text(), "primary 200");
    assert.equal(secondary.requests.length, 0);
  });

  it("origin-group: a primary 503 listed in FailoverCriteria fails over (cloudfront.md §10.6)", async () => {
    mode = "503";
    const r = await get("/x");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "secondary");
    assert.equal(primary.requests.length, 1);
    assert.equal(secondary.requests.length, 1);
  });

  it("origin-group: a status not in FailoverCriteria (404) is returned as is", async () => {
    mode = "404";
    const r = await get("/x");
    assert.equal(r.status, 404);
    await r.text();
    assert.equal(secondary.requests.length, 0);
  });

  it("origin-group: a primary that resets the connection fails over (cloudfront.md §10.6 'connection failure')", async () => {
    mode = "reset";
    const r = await get("/x");
    assert.equal(await r.text(), "secondary");
  });

  it("origin-group: a primary hanging past OriginReadTimeout fails over (cloudfront.md §10.3, §10.6)", async () => {
    mode = "hang";
    const started = performance.now();
    const r = await get("/x");
    assert.equal(await r.text(), "secondary");
    assert.ok(performance.now() - started >= 900, "waited for the 1 s read timeout");
  });

  it("origin-group: POST does not fail over — the primary's 503 reaches the viewer (cloudfront.md §10.6)", async () => {
    mode = "503";
    const r = await get("/x", { method: "POST", body: "a" });
    assert.equal(r.status, 503);
    await r.text();
    assert.equal(secondary.requests.length, 0);
  });

  it("origin-group: without a group, a hanging origin is CloudFront's 504 (cloudfront.md §10.3)", async () => {
    // The group's primary alone: POST never fails over, so the timeout surfaces as 504.
    mode = "hang";
    const r = await get("/x", { method: "POST", body: "a" });
    assert.equal(r.status, 504);
    assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
    await r.text();
  });
});
