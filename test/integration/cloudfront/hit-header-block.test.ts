import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { rawRequest } from "../../support/raw-http.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * A hit's headers come from a block built once per cached object (issue 14): they must be what
 * finalize-headers.ts makes of the stored headers on every hit (cloudfront.md §7.1 Via replaced in
 * place, hop-by-hop and Connection-named fields removed, §4.8 Vary filtered, X-Cache, X-Amz-Cf-Pop),
 * with X-Amz-Cf-Id and Age per request. The same object also reaches the viewer with a response
 * headers policy (§6.1), which must not reuse the block. Bodies of 0 B and 1 KiB.
 */
describe("cloudfront: cache hits reuse their object's header block (issue 14, cloudfront.md §7.1, §4.8)", () => {
  let origin: Server;
  let stack: EdgeparityStack;
  let domain: string;
  let policyDomain: string;
  const sizes: Record<string, number> = { "/empty": 0, "/small": 1024 };
  before(async () => {
    origin = createServer((req, res) => {
      const n = sizes[`/${(req.url ?? "").split("/")[1]}`] ?? 0;
      res.writeHead(200, [
        "Content-Type",
        "application/octet-stream",
        "Via",
        "1.1 origin-proxy",
        "X-Drop",
        "named by Connection",
        "Connection",
        "x-drop",
        "Vary",
        "Accept-Encoding, X-Not-Forwarded",
        "Set-Cookie",
        "a=1",
        "Set-Cookie",
        "b=2",
        "Cache-Control",
        "max-age=60",
        "Content-Length",
        String(n),
      ]);
      res.end(Buffer.alloc(n, 97));
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    const port = (origin.address() as AddressInfo).port;
    const o = { Items: [{ Id: "o", DomainName: "origin.example.net", CustomOriginConfig: { OriginProtocolPolicy: "http-only" } }] };
    const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
    stack = await startEdgeparity({
      config: {
        distributions: {
          plain: { Origins: o, DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED } },
          // SecurityHeadersPolicy (managed): the policy's headers are added to every hit (§6.1).
          policy: {
            Origins: o,
            DefaultCacheBehavior: {
              TargetOriginId: "o",
              ViewerProtocolPolicy: "allow-all",
              CachePolicyId: CACHING_OPTIMIZED,
              ResponseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03",
            },
          },
        },
        local: { origins: { "origin.example.net": `http://127.0.0.1:${port}` } },
      },
    });
    domain = stack.distributions.plain!.domain;
    policyDomain = stack.distributions.policy!.domain;
  });
  after(async () => {
    await stack.close();
    origin.close();
  });

  /** Header lines of a raw HTTP/1.1 answer, in wire order. */
  const headLines = (raw: string) => raw.split("\r\n\r\n")[0]!.split("\r\n").slice(1);
  const get = async (host: string, path: string) => {
    const r = await rawRequest(stack.httpPort, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    // Names lower-cased (edgeparity writes them so, as HTTP/2 does), the value as sent.
    return headLines(r.raw)
      .map((l) => `${l.slice(0, l.indexOf(":")).toLowerCase()}${l.slice(l.indexOf(":"))}`)
      .filter((l) => !l.startsWith("date: "));
  };

  for (const [path, size] of Object.entries(sizes)) {
    it(`HTTP/1.1: hits of ${size} B carry the miss's headers in its order, with their own X-Amz-Cf-Id and Age`, async () => {
      const p = `${path}/h1`;
      const [miss, hit1, hit2] = [await get(domain, p), await get(domain, p), await get(domain, p)];
      const names = (ls: string[]) => ls.map((l) => l.slice(0, l.indexOf(":")));
      assert.deepEqual(names(hit1), [
        "content-type",
        "via",
        "vary",
        "set-cookie",
        "set-cookie",
        "cache-control",
        "content-length",
        "x-cache",
        "x-amz-cf-pop",
        "x-amz-cf-id",
        "age",
        "connection",
      ]);
      assert.deepEqual(names(hit2), names(hit1));
      const without = (ls: string[], drop: RegExp) => ls.filter((l) => !drop.test(l));
      const varying = /^(x-amz-cf-id|age|x-cache): /;
      assert.deepEqual(without(hit1, varying), without(hit2, varying));
      assert.deepEqual(without(hit1, varying), without(miss, varying));
      assert.ok(hit1.includes("x-cache: Hit from cloudfront") && miss.includes("x-cache: Miss from cloudfront"));
      assert.ok(hit1.includes("vary: Accept-Encoding"), `§4.8: a header CloudFront does not forward leaves Vary: ${hit1.join(" | ")}`);
      assert.ok(hit1.some((l) => /^via: 1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/.test(l)));
      assert.ok(hit1.includes(`content-length: ${size}`));
      assert.ok(hit1.some((l) => /^age: \d+$/.test(l)));
      const id = (ls: string[]) => ls.find((l) => l.startsWith("x-amz-cf-id: "));
      assert.notEqual(id(hit1), id(hit2));
      assert.notEqual(id(hit1), id(miss));
    });
  }

  /** Responses read off one kept-alive connection, requests written one after the other. */
  const keptAlive = async (host: string, requests: { method: string; path: string }[]) => {
    const s = connect(stack.httpPort, "127.0.0.1");
    const heads: string[][] = [];
    const bodies: number[] = [];
    let raw = "";
    const next = () => {
      const q = requests[heads.length];
      if (q) s.write(`${q.method} ${q.path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    };
    next();
    for await (const chunk of s) {
      raw += (chunk as Buffer).toString("latin1");
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const lines = headLines(raw.slice(0, end + 4)).map((l) => `${l.slice(0, l.indexOf(":")).toLowerCase()}${l.slice(l.indexOf(":"))}`);
      const length = requests[heads.length]!.method === "HEAD" ? 0 : Number(lines.find((l) => l.startsWith("content-length: "))?.slice(16) ?? 0);
      if (raw.length < end + 4 + length) continue;
      heads.push(lines.filter((l) => !l.startsWith("date: ")));
      bodies.push(raw.length - end - 4);
      raw = "";
      if (heads.length === requests.length) break;
      next();
    }
    s.destroy();
    return { heads, bodies };
  };

  for (const [path, size] of Object.entries(sizes)) {
    it(`HTTP/1.1 kept alive: GET and HEAD hits of ${size} B (head compiled once) carry the same lines as a hit answered with Connection: close (§7.1)`, async () => {
      const p = `${path}/kept-alive`;
      const { heads, bodies } = await keptAlive(domain, [
        { method: "GET", path: p },
        { method: "GET", path: p },
        { method: "HEAD", path: p },
        { method: "GET", path: p },
      ]);
      const closed = await get(domain, p);
      const varying = /^(x-amz-cf-id|age|connection|keep-alive): /;
      const without = (ls: string[]) => ls.filter((l) => !varying.test(l));
      assert.ok(heads[0]!.includes("x-cache: Miss from cloudfront"));
      for (const hit of heads.slice(1)) {
        assert.deepEqual(without(hit), without(closed));
        assert.deepEqual(
          hit.map((l) => l.slice(0, l.indexOf(":"))),
          [...closed.map((l) => l.slice(0, l.indexOf(":"))).filter((n) => n !== "connection"), "connection", "keep-alive"],
        );
        assert.ok(hit.includes("connection: keep-alive"));
        assert.match(
          hit.find((l) => l.startsWith("keep-alive: "))!,
          /^keep-alive: timeout=\d+$/,
        );
      }
      assert.deepEqual(bodies, [size, size, 0, size]);
      const ids = heads.map((h) => h.find((l) => l.startsWith("x-amz-cf-id: ")));
      assert.equal(new Set(ids).size, ids.length);
    });
  }

  for (const version of VIEWER_VERSIONS) {
    for (const [path, size] of Object.entries(sizes)) {
      it(`HTTP/${version}: concurrent hits of ${size} B share the miss's headers, each with its own X-Amz-Cf-Id and Age (§7.1)`, async () => {
        // The block's two per-response slots are set and handed to writeHead per response; hits in
        // flight together must not see each other's values.
        const p = `${path}/concurrent-${version}`;
        const miss = await send(stack, version, domain, p);
        const hits = await Promise.all(Array.from({ length: 8 }, () => send(stack, version, domain, p)));
        const varying = new Set(["x-amz-cf-id", "age", "x-cache", "date"]);
        const rest = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !varying.has(k) && !k.startsWith(":")));
        assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
        for (const h of hits) {
          assert.equal(h.status, 200);
          assert.equal(h.body.length, size);
          assert.equal(h.headers["x-cache"], "Hit from cloudfront");
          assert.match(String(h.headers["age"]), /^\d+$/);
          assert.deepEqual(rest(h.headers), rest(miss.headers));
        }
        const ids = [miss, ...hits].map((h) => h.headers["x-amz-cf-id"]);
        assert.equal(new Set(ids).size, ids.length, `distinct ids: ${ids.join(" ")}`);
      });

      it(`HTTP/${version}: a hit of ${size} B under a response headers policy has the policy's headers; without one it has none (§6.1)`, async () => {
        const p = `${path}/policy-${version}`;
        for (let i = 0; i < 2; i++) await send(stack, version, policyDomain, p);
        await send(stack, version, domain, p);
        const withPolicy = await send(stack, version, policyDomain, p);
        const plain = await send(stack, version, domain, p);
        for (const r of [withPolicy, plain]) {
          assert.equal(r.status, 200);
          assert.equal(r.body.length, size);
          assert.equal(r.headers["x-cache"], "Hit from cloudfront");
          assert.match(String(r.headers["age"]), /^\d+$/);
          assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"]);
          assert.equal(r.headers["x-drop"], undefined);
        }
        assert.equal(withPolicy.headers["x-frame-options"], "SAMEORIGIN");
        assert.equal(plain.headers["x-frame-options"], undefined);
        assert.notEqual(withPolicy.headers["x-amz-cf-id"], plain.headers["x-amz-cf-id"]);
      });
    }
  }
});
