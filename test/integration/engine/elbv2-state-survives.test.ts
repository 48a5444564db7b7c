import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { singleOriginStack } from "../../support/stacks.js";
import { albStack, forward, HTTP80, tg } from "../elbv2/alb-harness.js";
import { HTTP_VERSIONS, keepAlive, type KeptConnection } from "../elbv2/keep-alive-clients.js";

/**
 * A revision that changes only other services leaves ELBv2's state alone (issue 9: "What survives
 * a revision: … target processes and their health state, ALB stickiness"): a target marked
 * unhealthy stays unhealthy and out of rotation, a stickiness cookie keeps routing to its target.
 * Requests: HTTP/1.1 on the HTTP listener, HTTP/2 on the HTTPS listener, on real sockets.
 */
const HTTPS443 = (DefaultActions: unknown[]) => ({ Protocol: "HTTPS", Port: 443, DefaultActions, Rules: [] });

/** The ALB `alb` over `targets`, a distribution in front of `origin`, and the given buckets; `comment` varies the distribution alone. */
function stackWith(o: { targets: string[]; origin: string; comment: string; buckets: string[]; attributes?: { Key: string; Value: string }[] }): StackInput {
  const alb = albStack({
    targetGroups: [
      tg("app", {
        HealthCheckPath: "/health",
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 2,
        Attributes: o.attributes ?? [],
      }),
    ],
    targets: { app: o.targets },
    listeners: [HTTP80([forward("app")]), HTTPS443([forward("app")])],
  });
  const cf = singleOriginStack(o.origin, {}, { Comment: o.comment });
  return {
    ...alb,
    distributions: cf.distributions,
    buckets: Object.fromEntries(o.buckets.map((b) => [b, {}])),
    local: { ...alb.local, ...cf.local },
  } as unknown as StackInput;
}

/** A target answering its name; `/health` answers `health.status`. */
async function target(name: string, health = { status: 200 }) {
  const o = await startOrigin((req, res) => {
    res.writeHead(req.url === "/health" ? health.status : 200, { "content-type": "text/plain" });
    res.end(name);
  });
  return { o, checks: () => o.requests.filter((r) => r.url === "/health").length };
}

describe("engine: ELBv2 state survives revisions of other services (issue 9)", () => {
  let stack: EdgeparityStack | undefined;
  const origins: OriginServer[] = [];
  const conns: KeptConnection[] = [];
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
    await stack?.close();
    stack = undefined;
    await Promise.all(origins.splice(0).map((o) => o.close().catch(() => {})));
  });
  const listener = (s: EdgeparityStack, port: number) => s.loadBalancers["alb"]!.listeners.find((l) => l.port === port)!;
  const connections = (s: EdgeparityStack) =>
    HTTP_VERSIONS.map((v) => {
      const c = keepAlive(v, listener(s, v === "HTTP/2" ? 443 : 80).url, s.caPem);
      conns.push(c);
      return c;
    });

  it("revision: a target marked unhealthy stays unhealthy (and unrouted) after updates that change only a distribution, then only a bucket — manual clock (issue 9; alb.md §4.1, §4.3)", async () => {
    const a = await target("a");
    const b = await target("b", { status: 500 });
    const site = await startOrigin();
    origins.push(a.o, b.o, site);
    const base = { targets: [a.o.url, b.o.url], origin: site.url };
    stack = await startEdgeparity({ config: stackWith({ ...base, comment: "one", buckets: ["assets"] }), clock: "manual" });
    const group = () => stack!.targetGroups["app"]!;
    await group().settle();
    stack.clock.advance!(10_000);
    await group().settle();
    const marked = group().health();
    assert.deepEqual(
      marked.map((h) => [h.target.endsWith(`:${b.o.port}`), h.state]),
      [
        [false, "healthy"],
        [true, "unhealthy"],
      ],
    );
    assert.equal(marked[1]!.reason, "Target.ResponseCodeMismatch");
    const checks = b.checks();

    for (const next of [
      { comment: "two", buckets: ["assets"] },
      { comment: "two", buckets: ["assets", "logs"] },
    ]) {
      await stack.update(stackWith({ ...base, ...next }));
      assert.deepEqual(group().health(), marked);
      // Not checked again at once, as a new target group's targets would be.
      await group().settle();
      assert.equal(b.checks(), checks);
      for (const c of connections(stack))
        for (let i = 0; i < 4; i++) assert.equal((await c.send("/", { method: i % 2 ? "POST" : "GET", body: i % 2 ? "x" : undefined })).text, "a");
    }
    assert.equal(stack.revision, 3);
    assert.ok(stack.buckets["logs"]);
    assert.equal(group().metrics()["UnHealthyHostCount"], 1);
  });

  it("revision: an lb_cookie stickiness cookie routes to the same target after an unrelated update, and its counters go on (issue 9; alb.md §6, §12)", async () => {
    const targets = await Promise.all(["a", "b", "c"].map((n) => target(n)));
    const site = await startOrigin();
    origins.push(...targets.map((t) => t.o), site);
    const attributes = [
      { Key: "stickiness.enabled", Value: "true" },
      { Key: "stickiness.type", Value: "lb_cookie" },
    ];
    const v = (comment: string) => stackWith({ targets: targets.map((t) => t.o.url), origin: site.url, comment, buckets: [], attributes });
    stack = await startEdgeparity({ config: v("one") });
    const pinned: { cookie: string; name: string }[] = [];
    for (const c of connections(stack)) {
      const first = await c.send("/");
      const cookie = (first.headers["set-cookie"] as string[]).find((x) => x.startsWith("AWSALB="))!.split(";")[0]!;
      pinned.push({ cookie, name: first.text });
    }
    const requests = stack.targetGroups["app"]!.metrics()["RequestCount"];
    await stack.update(v("two"));
    assert.equal(stack.revision, 2);
    for (const [i, c] of connections(stack).entries()) {
      const p = pinned[i]!;
      for (let k = 0; k < 5; k++) assert.equal((await c.send("/", { method: "POST", headers: { cookie: p.cookie }, body: "hello" })).text, p.name);
    }
    assert.equal(stack.targetGroups["app"]!.metrics()["RequestCount"], requests! + 10);
    assert.equal(stack.targetGroups["app"]!.metrics()["NonStickyRequestCount"], undefined);
  });
});
