import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * With eight or more behaviours whose patterns fix a first segment, the edge looks only at the
 * behaviours that can match a path's first segment (core/first-segment-index.ts, issue 14). The
 * first behaviour in list order whose pattern matches must still win (cloudfront.md §2): each
 * behaviour here goes to its own origin, which says which one answered. Patterns: keyed by their
 * first segment (`/svc3/*`, `img/a?.png` without its leading slash, `/x&y/*`), exact (`/health`),
 * and unkeyed ones listed between them (`/sv*`, `*.css`) that must keep their place in the order.
 */
describe("cloudfront: behaviour matching with many path patterns keeps list order (cloudfront.md §2, issue 14)", () => {
  let origin: Server;
  let stack: EdgeparityStack;
  let domain: string;
  const patterns = ["/svc0/*", "/svc1/*", "/svc2/*", "/sv*", "/svc3/*", "img/a?.png", "/x&y/*", "/health", "*.css", "/svc4/*", "/svc5/special", "/svc5/*"];
  before(async () => {
    origin = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end(String(req.headers["x-behaviour"]));
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    const port = (origin.address() as AddressInfo).port;
    const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    const items = [...patterns.map((_, i) => `b${i}`), "default"].map((id) => ({
      Id: id,
      DomainName: "origin.example.net",
      CustomOriginConfig: { OriginProtocolPolicy: "http-only" },
      CustomHeaders: { Items: [{ HeaderName: "x-behaviour", HeaderValue: id }] },
    }));
    const behaviour = (id: string) => ({ TargetOriginId: id, ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED });
    stack = await startEdgeparity({
      config: {
        distributions: {
          many: {
            Origins: { Items: items },
            CacheBehaviors: { Items: patterns.map((p, i) => ({ PathPattern: p, ...behaviour(`b${i}`) })) },
            DefaultCacheBehavior: behaviour("default"),
          },
        },
        local: { origins: { "origin.example.net": `http://127.0.0.1:${port}` } },
      },
    });
    domain = stack.distributions.many!.domain;
  });
  after(async () => {
    await stack.close();
    origin.close();
  });

  // The behaviour a full scan in list order picks for each path.
  const cases: [string, string][] = [
    ["/svc0/a", "b0"],
    ["/svc1/a/b", "b1"],
    ["/svc2/", "b2"],
    ["/svc3/a", "b3"], // `/sv*` comes first
    ["/svc", "b3"],
    ["/svc4/x", "b3"],
    ["/img/a1.png", "b5"],
    ["/img/ab.png", "b5"],
    ["/img/abc.png", "default"],
    ["/x&y/z", "b6"],
    ["/health", "b7"],
    ["/health/more", "default"],
    ["/style.css", "b8"],
    ["/svc9.css", "b3"],
    ["/other/a.css", "b8"],
    ["/Svc0/a", "default"], // case-sensitive
    ["/", "default"],
    ["/nothing", "default"],
  ];
  for (const version of VIEWER_VERSIONS) {
    it(`HTTP/${version}: each path gets the first matching behaviour in list order`, async () => {
      for (const [path, want] of cases) {
        const r = await send(stack, version, domain, path);
        assert.equal(r.status, 200, path);
        assert.equal(r.body.toString(), want, path);
      }
    });
  }
});
