import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";

/**
 * Issue 8 §2/§3: an origin request reaches its bound origin by how it is connected (an origin door),
 * whatever Host it carries; every service sees one Host on HTTP/1.1 and HTTP/2 (RFC 9113 §8.3.1).
 */
describe("gateway: origin requests are routed by connection, not by Host (cloudfront.md §10.5, design.md §Services)", () => {
  let stack: EdgeparityStack;
  let target: OriginServer;
  const lbDomain = "web-123.us-east-1.elb.amazonaws.com";

  before(async () => {
    target = await startOrigin((req, res, body) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`target host=${req.headers.host} bytes=${body.length}`);
    });
    const behavior = (orp: string) => ({
      TargetOriginId: "alb",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: orp,
      AllowedMethods: ALL_METHODS,
    });
    stack = await startEdgeparity({
      config: {
        distributions: {
          app: {
            Origins: { Items: [customOrigin("alb", lbDomain)] },
            DefaultCacheBehavior: behavior(ALL_VIEWER),
            CacheBehaviors: { Items: [{ PathPattern: "/except/*", ...behavior(ALL_VIEWER_EXCEPT_HOST) }] },
          },
        },
        targetGroups: [{ Name: "web-tg", Protocol: "HTTP", Port: 80, TargetType: "ip" }],
        loadBalancers: [
          {
            Name: "web",
            Listeners: [
              {
                Protocol: "HTTP",
                Port: 80,
                DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404", ContentType: "text/plain", MessageBody: "no rule" } }],
                Rules: [
                  {
                    Priority: 1,
                    Conditions: [{ Field: "host-header", HostHeaderConfig: { Values: ["*.cloudfront.localhost", lbDomain] } }],
                    Actions: [{ Type: "forward", TargetGroupArn: "web-tg" }],
                  },
                ],
              },
            ],
          },
        ],
        local: { targetGroups: { "web-tg": { targets: [target.url] } } },
      },
    });
  });
  after(async () => {
    await stack?.close();
    await target?.close();
  });

  for (const v of HTTP_VERSIONS) {
    for (const [what, args, bytes] of [
      ["GET", [], 0],
      ["POST 0 B", ["-X", "POST", "--data-binary", ""], 0],
      ["POST 1 KB", ["--data-binary", "x".repeat(1024)], 1024],
    ] as const) {
      it(`AllViewer ${what} ${v}: the ALB's host-header rule sees the viewer's Host and the target answers (no loop into the distribution)`, async () => {
        const d = stack.distributions.app!;
        const r = await curl(`${d.url}viewer-host`, v, { caPath: stack.caPath, args: [...args] });
        assert.equal(r.status, 200, r.body);
        assert.equal(r.body, `target host=${d.domain} bytes=${bytes}`);
        assert.equal(r.headers["x-cache"], "Miss from cloudfront");
      });
    }

    it(`AllViewerExceptHostHeader ${v}: the origin gets its own DomainName as Host (cloudfront.md §5.2, §10.5)`, async () => {
      const r = await curl(`${stack.distributions.app!.url}except/x`, v, { caPath: stack.caPath });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, `target host=${lbDomain} bytes=0`);
    });
  }
});
