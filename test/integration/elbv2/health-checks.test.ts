import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { OriginServer } from "../../support/origin-server.js";
import { startOrigin } from "../../support/origin-server.js";
import { forward, HTTP80, startAlb, tg, type AlbHarness } from "./alb-harness.js";

/** Targets that answer with their name and count health checks separately. */
async function target(name: string, health: { status: number } = { status: 200 }) {
  const o = await startOrigin((req, res) => {
    if (req.url === "/health") {
      res.writeHead(health.status);
      return res.end();
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(name);
  });
  return { o, health, checks: () => o.requests.filter((r) => r.url === "/health") };
}

const HC = { HealthCheckPath: "/health", HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 3, UnhealthyThresholdCount: 2 };

describe("target groups: health checks on the manual clock (alb.md §4.1–4.4)", () => {
  let alb: AlbHarness | undefined;
  const origins: OriginServer[] = [];
  afterEach(async () => {
    await alb?.close();
    await Promise.all(origins.splice(0).map((o) => o.close().catch(() => {})));
  });
  const start = async (targets: string[], attrs: { Key: string; Value: string }[] = [], extra: Record<string, unknown> = {}) => {
    alb = await startAlb({
      clock: "manual",
      targetGroups: [tg("app", { ...HC, Attributes: attrs, ...extra })],
      targets: { app: targets },
      listeners: [HTTP80([forward("app")])],
    });
    return alb;
  };
  /** Moves the clock in steps no longer than the probe timeout, letting each real probe finish in between. */
  const advance = async (ms: number) => {
    for (let left = ms; ;) {
      const step = Math.min(left, 5_000);
      alb!.stack.clock.advance!(step);
      await alb!.stack.targetGroups["app"]!.settle();
      left -= step;
      if (left <= 0) break;
    }
  };
  const states = () => alb!.stack.targetGroups["app"]!.health().map((h) => h.state);

  it("health: probe is GET path with ELB-HealthChecker/2.0 and Host ip:port; initial → healthy after one pass (alb.md §4.1)", async () => {
    const a = await target("a");
    origins.push(a.o);
    await start([a.o.url]);
    await alb!.stack.targetGroups["app"]!.settle();
    const probe = a.checks()[0]!;
    assert.equal(probe.method, "GET");
    assert.equal(probe.headers["user-agent"], "ELB-HealthChecker/2.0");
    assert.equal(probe.headers["host"], `127.0.0.1:${a.o.port}`);
    assert.equal(probe.headers["connection"], "close");
    assert.deepEqual(states(), ["healthy"]);
    assert.equal(alb!.stack.targetGroups["app"]!.metrics()["HealthyHostCount"], 1);
    // The schedule is the configured interval on the injected clock.
    await advance(9_999);
    assert.equal(a.checks().length, 1);
    await advance(1);
    assert.equal(a.checks().length, 2);
  });

  it("health: a killed target stops getting traffic within interval × UnhealthyThresholdCount (alb.md §4.1, §4.3)", async () => {
    const a = await target("a");
    const b = await target("b");
    origins.push(a.o, b.o);
    await start([a.o.url, b.o.url]);
    await alb!.stack.targetGroups["app"]!.settle();
    const names = async (n: number) => {
      const out: (string | number)[] = [];
      for (let i = 0; i < n; i++) {
        const r = await alb!.send("/");
        out.push(r.status === 200 ? r.text : r.status);
      }
      return out;
    };
    assert.deepEqual((await names(4)).sort(), ["a", "a", "b", "b"]);
    await b.o.close();
    // Before the threshold: still round robin over both, so the dead one costs a 502 with ALB's page.
    assert.ok((await names(4)).includes(502));
    await advance(10_000);
    assert.deepEqual(states(), ["healthy", "healthy"]);
    await advance(10_000);
    assert.deepEqual(states(), ["healthy", "unhealthy"]);
    const h = alb!.stack.targetGroups["app"]!.health()[1]!;
    assert.equal(h.reason, "Target.FailedHealthChecks");
    assert.deepEqual(await names(6), ["a", "a", "a", "a", "a", "a"]);
    const m = alb!.stack.targetGroups["app"]!.metrics();
    assert.equal(m["HealthyHostCount"], 1);
    assert.equal(m["UnHealthyHostCount"], 1);
    assert.ok((m["HTTPCode_ELB_502_Count"] ?? 0) >= 1);
  });

  it("health: ResponseCodeMismatch, unhealthy → healthy after HealthyThresholdCount passes; all unhealthy fails open (alb.md §4.2, §4.3)", async () => {
    const a = await target("a", { status: 500 });
    origins.push(a.o);
    await start([a.o.url]);
    await advance(10_000);
    assert.deepEqual(states(), ["unhealthy"]);
    assert.equal(alb!.stack.targetGroups["app"]!.health()[0]!.description, "Health checks failed with these codes: [500]");
    // Fail open: the only target is unhealthy, yet it is routed to.
    assert.equal((await alb!.send("/")).text, "a");
    a.health.status = 200;
    await advance(10_000);
    await advance(10_000);
    assert.deepEqual(states(), ["unhealthy"]);
    await advance(10_000);
    assert.deepEqual(states(), ["healthy"]);
  });

  it("health: Matcher.HttpCode ranges; a hung probe is Target.Timeout after HealthCheckTimeoutSeconds (alb.md §4.1)", async () => {
    const hang = await startOrigin((req, res) => {
      if (req.url !== "/health") res.end("x");
    });
    origins.push(hang);
    const a = await target("a", { status: 302 });
    origins.push(a.o);
    await start([a.o.url, hang.url], [], { Matcher: { HttpCode: "200-399" } });
    while (states()[0] !== "healthy") await new Promise((r) => setTimeout(r, 2));
    // The hung probe times out at 5 s and again at 15 s (the next one starts at 10 s): two failures.
    const raw = async (ms: number) => {
      alb!.stack.clock.advance!(ms);
      await alb!.stack.targetGroups["app"]!.settle();
    };
    await raw(5_000);
    assert.equal(states()[1], "initial");
    // One advance across 10 s and 15 s: the probe starts and times out on the same call.
    await raw(10_000);
    const h = alb!.stack.targetGroups["app"]!.health()[1]!;
    assert.equal(h.state, "unhealthy");
    assert.equal(h.reason, "Target.Timeout");
  });

  it("health: no registered targets → 503 Service Temporarily Unavailable, 162 bytes (alb.md §4.3, §8.2)", async () => {
    await start([]);
    const r = await alb!.send("/");
    assert.equal(r.status, 503);
    assert.equal(r.body.length, 162);
    assert.equal(r.headers["server"], "awselb/2.0");
    assert.equal(alb!.stack.targetGroups["app"]!.metrics()["HTTPCode_ELB_503_Count"], 1);
  });

  it("health: deregistration drains — no new requests, in-flight ones finish, removed after the delay (alb.md §4.4)", async () => {
    let release: () => void = () => {};
    const slow = await startOrigin((req, res) => {
      if (req.url === "/health") return res.end();
      release = () => res.end("slow");
    });
    const a = await target("a");
    origins.push(slow, a.o);
    await start([slow.url, a.o.url], [{ Key: "deregistration_delay.timeout_seconds", Value: "30" }]);
    await alb!.stack.targetGroups["app"]!.settle();
    const inflight = alb!.send("/");
    while (slow.requests.filter((r) => r.url === "/").length === 0) await new Promise((r) => setImmediate(r));
    assert.ok(alb!.stack.targetGroups["app"]!.deregister(slow.url));
    assert.deepEqual(states(), ["draining", "healthy"]);
    for (let i = 0; i < 3; i++) assert.equal((await alb!.send("/")).text, "a");
    release();
    assert.equal((await inflight).text, "slow");
    await advance(29_999);
    assert.deepEqual(states(), ["draining", "healthy"]);
    await advance(1);
    assert.deepEqual(states(), ["healthy"]);
  });

  it("health: a request still in flight when the deregistration delay ends fails with 502 (alb.md §4.3)", async () => {
    const stuck = await startOrigin((req, res) => {
      if (req.url === "/health") res.end();
    });
    origins.push(stuck);
    await start([stuck.url], [{ Key: "deregistration_delay.timeout_seconds", Value: "5" }]);
    await alb!.stack.targetGroups["app"]!.settle();
    const inflight = alb!.send("/");
    while (stuck.requests.filter((r) => r.url === "/").length === 0) await new Promise((r) => setImmediate(r));
    alb!.stack.targetGroups["app"]!.deregister(stuck.url);
    await advance(5_000);
    assert.equal((await inflight).status, 502);
  });

  it("health: slow start ramps a recovered target's share linearly (alb.md §4.4)", async () => {
    const a = await target("a");
    const b = await target("b", { status: 500 });
    origins.push(a.o, b.o);
    await start([a.o.url, b.o.url], [{ Key: "slow_start.duration_seconds", Value: "100" }]);
    await advance(10_000);
    assert.deepEqual(states(), ["healthy", "unhealthy"]);
    b.health.status = 200;
    await advance(10_000);
    await advance(10_000);
    await advance(10_000);
    assert.deepEqual(states(), ["healthy", "healthy"]);
    const share = async () => {
      let nb = 0;
      for (let i = 0; i < 30; i++) if ((await alb!.send("/")).text === "b") nb++;
      return nb;
    };
    // 50 s into a 100 s slow start: weight 0.5 against 1 → one request in three.
    await advance(50_000);
    assert.equal(await share(), 10);
    // After the period: an even split.
    await advance(60_000);
    assert.equal(await share(), 15);
  });
});
