import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, beforeEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_OPTIMIZED, singleOriginStack } from "../../support/stacks.js";

const CLI = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe("cache: stale-while-revalidate, stale-if-error, OPTIONS, CLI invalidate (cloudfront.md §3.2, §4.7, §12)", () => {
  let origin: OriginServer;
  let stack: EdgeparityStack;
  const routes = new Map<string, Handler>();
  const hits = (path: string) => origin.requests.filter((r) => r.url === path).length;
  const get = (path: string, init?: RequestInit) => stack.fetch(new URL(path, stack.distributions.test!.httpUrl), init as never);
  const advance = (s: number) => stack.clock.advance!(s * 1000);

  before(async () => {
    origin = await startOrigin((req, res) => {
      const h = routes.get(req.url!);
      if (h) return h(req, res);
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=100" });
      res.end(`${req.method} ${req.url}`);
    });
    stack = await startEdgeparity({
      config: singleOriginStack(origin.url, {
        CachePolicyId: CACHING_OPTIMIZED,
        AllowedMethods: { ...ALL_METHODS, CachedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"] } },
      }),
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

  it("stale-while-revalidate: a stale object is served at once and refreshed in the background (cloudfront.md §4.7)", async () => {
    let version = 1;
    routes.set("/swr", (_q, s) => {
      s.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=10, stale-while-revalidate=60" });
      s.end(`v${version}`);
    });
    assert.equal(await (await get("/swr")).text(), "v1");
    version = 2;
    advance(20);
    const stale = await get("/swr");
    assert.equal(await stale.text(), "v1");
    assert.equal(stale.headers.get("x-cache"), "Hit from cloudfront");
    for (let i = 0; i < 50 && hits("/swr") < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(hits("/swr"), 2);
    const fresh = await get("/swr");
    assert.equal(await fresh.text(), "v2");
    assert.equal(fresh.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(hits("/swr"), 2);
  });

  it("stale-if-error: past its window the origin's 5xx reaches the viewer (cloudfront.md §4.7)", async () => {
    let fail = false;
    routes.set("/sie", (_q, s) => {
      if (fail) {
        s.writeHead(502, { "content-type": "text/plain" });
        return s.end("bad");
      }
      s.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=10, stale-if-error=30" });
      s.end("ok");
    });
    await (await get("/sie")).text();
    fail = true;
    advance(20);
    const within = await get("/sie");
    assert.equal(await within.text(), "ok");
    advance(30);
    const past = await get("/sie");
    assert.equal(past.status, 502);
    await past.text();
  });

  it("OPTIONS is cached apart from GET when CachedMethods includes it (cloudfront.md §3.2)", async () => {
    await (await get("/opt")).text();
    const a = await get("/opt", { method: "OPTIONS" });
    assert.equal(await a.text(), "OPTIONS /opt");
    assert.equal(a.headers.get("x-cache"), "Miss from cloudfront");
    const b = await get("/opt", { method: "OPTIONS" });
    assert.equal(b.headers.get("x-cache"), "Hit from cloudfront");
    assert.equal(await b.text(), "OPTIONS /opt");
    assert.equal(hits("/opt"), 2);
  });

  it("POST is never cached (cloudfront.md §3.2)", async () => {
    await (await get("/post", { method: "POST", body: "x" })).text();
    const r = await get("/post", { method: "POST", body: "x" });
    assert.equal(r.headers.get("x-cache"), "Miss from cloudfront");
    await r.text();
    assert.equal(hits("/post"), 2);
  });

  it("cli: edgeparity invalidate <distribution> <paths…> reaches the running stack (cloudfront.md §12)", async () => {
    await (await get("/cli/a.txt")).text();
    assert.equal((await get("/cli/a.txt")).headers.get("x-cache"), "Hit from cloudfront");
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--import",
      "tsx",
      CLI,
      "invalidate",
      "test",
      "/cli/*",
      "--http-port",
      String(stack.httpPort),
    ]);
    assert.match(stdout, /^invalidation I[A-Z0-9]{13} InProgress: \/cli\/\* \(1 cached objects removed\)/);
    assert.equal((await get("/cli/a.txt")).headers.get("x-cache"), "Miss from cloudfront");
  });

  it("cli: an unknown distribution is an operator error naming it", async () => {
    await assert.rejects(
      promisify(execFile)(process.execPath, ["--import", "tsx", CLI, "invalidate", "nope", "/x", "--http-port", String(stack.httpPort)]),
      (e: { stderr: string; code: number }) => /nope/.test(e.stderr) && e.code === 1,
    );
  });
});
