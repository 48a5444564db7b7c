import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../src/index.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { ALL_VIEWER, CACHING_OPTIMIZED, singleOriginStack } from "../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../support/viewer.js";

/**
 * The fields a `Connection` header names are hop-by-hop (RFC 9110 §7.6.1), on top of the fixed
 * list: neither CloudFront (cloudfront.md §7.1, §7.2) nor ALB (alb.md §7) sends them on, either
 * way. HTTP/2 has no Connection field (RFC 9113 §8.2.2), so there the same header is end-to-end
 * and is forwarded: the case runs on both versions and shows the difference.
 */
describe("hop-by-hop: fields named by Connection stop at the hop (RFC 9110 §7.6.1; cloudfront.md §7.1–7.2, alb.md §7)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  const targets = () => [
    { name: "CloudFront", host: stack.distributions["test"]!.domain },
    { name: "ALB", host: stack.loadBalancers["alb"]!.host },
  ];

  before(async () => {
    origin = await startOrigin((req, res) => {
      // The origin names its own hop-by-hop field (HTTP/1.1 to the origin, whatever the viewer spoke).
      res.writeHead(200, {
        "content-type": "text/plain",
        connection: "keep-alive, X-Origin-Hop",
        "x-origin-hop": "1",
        "x-origin-kept": "1",
        "cache-control": req.url!.startsWith("/cached/") ? "max-age=60" : "no-store",
      });
      res.end("ok");
    });
    const forward = { Type: "forward", TargetGroupArn: "app" };
    // AllViewer: every viewer header would reach the origin but for the hop-by-hop rule.
    const cf = singleOriginStack(
      origin.url,
      { OriginRequestPolicyId: ALL_VIEWER },
      {
        CacheBehaviors: {
          Items: [{ PathPattern: "/cached/*", TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED }],
        },
      },
    );
    stack = await startEdgeparity({
      config: {
        ...cf,
        loadBalancers: [{ Name: "alb", Listeners: [80, 443].map((Port) => ({ Protocol: Port === 80 ? "HTTP" : "HTTPS", Port, DefaultActions: [forward] })) }],
        targetGroups: [{ Name: "app", Protocol: "HTTP", TargetType: "ip" }],
        local: { ...cf.local, targetGroups: { app: { targets: [origin.url] } } },
      },
    });
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });
  for (const version of VIEWER_VERSIONS) {
    it(`hop-by-hop: a request field the viewer's Connection names is not forwarded; without Connection it is (HTTP/${version})`, async () => {
      for (const t of targets()) {
        for (const body of [undefined, "x".repeat(100)]) {
          origin.requests.length = 0;
          const headers: Record<string, string> = { "x-viewer-hop": "1", "x-viewer-kept": "1" };
          if (version === "1.1") headers["connection"] = "keep-alive, X-Viewer-Hop";
          const r = await send(stack, version, t.host, "/req", { method: body === undefined ? "GET" : "POST", headers, body });
          assert.equal(r.status, 200, t.name);
          const got = origin.requests.filter((q) => q.url === "/req").at(-1)!;
          const seen = got.headers;
          assert.equal(seen["x-viewer-kept"], "1", t.name);
          assert.equal(seen["x-viewer-hop"], version === "1.1" ? undefined : "1", `${t.name}: x-viewer-hop`);
          if (body !== undefined) assert.equal(got.body.length, body.length, t.name);
        }
      }
    });
    it(`hop-by-hop: a response field the origin's Connection names never reaches the viewer, nor the cache (HTTP/${version})`, async () => {
      for (const t of targets()) {
        const r = await send(stack, version, t.host, "/resp");
        assert.equal(r.status, 200, t.name);
        assert.equal(r.headers["x-origin-kept"], "1", t.name);
        assert.equal(r.headers["x-origin-hop"], undefined, t.name);
      }
      const path = `/cached/${version}`;
      const miss = await send(stack, version, targets()[0]!.host, path);
      const hit = await send(stack, version, targets()[0]!.host, path);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      for (const r of [miss, hit]) {
        assert.equal(r.headers["x-origin-kept"], "1");
        assert.equal(r.headers["x-origin-hop"], undefined);
      }
    });
  }
});
