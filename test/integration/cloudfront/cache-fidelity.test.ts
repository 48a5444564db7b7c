import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { after, before, beforeEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { rawRequest } from "../../support/raw-http.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_OPTIMIZED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

const OBJECT = "0123456789abcdefghijklmnopqrstuvwxyz";
const BIG = "z".repeat(4000);

/**
 * Cache rows of issue 8 §6 against AWS's documentation: ranges (cloudfront.md §11.1), 307/308
 * (§4.6, DG "HTTP 3xx status codes"), revalidation of compressed objects (§4.7, §8), one
 * query-string selection for key and origin (§4.2), legacy cookies (§4.9, §4.10), HTTP/1.0
 * Accept-Encoding (§4.5) and cached CloudFront error pages (§9.3). HTTP/1.1 and HTTP/2 each.
 */
describe("cache fidelity (cloudfront.md §4, §8, §11.1)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  const host = () => stack.distributions.web!.domain;
  const hits = (path: string) => origin.requests.filter((r) => r.url.split("?")[0] === path).length;

  before(async () => {
    origin = await startOrigin((req, res) => {
      const path = req.url!.split("?")[0]!;
      if (path.startsWith("/range/")) {
        // A range-capable origin (S3-like): one range → 206.
        const m = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ""));
        if (m) {
          const [s, e] = [Number(m[1]), Number(m[2])];
          res.writeHead(206, { "content-type": "text/plain", "content-range": `bytes ${s}-${e}/${OBJECT.length}`, "cache-control": "max-age=60" });
          return res.end(OBJECT.slice(s, e + 1));
        }
        res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=60" });
        return res.end(OBJECT);
      }
      if (path.startsWith("/temp-redirect/")) {
        const cc = path.includes("with-cc") ? { "cache-control": "max-age=60" } : {};
        res.writeHead(path.includes("308") ? 308 : 307, { location: "/elsewhere", ...cc });
        return res.end();
      }
      if (path.startsWith("/etag/")) {
        // S3 answers 304 only to its own strong ETag.
        if (req.headers["if-none-match"] === '"v1"') {
          res.writeHead(304, { etag: '"v1"', "cache-control": "max-age=1" });
          return res.end();
        }
        res.writeHead(200, { "content-type": "text/html", "content-length": String(BIG.length), etag: '"v1"', "cache-control": "max-age=1" });
        return res.end(BIG);
      }
      if (path.startsWith("/legacy/")) {
        res.writeHead(200, { "content-type": "text/plain", "set-cookie": "session=abc; Path=/", "cache-control": "max-age=60" });
        return res.end("legacy");
      }
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=60" });
      res.end(`body of ${req.url}`);
    });
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const refusedPort = (probe.address() as AddressInfo).port;
    probe.close();
    const b = (PathPattern: string, extra: Record<string, unknown> = {}) => ({
      PathPattern,
      TargetOriginId: "origin",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_OPTIMIZED,
      AllowedMethods: ALL_METHODS,
      Compress: true,
      ...extra,
    });
    stack = await startEdgeparity({
      clock: "manual",
      config: {
        cachePolicies: {
          "q-only": {
            Name: "q-only",
            MinTTL: 0,
            DefaultTTL: 60,
            MaxTTL: 600,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              HeadersConfig: { HeaderBehavior: "none" },
              CookiesConfig: { CookieBehavior: "none" },
              QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Items: ["q"] } },
            },
          },
        },
        distributions: {
          web: {
            Origins: { Items: [customOrigin("origin", "origin.example.com"), customOrigin("down", "down.example.com")] },
            CacheBehaviors: {
              Items: [
                b("/q/*", { CachePolicyId: "q-only" }),
                b("/legacy/*", {
                  CachePolicyId: undefined,
                  ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
                }),
                b("/down/*", { TargetOriginId: "down" }),
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED, Compress: true },
          },
        },
        local: { origins: { "origin.example.com": origin.url, "down.example.com": `http://127.0.0.1:${refusedPort}` } },
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
    const id = v === "2" ? "h2" : "h1";

    it(`HTTP/${v}: a cacheable range is fetched once, cached as a 206 and then a Hit (cloudfront.md §11.1)`, async () => {
      const path = `/range/${id}.txt`;
      const headers = { range: "bytes=2-5", "accept-encoding": "identity" };
      const a = await send(stack, v, host(), path, { headers });
      assert.equal(a.status, 206);
      assert.equal(a.body.toString(), "2345");
      assert.equal(a.headers["x-cache"], "Miss from cloudfront");
      const b = await send(stack, v, host(), path, { headers });
      assert.equal(b.status, 206);
      assert.equal(b.body.toString(), "2345");
      assert.equal(b.headers["content-range"], `bytes 2-5/${OBJECT.length}`);
      assert.equal(b.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hits(path), 1);
    });

    it(`HTTP/${v}: ascending disjoint ranges of a cached object get 206 multipart/byteranges; overlapping ones the whole object (cloudfront.md §11.1)`, async () => {
      const path = `/range/multi-${id}.txt`;
      const ae = { "accept-encoding": "identity" };
      await send(stack, v, host(), path, { headers: ae });
      const r = await send(stack, v, host(), path, { headers: { ...ae, range: "bytes=0-1,10-12" } });
      assert.equal(r.status, 206);
      const type = String(r.headers["content-type"]);
      const boundary = /^multipart\/byteranges; boundary=(.+)$/.exec(type)?.[1];
      assert.ok(boundary, type);
      const text = r.body.toString();
      assert.equal(Number(r.headers["content-length"]), r.body.length);
      assert.match(text, new RegExp(`--${boundary}\\r\\nContent-Type: text/plain\\r\\nContent-Range: bytes 0-1/${OBJECT.length}\\r\\n\\r\\n01\\r\\n`));
      assert.match(
        text,
        new RegExp(`--${boundary}\\r\\nContent-Type: text/plain\\r\\nContent-Range: bytes 10-12/${OBJECT.length}\\r\\n\\r\\nabc\\r\\n--${boundary}--\\r\\n$`),
      );
      const overlapping = await send(stack, v, host(), path, { headers: { ...ae, range: "bytes=0-5,3-8" } });
      assert.equal(overlapping.status, 200);
      assert.equal(overlapping.body.toString(), OBJECT);
      assert.equal(hits(path), 1);
    });

    it(`HTTP/${v}: 307 and 308 without Cache-Control are not cached; with it they are (DG "HTTP 3xx status codes", cloudfront.md §4.6)`, async () => {
      for (const code of ["307", "308"]) {
        const path = `/temp-redirect/${code}-${id}`;
        await send(stack, v, host(), path);
        const again = await send(stack, v, host(), path);
        assert.equal(again.status, Number(code));
        assert.equal(again.headers["x-cache"], "Miss from cloudfront", `${code} is asked again`);
        assert.equal(hits(path), 2);
      }
      const cached = `/temp-redirect/307-with-cc-${id}`;
      await send(stack, v, host(), cached);
      assert.equal((await send(stack, v, host(), cached)).headers["x-cache"], "Hit from cloudfront");
    });

    it(`HTTP/${v}: an expired compressed object is revalidated with the origin's own ETag and becomes a RefreshHit (cloudfront.md §4.7, §8)`, async () => {
      const path = `/etag/${id}.html`;
      const gz = { "accept-encoding": "gzip" };
      const a = await send(stack, v, host(), path, { headers: gz });
      assert.equal(a.headers["content-encoding"], "gzip");
      assert.equal(a.headers["etag"], 'W/"v1"');
      assert.equal(gunzipSync(a.body).toString(), BIG);
      stack.clock.advance!(2000);
      const b = await send(stack, v, host(), path, { headers: gz });
      assert.equal(origin.requests.at(-1)!.headers["if-none-match"], '"v1"', "the origin's validator, not W/");
      assert.equal(b.headers["x-cache"], "RefreshHit from cloudfront");
      assert.equal(b.headers["etag"], 'W/"v1"');
      assert.equal(gunzipSync(b.body).toString(), BIG);
    });

    it(`HTTP/${v}: one query-string selection keys and forwards %71 as q, so ?%71=2 is not served ?%71=1's object (cloudfront.md §4.2)`, async () => {
      const path = `/q/${id}`;
      const a = await send(stack, v, host(), `${path}?%71=1&x=9`);
      assert.equal(a.body.toString(), `body of ${path}?%71=1`);
      const b = await send(stack, v, host(), `${path}?%71=2&x=9`);
      assert.equal(b.body.toString(), `body of ${path}?%71=2`);
      assert.equal(b.headers["x-cache"], "Miss from cloudfront");
      const c = await send(stack, v, host(), `${path}?%71=2&x=1`);
      assert.equal(c.headers["x-cache"], "Hit from cloudfront", "x is neither keyed nor forwarded");
    });

    it(`HTTP/${v}: legacy Cookies.Forward none removes Set-Cookie from responses and sends a normalised Accept-Encoding (cloudfront.md §4.9, §4.5)`, async () => {
      const path = `/legacy/${id}`;
      const a = await send(stack, v, host(), path, { headers: { cookie: "a=1", "accept-encoding": "gzip, deflate, br" } });
      assert.equal(a.body.toString(), "legacy");
      assert.equal(a.headers["set-cookie"], undefined);
      const seen = origin.requests.at(-1)!;
      assert.equal(seen.headers.cookie, undefined);
      assert.equal(seen.headers["accept-encoding"], "gzip");
      const hit = await send(stack, v, host(), path, { headers: { "accept-encoding": "gzip" } });
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.headers["set-cookie"], undefined);
    });

    it(`HTTP/${v}: a cached CloudFront error page still says Server: CloudFront (cloudfront.md §9.3, §4.6)`, async () => {
      const path = `/down/${id}`;
      const a = await send(stack, v, host(), path);
      assert.equal(a.status, 502);
      assert.equal(a.headers.server, "CloudFront");
      const b = await send(stack, v, host(), path);
      assert.equal(b.status, 502);
      assert.equal(b.headers.server, "CloudFront", "served from the error cache");
      assert.equal(b.headers["x-cache"], "Error from cloudfront");
    });
  }

  it("HTTP/1.0: the origin gets no Accept-Encoding at all, not identity (cloudfront.md §4.5)", async () => {
    const r = await rawRequest(stack.httpPort, `GET /plain/http10 HTTP/1.0\r\nHost: ${host()}\r\nAccept-Encoding: gzip, br\r\n\r\n`);
    assert.equal(r.status, 200);
    assert.equal(origin.requests.at(-1)!.headers["accept-encoding"], undefined);
  });
});
