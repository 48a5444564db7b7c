import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { customOrigin } from "../../support/stacks.js";

/**
 * Issue 9 "What survives a revision: … cache entries whose distribution and key recipe are
 * unchanged": CloudFront keeps each distribution's cache and its origin pools across revisions,
 * and an object stored under a key recipe a revision changed is never served again (cloudfront.md §4.2).
 */
describe("engine: CloudFront cache entries and origin pools survive revisions (issue 9, cloudfront.md §4.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  let connections = 0;

  const policy = (name: string, query: "none" | { whitelist: string[] }) => ({
    Name: name,
    MinTTL: 0,
    DefaultTTL: 3600,
    MaxTTL: 86400,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false,
      HeadersConfig: { HeaderBehavior: "none" },
      CookiesConfig: { CookieBehavior: "none" },
      QueryStringsConfig:
        query === "none"
          ? { QueryStringBehavior: "none" }
          : { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: query.whitelist.length, Items: query.whitelist } },
    },
  });
  type Cors = NonNullable<NonNullable<StackInput["buckets"]>[string]["CORSConfiguration"]>["CORSRules"];
  const config = (o: { keyedQuery?: string[]; otherBehavior?: boolean; cors?: Cors } = {}): StackInput =>
    ({
      distributions: {
        app: {
          Origins: { Items: [customOrigin("o", "origin.example.com")] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "default-policy" },
          CacheBehaviors: {
            Items: [
              { PathPattern: "/keep/*", TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "keep-policy" },
              ...(o.otherBehavior ? [{ PathPattern: "/other/*", TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: "keep-policy" }] : []),
            ],
          },
        },
      },
      cachePolicies: {
        "default-policy": policy("default-policy", o.keyedQuery ? { whitelist: o.keyedQuery } : "none"),
        "keep-policy": policy("keep-policy", "none"),
      },
      buckets: { "rev-cf-bucket": o.cors ? { CORSConfiguration: { CORSRules: o.cors } } : {} },
      local: { origins: { "origin.example.com": origin.url } },
    }) as StackInput;

  before(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=3600" });
      res.end(`object ${req.url}`);
    });
    origin.server.on("connection", (_s: Socket) => connections++);
    stack = await startEdgeparity({ config: config() });
  });
  after(async () => {
    await stack?.close();
    await origin?.close();
  });

  const get = (path: string, v: (typeof HTTP_VERSIONS)[number]) => curl(`${stack.distributions.app!.url}${path.slice(1)}`, v, { caPath: stack.caPath });
  const originAsked = (path: string) => origin.requests.filter((r) => r.url.split("?")[0] === path).length;

  for (const v of HTTP_VERSIONS) {
    const tag = v === "--http2" ? "h2" : "h1";

    it(`CloudFront revisions ${v}: an object cached before a bucket CORS change and a new behaviour on another path is still a Hit after them; the origin pool is reused`, async () => {
      const path = `/a-${tag}.txt`;
      assert.equal((await get(path, v)).headers["x-cache"], "Miss from cloudfront");
      assert.equal((await get(path, v)).headers["x-cache"], "Hit from cloudfront");
      const connectionsBefore = connections;
      await stack.update(config({ cors: [{ AllowedMethods: ["GET"], AllowedOrigins: ["https://app.example.com"] }] }));
      const r1 = await get(path, v);
      assert.equal(r1.headers["x-cache"], "Hit from cloudfront", "a bucket CORS change leaves the distribution's cache alone");
      assert.equal(r1.body, `object ${path}`);
      await stack.update(config({ otherBehavior: true }));
      assert.equal((await get(path, v)).headers["x-cache"], "Hit from cloudfront", "a new behaviour on another path leaves this object");
      assert.equal(originAsked(path), 1, "the origin was asked once across both revisions");
      // A miss after the revisions rides the same keep-alive connection to the origin (same pool).
      assert.equal((await get(`/fresh-${tag}.txt`, v)).headers["x-cache"], "Miss from cloudfront");
      assert.equal(connections, connectionsBefore, "the unchanged origin's pool (and its connection) was kept");
      await stack.update(config());
    });

    it(`CloudFront revisions ${v}: a revision that adds a query string to a behaviour's cache key makes its next request a Miss; another behaviour's objects stay Hits`, async () => {
      const path = `/b-${tag}.txt`;
      const kept = `/keep/k-${tag}.txt`;
      for (const p of [path, kept]) {
        assert.equal((await get(p, v)).headers["x-cache"], "Miss from cloudfront");
        assert.equal((await get(p, v)).headers["x-cache"], "Hit from cloudfront");
      }
      await stack.update(config({ keyedQuery: ["v"] }));
      // Same path, same (empty) query: only the recipe changed, and that alone makes it another object.
      assert.equal((await get(path, v)).headers["x-cache"], "Miss from cloudfront");
      assert.equal(originAsked(path), 2);
      assert.equal((await get(path, v)).headers["x-cache"], "Hit from cloudfront", "cached again under the new recipe");
      assert.equal((await get(kept, v)).headers["x-cache"], "Hit from cloudfront", "the unchanged behaviour keeps its objects");
      assert.equal(originAsked(kept), 1);
      const view = await stack.cacheView("app");
      assert.equal(view.objects.filter((o) => o.path === path).length, 1, "the old recipe's object was dropped, not kept beside the new one");
      await stack.update(config());
    });

    it(`CloudFront revisions ${v}: invalidations and /_edgeparity/cache keep working after revisions (cloudfront.md §12)`, async () => {
      const path = `/c-${tag}.txt`;
      await get(path, v);
      await stack.update(config({ otherBehavior: true }));
      await stack.update(config());
      const listed = await curl(`${stack.distributions.app!.url}_edgeparity/cache`, v, { caPath: stack.caPath });
      assert.equal(listed.status, 200);
      const objects = (JSON.parse(listed.body) as { objects: { path: string; hits: number }[] }).objects;
      assert.ok(
        objects.some((o) => o.path === path),
        listed.body,
      );
      const inv = await stack.invalidate("app", [path]);
      assert.equal(inv.ObjectsRemoved, 1);
      assert.equal((await get(path, v)).headers["x-cache"], "Miss from cloudfront");
      const posted = await curl(`${stack.distributions.app!.url}_edgeparity/invalidations`, v, {
        caPath: stack.caPath,
        args: ["-X", "POST", "-H", "content-type: application/json", "--data-binary", JSON.stringify({ paths: [path] })],
      });
      assert.equal(posted.status, 201, posted.body);
      assert.equal((await get(path, v)).headers["x-cache"], "Miss from cloudfront");
    });
  }
});
