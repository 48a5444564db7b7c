import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { forward, HTTP80, namedTargets, startAlb, tg, type AlbHarness } from "./alb-harness.js";

const attrs = (o: Record<string, string>) => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));

describe("stickiness and algorithms (alb.md §5, §6)", () => {
  let alb: AlbHarness | undefined;
  const origins: OriginServer[] = [];
  afterEach(async () => {
    await alb?.close();
    await Promise.all(origins.splice(0).map((o) => o.close()));
  });
  const start = async (a: Record<string, string>, targets: OriginServer[], access = false) => {
    origins.push(...targets);
    alb = await startAlb({
      attributes: access ? attrs({ "access_logs.s3.enabled": "true" }) : [],
      targetGroups: [tg("app", { Attributes: attrs(a) })],
      targets: { app: targets.map((t) => t.url) },
      listeners: [HTTP80([forward("app")])],
    });
    return alb;
  };

  it("stickiness: lb_cookie sets AWSALB and AWSALBCORS (Expires now+7d, Path=/, CORS twin SameSite=None; Secure) and pins the target (alb.md §6)", async () => {
    const a = await start({ "stickiness.enabled": "true", "stickiness.type": "lb_cookie" }, await namedTargets("a", "b", "c"));
    const first = await a.send("/");
    const cookies = first.headers["set-cookie"] as string[];
    assert.equal(cookies.length, 2);
    assert.match(cookies[0]!, /^AWSALB=[A-Za-z0-9+/=]+; Expires=\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT; Path=\/$/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookies[0]!)![1]!);
    assert.ok(Math.abs(expires - Date.now() - 7 * 24 * 3600 * 1000) < 5000);
    assert.match(cookies[1]!, /^AWSALBCORS=[^;]+; Expires=[^;]+; Path=\/; SameSite=None; Secure$/);
    // Re-issued on every response, and re-encrypted each time: the value rotates while the
    // client stays on its target (alb.md §6; issue 8 §7). Each new value keeps working.
    let value = cookies[0]!.split(";")[0]!;
    const seen = new Set([value]);
    for (let i = 0; i < 6; i++) {
      const r = await a.send("/", { headers: { cookie: value } });
      assert.equal(r.text, first.text);
      const again = (r.headers["set-cookie"] as string[]).find((c) => c.startsWith("AWSALB="))!;
      value = again.split(";")[0]!;
      assert.ok(!seen.has(value), "the AWSALB value rotates per response");
      seen.add(value);
    }
    // A cookie that is not ours is non-sticky and counted.
    await a.send("/", { headers: { cookie: "AWSALB=garbage" } });
    assert.equal(a.stack.targetGroups["app"]!.metrics()["NonStickyRequestCount"], 1);
  });

  it("stickiness: app_cookie — after the target sets the cookie, AWSALBAPP-0 pins the session; shards 1-3 are _remove_ (alb.md §6)", async () => {
    const targets = await Promise.all(
      ["a", "b"].map((n) =>
        startOrigin((req, res) => {
          res.writeHead(200, { "set-cookie": "SESSION=xyz; HttpOnly" });
          res.end(n);
        }),
      ),
    );
    const a = await start({ "stickiness.enabled": "true", "stickiness.type": "app_cookie", "stickiness.app_cookie.cookie_name": "SESSION" }, targets);
    const first = await a.send("/");
    const cookies = first.headers["set-cookie"] as string[];
    assert.ok(cookies.includes("SESSION=xyz; HttpOnly"));
    const app0 = cookies.find((c) => c.startsWith("AWSALBAPP-0="))!;
    assert.ok(app0);
    assert.ok(cookies.some((c) => c.startsWith("AWSALBAPP-1=_remove_;")));
    const jar = `SESSION=xyz; ${app0.split(";")[0]}`;
    for (let i = 0; i < 5; i++) assert.equal((await a.send("/", { headers: { cookie: jar } })).text, first.text);
    // Without the application cookie the ALB cookie alone does not stick.
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await a.send("/", { headers: { cookie: app0.split(";")[0]! } })).text);
    assert.equal(seen.size, 2);
  });

  it("algorithms: round_robin cycles evenly (alb.md §5)", async () => {
    const a = await start({}, await namedTargets("a", "b", "c"));
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push((await a.send("/")).text);
    assert.deepEqual(got.slice(0, 3).sort(), ["a", "b", "c"]);
    assert.deepEqual(got.slice(3), got.slice(0, 3));
  });

  it("algorithms: least_outstanding_requests avoids the busy target (alb.md §5)", async () => {
    const held: (() => void)[] = [];
    const slow = await startOrigin((req, res) => {
      if (req.headers["user-agent"] === "ELB-HealthChecker/2.0") return res.end();
      held.push(() => res.end("slow"));
    });
    const [fast] = await namedTargets("fast");
    const a = await start({ "load_balancing.algorithm.type": "least_outstanding_requests" }, [slow, fast!]);
    await a.stack.targetGroups["app"]!.settle();
    // Occupy one target, then every new request goes to the idle one.
    const pending: Promise<unknown>[] = [];
    pending.push(a.send("/"), a.send("/"));
    while (held.length === 0) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) assert.equal((await a.send("/")).text, "fast");
    for (const h of held) h();
    await Promise.all(pending);
  });

  it("algorithms: weighted_random spreads requests over every target (alb.md §5)", async () => {
    const a = await start({ "load_balancing.algorithm.type": "weighted_random" }, await namedTargets("a", "b"));
    const count = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const t = (await a.send("/")).text;
      count.set(t, (count.get(t) ?? 0) + 1);
    }
    assert.equal(count.size, 2);
    assert.ok(count.get("a")! >= 5 && count.get("b")! >= 5);
  });

  it("observe: CloudWatch counters per target group and ALB-format access-log lines (alb.md §11, §12)", async () => {
    const [t] = await namedTargets("a");
    const a = await start({}, [t!], true);
    await a.send("/x?y=1", { headers: { "user-agent": "curl/8.0" } });
    const m = a.stack.targetGroups["app"]!.metrics();
    assert.equal(m["RequestCount"], 1);
    assert.equal(m["HTTPCode_Target_2XX_Count"], 1);
    assert.ok(m["TargetResponseTime"]! >= 0 && m["TargetResponseTime"]! < 1);
    assert.equal(a.stack.loadBalancers["alb"]!.metrics()["RequestCount"], 1);
    while (a.stack.loadBalancers["alb"]!.accessLog.length === 0) await new Promise((r) => setImmediate(r));
    const line = a.stack.loadBalancers["alb"]!.accessLog[0]!;
    const fields = line.match(/"[^"]*"|\S+/g)!;
    assert.equal(fields.length, 29);
    assert.equal(fields[0], "http");
    assert.match(fields[1]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.match(fields[2]!, /^app\/alb\/[0-9a-f]{16}$/);
    assert.equal(fields[4], `127.0.0.1:${t!.port}`);
    assert.equal(fields[8], "200");
    assert.equal(fields[9], "200");
    assert.match(fields[12]!, /^"GET http:\/\/alb-\d+\.us-east-1\.elb\.localhost:80\/x\?y=1 HTTP\/1\.1"$/);
    assert.equal(fields[13], '"curl/8.0"');
    assert.match(fields[16]!, /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/app\/[0-9a-f]{16}$/);
    assert.match(fields[17]!, /^"Root=1-[0-9a-f]{8}-[0-9a-f]{24}"$/);
    assert.equal(fields[20], "0");
    assert.equal(fields[22], '"forward"');
  });
});
