import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, before, beforeEach, describe, it } from "node:test";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { CACHING_DISABLED, CACHING_OPTIMIZED, singleOriginStack } from "../../support/stacks.js";

/** Paths on the origin answer per test; each path's handler is set by the test that uses it. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SHORT_POLICY = "short-ttl";

describe("cache: store, lookup, X-Cache/Age, TTLs, invalidation, revalidation (cloudfront.md §4, §12)", () => {
  let origin: OriginServer;
  let stack: EdgeparityStack;
  let routes: Map<string, Handler>;
  const hits = (path: string) => origin.requests.filter((r) => r.url.split("?")[0] === path).length;
  const get = (path: string, init?: RequestInit) => stack.fetch(new URL(path, stack.distributions.test!.httpUrl), init as never);
  const advance = (s: number) => stack.clock.advance!(s * 1000);

  before(async () => {
    routes = new Map();
    origin = await startOrigin((req, res) => {
      const h = routes.get(req.url!.split("?")[0]!);
      if (h) return h(req, res);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`body of ${req.url}`);
    });
    const config = singleOriginStack(
      origin.url,
      { CachePolicyId: CACHING_OPTIMIZED, Compress: true },
      {
        CacheBehaviors: {
          Items: [
            { PathPattern: "/api/*", TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
            { PathPattern: "/short/*", TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: SHORT_POLICY },
          ],
        },
        CustomErrorResponses: { Items: [{ ErrorCode: 503, ErrorCachingMinTTL: 30 }] },
      },
    );
    stack = await startEdgeparity({
      config: {
        ...config,
        cachePolicies: {
          [SHORT_POLICY]: {
            Name: "short",
            MinTTL: 0,
            DefaultTTL: 5,
            MaxTTL: 60,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              HeadersConfig: { HeaderBehavior: "none" },
              CookiesConfig: { CookieBehavior: "none" },
              QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Quantity: 1, Items: ["v"] } },
            },
          },
        },
      },
      clock: "manual",
    });
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });
  beforeEach(() => {
    origin.requests.length = 0;
  });

  it("cache: second GET is a Hit with Age, the origin is asked once (cloudfront.md §1.2, §7.1)", async () => {
    const a = await get("/a.txt");
    assert.equal(a.headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(a.headers.get("age"), null);
    assert.equal(await a.text(), "body of /a.txt");
    advance(7);
    const b = await get("/a.txt");
    assert.equal(b.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(b.headers.get("age"), "7");
    assert.match(b.headers.get("via")!, /cloudfront\.net \(CloudFront\)$/);
    assert.equal(await b.text(), "body of /a.txt");
    assert.equal(hits("/a.txt"), 1);
  });

  it("cache: HEAD is answered from a cached GET (cloudfront.md §3.2)", async () => {
    await (await get("/head.txt")).text();
    const r = await get("/head.txt", { method: "HEAD" });
    assert.equal(r.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(hits("/head.txt"), 1);
  });

  it("cache: CachingDisabled never caches — every request is a Miss (cloudfront.md §4.4)", async () => {
    for (let i = 0; i < 2; i++) assert.equal((await get("/api/x")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(hits("/api/x"), 2);
  });

  it("ttl: DefaultTTL applies without Cache-Control, then the object expires (cloudfront.md §4.3)", async () => {
    await (await get("/short/d")).text();
    advance(4);
    assert.equal((await get("/short/d")).headers.get("x-cache"), "Hit from cloudfront");
    advance(2);
    assert.equal((await get("/short/d")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(hits("/short/d"), 2);
  });

  it("ttl: no-store with MinTTL 0 is not cached (cloudfront.md §4.3)", async () => {
    routes.set("/short/nostore", (_q, s) => {
      s.writeHead(200, { "cache-control": "no-store", "content-type": "text/plain" });
      s.end("x");
    });
    await (await get("/short/nostore")).text();
    assert.equal((await get("/short/nostore")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(hits("/short/nostore"), 2);
  });

  it("ttl: max-age above MaxTTL is capped at MaxTTL (cloudfront.md §4.3)", async () => {
    routes.set("/short/long", (_q, s) => {
      s.writeHead(200, { "cache-control": "max-age=3600", "content-type": "text/plain" });
      s.end("x");
    });
    await (await get("/short/long")).text();
    advance(59);
    assert.equal((await get("/short/long")).headers.get("x-cache"), "Hit from cloudfront");
    advance(2);
    assert.equal((await get("/short/long")).headers.get("x-cache"), "Miss from cloudfront");
  });

  it("cache-key: only whitelisted query strings split the cache, and their order is kept (cloudfront.md §4.2)", async () => {
    await (await get("/short/q?v=1&utm=a")).text();
    assert.equal((await get("/short/q?v=1&utm=b")).headers.get("x-cache"), "Hit from cloudfront");
    assert.equal((await get("/short/q?v=2")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(hits("/short/q"), 2);
  });

  it("revalidation: an expired object is revalidated with If-None-Match; 304 → RefreshHit, lifetime restarts (cloudfront.md §4.7)", async () => {
    routes.set("/short/etag", (q, s) => {
      if (q.headers["if-none-match"] === '"v1"') {
        s.writeHead(304, { etag: '"v1"', "cache-control": "max-age=10" });
        return s.end();
      }
      s.writeHead(200, { etag: '"v1"', "cache-control": "max-age=10", "content-type": "text/plain", "last-modified": "Thu, 01 Jan 2026 00:00:00 GMT" });
      s.end("etagged");
    });
    await (await get("/short/etag")).text();
    advance(11);
    const r = await get("/short/etag");
    assert.equal(r.headers.get("x-cache"), "RefreshHit from cloudfront");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "etagged");
    assert.equal(origin.requests.at(-1)!.headers["if-none-match"], '"v1"');
    assert.equal(origin.requests.at(-1)!.headers["if-modified-since"], "Thu, 01 Jan 2026 00:00:00 GMT");
    advance(9);
    assert.equal((await get("/short/etag")).headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(hits("/short/etag"), 2);
  });

  it("error caching: a 404 is cached for ErrorCachingMinTTL 10 s by default; X-Cache says Error (cloudfront.md §4.6)", async () => {
    routes.set("/gone", (_q, s) => {
      s.writeHead(404, { "content-type": "text/plain" });
      s.end("nope");
    });
    assert.equal((await get("/gone")).status, 404);
    advance(9);
    const r = await get("/gone");
    assert.equal(r.status, 404);
    assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
    assert.equal(r.headers.get("age"), "9");
    advance(2);
    await (await get("/gone")).text();
    assert.equal(hits("/gone"), 2);
  });

  it("error caching: a 403 without max-age is not cached (cloudfront.md §4.6)", async () => {
    routes.set("/forbidden", (_q, s) => {
      s.writeHead(403, { "content-type": "text/plain" });
      s.end("no");
    });
    await (await get("/forbidden")).text();
    await (await get("/forbidden")).text();
    assert.equal(hits("/forbidden"), 2);
  });

  it("error caching: ErrorCachingMinTTL per code from CustomErrorResponses (cloudfront.md §4.6)", async () => {
    routes.set("/busy", (_q, s) => {
      s.writeHead(503, { "content-type": "text/plain" });
      s.end("busy");
    });
    await (await get("/busy")).text();
    advance(29);
    await (await get("/busy")).text();
    assert.equal(hits("/busy"), 1);
    advance(2);
    await (await get("/busy")).text();
    assert.equal(hits("/busy"), 2);
  });

  it("stale: a 5xx while a stale copy exists serves the copy (cloudfront.md §4.6)", async () => {
    let fail = false;
    routes.set("/short/flaky", (_q, s) => {
      if (fail) {
        s.writeHead(500, { "content-type": "text/plain" });
        return s.end("boom");
      }
      s.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=5" });
      s.end("good");
    });
    await (await get("/short/flaky")).text();
    advance(6);
    fail = true;
    const r = await get("/short/flaky");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "good");
    assert.equal(hits("/short/flaky"), 2);
  });

  it("invalidation: exact path, trailing *, case-sensitive, every key under the path (cloudfront.md §12)", async () => {
    for (const p of ["/inv/a.txt", "/inv/b.txt", "/inv/sub/c.txt", "/INV/a.txt"]) await (await get(p)).text();
    const inv = await stack.invalidate("test", ["/inv/a.txt"]);
    assert.match(inv.Id, /^I[A-Z0-9]{13}$/);
    assert.equal(inv.Status, "InProgress");
    assert.equal((await get("/inv/a.txt")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal((await get("/inv/b.txt")).headers.get("x-cache"), "Hit from cloudfront");
    await stack.invalidate("test", ["/inv/*"]);
    assert.equal((await get("/inv/sub/c.txt")).headers.get("x-cache"), "Miss from cloudfront");
    assert.equal((await get("/INV/a.txt")).headers.get("x-cache"), "Hit from cloudfront");
    await assert.rejects(stack.invalidate("test", ["/a*b"]), /may only be the last character/);
  });

  it("invalidation: POST /_edgeparity/invalidations on the distribution host, listed as Completed (cloudfront.md §12)", async () => {
    await (await get("/http-inv.txt")).text();
    const r = await get("/_edgeparity/invalidations", { method: "POST", body: JSON.stringify({ paths: ["/http-inv.txt"] }) });
    assert.equal(r.status, 201);
    const body = (await r.json()) as { Invalidation: { Id: string; ObjectsRemoved: number } };
    assert.equal(body.Invalidation.ObjectsRemoved, 1);
    const list = (await (await get("/_edgeparity/invalidations")).json()) as { invalidations: { Id: string; Status: string }[] };
    assert.equal(list.invalidations[0]!.Id, body.Invalidation.Id);
    assert.equal(list.invalidations[0]!.Status, "Completed");
    assert.equal((await get("/http-inv.txt")).headers.get("x-cache"), "Miss from cloudfront");
  });

  it("cache view: /_edgeparity/cache lists keys with TTL left, size and hits", async () => {
    await (await get("/view.txt")).text();
    await (await get("/view.txt")).text();
    const view = (await (await get("/_edgeparity/cache")).json()) as { objects: { path: string; ttlLeft: number; size: number; hits: number }[] };
    const o = view.objects.find((x) => x.path === "/view.txt")!;
    assert.equal(o.hits, 1);
    assert.equal(o.size, "body of /view.txt".length);
    assert.equal(o.ttlLeft, 86400);
  });

  it("collapsing: concurrent misses for one key cause one origin fetch (cloudfront.md §1.1 step 10)", async () => {
    routes.set("/slow.txt", (_q, s) => {
      setTimeout(() => {
        s.writeHead(200, { "content-type": "text/plain" });
        s.end("slow");
      }, 100);
    });
    const all = await Promise.all(Array.from({ length: 5 }, () => get("/slow.txt")));
    assert.deepEqual(await Promise.all(all.map((r) => r.text())), Array(5).fill("slow"));
    assert.equal(hits("/slow.txt"), 1);
    assert.equal(all.filter((r) => r.headers.get("x-cache") === "Miss from cloudfront").length, 1);
  });

  it("range: a Range request is served as 206 from a cached full object (cloudfront.md §11.1)", async () => {
    // The normalised Accept-Encoding is part of the key (§4.5): both requests send the same one.
    const identity = { "accept-encoding": "identity" };
    await (await get("/range.txt", { headers: identity })).text();
    const r = await get("/range.txt", { headers: { ...identity, range: "bytes=0-3" } });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get("content-range"), `bytes 0-3/${"body of /range.txt".length}`);
    assert.equal(await r.text(), "body");
    assert.equal(r.headers.get("x-cache"), "Hit from cloudfront");
    const bad = await get("/range.txt", { headers: { ...identity, range: "bytes=5-2" } });
    assert.equal(bad.status, 200);
    assert.equal(hits("/range.txt"), 1);
  });

  it("compression: brotli preferred, gzip cached apart, identity apart; ETag weakened (cloudfront.md §8, §4.5)", async () => {
    const text = "x".repeat(5000);
    routes.set("/big.js", (_q, s) => {
      s.writeHead(200, { "content-type": "application/javascript", "content-length": String(text.length), etag: '"abc"' });
      s.end(text);
    });
    const br = await get("/big.js", { headers: { "accept-encoding": "gzip, deflate, br" } });
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.equal(br.headers.get("etag"), 'W/"abc"');
    const raw = Buffer.from(await br.arrayBuffer());
    // undici's fetch decodes br itself; tolerate both forms.
    assert.equal(raw.length === text.length ? raw.toString() : brotliDecompressSync(raw).toString(), text);
    const gz = await get("/big.js", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    const gzRaw = Buffer.from(await gz.arrayBuffer());
    assert.equal(gzRaw.length === text.length ? gzRaw.toString() : gunzipSync(gzRaw).toString(), text);
    const id = await get("/big.js", { headers: { "accept-encoding": "identity" } });
    assert.equal(id.headers.get("content-encoding"), null);
    assert.equal((await id.text()).length, text.length);
    assert.equal(hits("/big.js"), 3);
    assert.equal(origin.requests[0]!.headers["accept-encoding"], "br,gzip");
    const again = await get("/big.js", { headers: { "accept-encoding": "br, gzip" } });
    assert.equal(again.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(again.headers.get("content-encoding"), "br");
    await again.arrayBuffer();
    assert.equal(hits("/big.js"), 3);
  });

  it("compression: small bodies (< 1,000 bytes) and non-listed types are not compressed (cloudfront.md §8)", async () => {
    routes.set("/small.js", (_q, s) => {
      s.writeHead(200, { "content-type": "application/javascript", "content-length": "999" });
      s.end("y".repeat(999));
    });
    routes.set("/img.png", (_q, s) => {
      s.writeHead(200, { "content-type": "image/png", "content-length": "5000" });
      s.end(Buffer.alloc(5000));
    });
    const a = await get("/small.js", { headers: { "accept-encoding": "br" } });
    assert.equal(a.headers.get("content-encoding"), null);
    await a.arrayBuffer();
    const b = await get("/img.png", { headers: { "accept-encoding": "br" } });
    assert.equal(b.headers.get("content-encoding"), null);
    await b.arrayBuffer();
  });
});
