import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EdgeparityError, startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";

/**
 * Issue 9 "Proof": a running stack takes new revisions. In-flight requests finish on the revision
 * they started on; the next request sees the new one; a broken update changes nothing.
 * (design.md §One model: "A config change compiles a new plan and swaps it atomically".)
 */
describe("engine: revisions swap atomically (design.md §One model, issue 9)", () => {
  let stack: EdgeparityStack;
  let slow: OriginServer;
  let fast: OriginServer;

  const behavior = (origin: string) => ({
    TargetOriginId: origin,
    ViewerProtocolPolicy: "allow-all",
    CachePolicyId: CACHING_DISABLED,
    AllowedMethods: ALL_METHODS,
  });
  type CorsRules = NonNullable<NonNullable<StackInput["buckets"]>[string]["CORSConfiguration"]>["CORSRules"];
  // `stack.update()` takes StackInput: the same shapes the stack file holds, typed for editors.
  const base = (extra: { behaviors?: unknown[]; aliases?: string[]; cors?: CorsRules; more?: Record<string, unknown> } = {}) =>
    ({
      distributions: {
        app: {
          Origins: { Items: [customOrigin("slow", "slow.example.com"), customOrigin("fast", "fast.example.com")] },
          DefaultCacheBehavior: behavior("slow"),
          ...(extra.behaviors ? { CacheBehaviors: { Items: extra.behaviors } } : {}),
          ...(extra.aliases ? { Aliases: { Items: extra.aliases } } : {}),
        },
        ...extra.more,
      },
      buckets: { "rev-bucket": extra.cors ? { CORSConfiguration: { CORSRules: extra.cors } } : {} },
      local: { origins: { "slow.example.com": slow.url, "fast.example.com": fast.url } },
    }) as StackInput & { distributions: { app: { Origins: { Items: unknown[] } } & Record<string, unknown> } };

  before(async () => {
    slow = await startOrigin((req, res, body) => {
      // The delay is in the path: with CachingDisabled and no origin request policy no query reaches the origin (cloudfront.md §4.4).
      const ms = Number(/\/slow-(\d+)/.exec(req.url!)?.[1] ?? 0);
      setTimeout(() => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`slow ${req.url} bytes=${body.length}`);
      }, ms);
    });
    fast = await startOrigin((req, res, body) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`fast ${req.url} bytes=${body.length}`);
    });
    stack = await startEdgeparity({ config: base() });
  });
  after(async () => {
    await stack?.close();
    await slow?.close();
    await fast?.close();
  });

  for (const v of HTTP_VERSIONS) {
    it(`in-flight ${v}: a slow request finishes on the old revision while an update adds a behaviour; the next request takes it`, async () => {
      const url = `${stack.distributions.app!.url}api/slow-700`;
      const before = stack.revision;
      const inFlight = curl(url, v, { caPath: stack.caPath, args: ["--data-binary", "x".repeat(1024)] });
      await new Promise((r) => setTimeout(r, 200));
      await stack.update(base({ behaviors: [{ PathPattern: "/api/*", ...behavior("fast") }] }));
      try {
        assert.equal(stack.revision, before + 1);
        const old = await inFlight;
        assert.equal(old.status, 200);
        assert.equal(old.body, "slow /api/slow-700 bytes=1024", "the in-flight request stays on the behaviour it matched");
        const next = await curl(`${stack.distributions.app!.url}api/x`, v, { caPath: stack.caPath });
        assert.equal(next.body, "fast /api/x bytes=0", "the next request sees the new behaviour");
      } finally {
        await stack.update(base());
      }
    });
  }

  it("a broken update (unknown field) throws with its field path; the old revision keeps serving unchanged", async () => {
    const before = stack.revision;
    const broken = base();
    (broken.distributions.app as Record<string, unknown>).Bogus = 1;
    await assert.rejects(
      stack.update(broken),
      (e: unknown) => e instanceof EdgeparityError && e.code === "STACK_INVALID" && /distributions\.app/.test(e.message),
    );
    assert.equal(stack.revision, before);
    const r = await curl(`${stack.distributions.app!.url}still`, "--http2", { caPath: stack.caPath });
    assert.equal(r.body, "slow /still bytes=0");
  });

  it("a broken update (an origin bound to nothing) throws BINDING_MISSING naming the binding to add; nothing changes", async () => {
    const before = stack.revision;
    const unbound = base();
    unbound.distributions.app.Origins.Items.push(customOrigin("nowhere", "nowhere.example.com"));
    await assert.rejects(
      stack.update(unbound),
      (e: unknown) => e instanceof EdgeparityError && e.code === "BINDING_MISSING" && /nowhere\.example\.com: http:\/\/127\.0\.0\.1:PORT/.test(e.message),
    );
    assert.equal(stack.revision, before);
    assert.equal((await curl(`${stack.distributions.app!.url}ok`, "--http1.1", { caPath: stack.caPath })).status, 200);
  });

  for (const v of HTTP_VERSIONS) {
    it(`a distribution added at runtime is served, with a certificate issued on demand for its domain ${v} (issue 9 §TLS)`, async () => {
      await stack.update(
        base({ more: { second: { Origins: { Items: [customOrigin("fast", "fast.example.com")] }, DefaultCacheBehavior: behavior("fast") } } }),
      );
      const d = stack.distributions.second!;
      const r = await curl(`${d.url}hello`, v, { caPath: stack.caPath });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, "fast /hello bytes=0");
      await stack.update(base());
      assert.equal(stack.distributions.second, undefined);
    });

    it(`an alias added at runtime is routed and gets a certificate that verifies against the CA ${v}`, async () => {
      await stack.update(base({ aliases: ["www.rev-alias.test"] }));
      const r = await curl(`https://www.rev-alias.test:${stack.httpsPort}/via-alias`, v, { caPath: stack.caPath });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, "slow /via-alias bytes=0");
      await stack.update(base());
    });
  }

  it("a bucket's CORS configuration changed at runtime changes the preflight verdict (s3.md §6.2)", async () => {
    const preflight = () =>
      curl(`https://rev-bucket.s3.localhost:${stack.httpsPort}/a.txt`, "--http2", {
        caPath: stack.caPath,
        args: ["-X", "OPTIONS", "-H", "Origin: https://app.example.com", "-H", "Access-Control-Request-Method: GET"],
      });
    assert.equal((await preflight()).status, 403, "no CORS configuration yet");
    await stack.update(base({ cors: [{ AllowedMethods: ["GET"], AllowedOrigins: ["https://app.example.com"] }] }));
    const r = await preflight();
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
  });
});
