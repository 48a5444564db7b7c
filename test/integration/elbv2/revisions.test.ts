import assert from "node:assert/strict";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect as tlsConnect } from "node:tls";
import { afterEach, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { albStack, fixed, forward, HTTP80, namedTargets, tg } from "./alb-harness.js";
import { HTTP_VERSIONS, keepAlive, type HttpVersion, type KeptConnection } from "./keep-alive-clients.js";

/**
 * ELBv2 across revisions (issue 9: "What survives a revision: listening ports … target processes
 * and their health state, ALB stickiness. A failed update changes nothing"), in-process through
 * `stack.update`, on real sockets: HTTP/1.1 on the HTTP listener, HTTP/2 on the HTTPS listener.
 */

/** A target that answers `<name>:<body bytes>` only once `release()` is called (health checks on `/` at once). */
async function gatedTarget(name: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const arrival = new Promise<void>((r) => (arrived = r));
  const o = await startOrigin((req, res, body) => {
    if (req.url === "/") return void res.end("ok");
    arrived();
    void gate.then(() => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`${name}:${body.length}`);
    });
  });
  return { o, release, arrival };
}

const path = (v: string) => [{ Field: "path-pattern", PathPatternConfig: { Values: [v] } }];
const HTTPS443 = (DefaultActions: unknown[], Rules: unknown[] = []) => ({ Protocol: "HTTPS", Port: 443, DefaultActions, Rules });
/** The listener a version's request goes to: HTTP/1.1 on HTTP 80, HTTP/2 on HTTPS 443. */
const listenerFor = (stack: EdgeparityStack, v: HttpVersion) => stack.loadBalancers["alb"]!.listeners.find((l) => l.port === (v === "HTTP/2" ? 443 : 80))!;
/** The harness builds stacks from loose test shapes; importObject validates them. */
const asStack = (c: Parameters<typeof albStack>[0]) => albStack(c) as unknown as StackInput;
const BIG = Buffer.alloc(2 * 1024 * 1024 + 3, 0x62);

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A request on a fresh connection (no keep-alive); resolves with the body or the socket error's code. */
function freshGet(port: number, host: string): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/", agent: false, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString()));
      res.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

describe("ELBv2 across revisions (issue 9)", () => {
  let stack: EdgeparityStack | undefined;
  const origins: OriginServer[] = [];
  const conns: KeptConnection[] = [];
  const blockers: NetServer[] = [];
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close().catch(() => {})));
    await stack?.close();
    stack = undefined;
    await Promise.all(origins.splice(0).map((o) => o.close().catch(() => {})));
    await Promise.all(blockers.splice(0).map((b) => new Promise((r) => b.close(r))));
  });

  for (const version of HTTP_VERSIONS) {
    it(`revision: removing an ALB rule — the request it routed, in flight (2 MB POST), ends on its target; the next request takes the new rules, ${version} (issue 9 Proof; alb.md §2)`, async () => {
      const slow = await gatedTarget("slow");
      const [fast] = await namedTargets("fast");
      origins.push(slow.o, fast!);
      const rules = [{ Priority: 10, Conditions: path("/slow*"), Actions: [forward("slow")] }];
      const v = (withRule: boolean) =>
        asStack({
          targetGroups: [tg("slow"), tg("fast")],
          targets: { slow: [slow.o.url], fast: [fast!.url] },
          listeners: [HTTP80([forward("fast")], withRule ? rules : []), HTTPS443([forward("fast")], withRule ? rules : [])],
        });
      stack = await startEdgeparity({ config: v(true) });
      const l = listenerFor(stack, version);
      const conn = keepAlive(version, l.url, stack.caPem);
      conns.push(conn);
      assert.equal((await conn.send("/")).text, "fast");
      const inFlight = conn.send("/slow/upload", { method: "POST", body: BIG });
      await slow.arrival;

      await stack.update(v(false));
      assert.equal(stack.revision, 2);
      // The listener kept its port; a new connection and (HTTP/2) a new stream on the old session take the new rules.
      assert.equal(listenerFor(stack, version).localPort, l.localPort);
      const other = keepAlive(version, l.url, stack.caPem);
      conns.push(other);
      assert.equal((await other.send("/slow/upload", { method: "POST", body: "abc" })).text, "fast");
      if (version === "HTTP/2") assert.equal((await conn.send("/slow/next")).text, "fast");

      slow.release();
      const r = await inFlight;
      assert.equal(r.status, 200);
      assert.equal(r.text, `slow:${BIG.length}`);
      // The connection the in-flight request used goes on, on the new rules.
      assert.equal((await conn.send("/slow/after")).text, "fast");
      assert.equal(conn.connects, 1);
      assert.equal(slow.o.requests.filter((q) => q.url.startsWith("/slow")).length, 1);
    });

    it(`revision: an explicitly configured listener port keeps serving — no refused connection during the update, a keep-alive connection opened before works after it, ${version} (issue 9; alb.md §1)`, async () => {
      const ports = { "80": await freePort(), "443": await freePort() };
      const v = (body: string) =>
        asStack({ targetGroups: [], targets: {}, listeners: [HTTP80([fixed("200", body)]), HTTPS443([fixed("200", body)])], listenerPorts: ports });
      stack = await startEdgeparity({ config: v("v1") });
      const l = listenerFor(stack, version);
      assert.equal(l.localPort, version === "HTTP/2" ? ports["443"] : ports["80"]);
      const conn = keepAlive(version, l.url, stack.caPem);
      conns.push(conn);
      assert.equal((await conn.send("/")).text, "v1");
      // Fresh connections to the HTTP listener's port, one after another, all through the update.
      const host = new URL(l.url).host;
      let hammering = true;
      const seen: string[] = [];
      const hammer = (async () => {
        for (let i = 0; hammering && i < 5000; i++) seen.push(await freshGet(ports["80"], host));
      })();
      await new Promise((r) => setTimeout(r, 30));
      await stack.update(v("v2"));
      await new Promise((r) => setTimeout(r, 30));
      hammering = false;
      await hammer;
      assert.ok(seen.length > 2, `requests during the update: ${seen.length}`);
      assert.deepEqual(
        seen.filter((s) => s !== "v1" && s !== "v2"),
        [],
      );
      assert.equal(seen.at(-1), "v2");
      assert.equal((await conn.send("/", { method: "PUT", body: "x" })).text, "v2");
      assert.equal(conn.connects, 1);
      assert.equal(listenerFor(stack, version).localPort, l.localPort);
    });

    it(`revision: an update whose new listener's port is taken fails with LISTEN_FAILED and the previous revision still serves, ${version} (issue 9: a failed update changes nothing)`, async () => {
      const blocker = createNetServer();
      await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
      blockers.push(blocker);
      const taken = (blocker.address() as AddressInfo).port;
      const [a] = await namedTargets("a");
      origins.push(a!);
      const listeners = (body: string) => [HTTP80([fixed("200", body)]), HTTPS443([fixed("200", body)])];
      stack = await startEdgeparity({ config: albStack({ targetGroups: [tg("a")], targets: { a: [a!.url] }, listeners: listeners("v1") }) });
      const l = listenerFor(stack, version);
      const conn = keepAlive(version, l.url, stack.caPem);
      conns.push(conn);
      assert.equal((await conn.send("/")).text, "v1");
      const health = stack.targetGroups["a"]!.health();

      // v2: new rules, a new free listener first, then one on the taken port.
      const broken = {
        targetGroups: [tg("a", { HealthCheckPath: "/other" })],
        targets: { a: [a!.url] },
        listeners: [
          ...listeners("v2"),
          { Protocol: "HTTP", Port: 8080, DefaultActions: [fixed("200", "v2")] },
          { Protocol: "HTTP", Port: 8081, DefaultActions: [fixed("200", "v2")] },
        ],
        listenerPorts: { "8081": taken },
      };
      await assert.rejects(stack.update(asStack(broken)), (e: Error & { code?: string }) => {
        assert.equal(e.code, "LISTEN_FAILED");
        assert.match(e.message, /listener HTTP:8081: cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
        return true;
      });
      assert.equal(stack.revision, 1);
      assert.deepEqual(
        stack.loadBalancers["alb"]!.listeners.map((x) => x.port),
        [80, 443],
      );
      assert.equal((await conn.send("/", { method: "POST", body: "x" })).text, "v1");
      const fresh = keepAlive(version, l.url, stack.caPem);
      conns.push(fresh);
      assert.equal((await fresh.send("/")).text, "v1");
      assert.equal(conn.connects, 1);
      assert.deepEqual(stack.targetGroups["a"]!.health(), health);

      // Nothing of v2 was left behind: the same update without the taken port succeeds.
      await stack.update(asStack({ ...broken, listenerPorts: { "8081": 0 } }));
      assert.equal(stack.revision, 2);
      assert.equal((await conn.send("/")).text, "v2");
      assert.deepEqual(
        stack.loadBalancers["alb"]!.listeners.map((x) => x.port),
        [80, 443, 8080, 8081],
      );
    });
  }

  it("revision: a target group modified only in its attributes keeps its targets' health (Choice, issue 9; alb.md §4.1 ModifyTargetGroupAttributes)", async () => {
    const a = await startOrigin((req, res) => {
      res.writeHead(req.url === "/health" ? 500 : 200);
      res.end("a");
    });
    const [b] = await namedTargets("b");
    origins.push(a, b!);
    const HC = { HealthCheckPath: "/health", HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 3, UnhealthyThresholdCount: 2 };
    const v = (delay: string) =>
      asStack({
        targetGroups: [tg("app", { ...HC, Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: delay }] })],
        targets: { app: [a.url, b!.url] },
        listeners: [HTTP80([forward("app")]), HTTPS443([forward("app")])],
      });
    stack = await startEdgeparity({ config: v("300"), clock: "manual" });
    const group = () => stack!.targetGroups["app"]!;
    await group().settle();
    stack.clock.advance!(10_000);
    await group().settle();
    const before = group().health();
    assert.deepEqual(
      before.map((h) => h.state),
      ["unhealthy", "healthy"],
    );
    const checks = a.requests.filter((r) => r.url === "/health").length;
    await stack.update(v("30"));
    assert.deepEqual(group().health(), before);
    // The next check comes one interval after the update, not at once.
    await group().settle();
    assert.equal(a.requests.filter((r) => r.url === "/health").length, checks);
    for (const version of HTTP_VERSIONS) {
      const conn = keepAlive(version, listenerFor(stack, version).url, stack.caPem);
      conns.push(conn);
      for (let i = 0; i < 4; i++) assert.equal((await conn.send("/")).text, "b");
    }
    stack.clock.advance!(10_000);
    await group().settle();
    assert.equal(a.requests.filter((r) => r.url === "/health").length, checks + 1);
    assert.equal(group().health()[0]!.state, "unhealthy");
  });

  it("revision: Lambda targets share one runtime across revisions — a warm environment survives an unrelated update; an edited handler file is picked up by the next update (issue 9; alb.md §10)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-alb-revision-"));
    try {
      const file = join(dir, "fn.mjs");
      const code = (tag: string) =>
        `let calls = 0;\nexport const handler = async (event) => ({ statusCode: 200, body: "${tag}:" + ++calls + ":" + Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8").length });\n`;
      await writeFile(file, code("v1"));
      const v = (extraRule: boolean) =>
        asStack({
          baseDir: dir,
          targetGroups: [{ Name: "fn", TargetType: "lambda" }],
          targets: { fn: [{ lambda: "fn.mjs", handler: "handler" }] },
          listeners: [
            HTTP80([forward("fn")], extraRule ? [{ Priority: 5, Conditions: path("/other"), Actions: [fixed("200", "other")] }] : []),
            HTTPS443([forward("fn")]),
          ],
        });
      stack = await startEdgeparity({ config: v(false), baseDir: dir });
      const [h1, h2] = HTTP_VERSIONS.map((version) => {
        const c = keepAlive(version, listenerFor(stack!, version).url, stack!.caPem);
        conns.push(c);
        return c;
      });
      assert.equal((await h1!.send("/", { method: "POST", body: "abc" })).text, "v1:1:3");
      assert.equal((await h2!.send("/")).text, "v1:2:0");
      await stack.update(v(true), { baseDir: dir });
      assert.equal((await h1!.send("/other")).text, "other");
      assert.equal((await h2!.send("/", { method: "POST", body: "abcd" })).text, "v1:3:4");
      // An edited handler: the next revision registers it again, and new environments load it.
      await writeFile(file, code("v2"));
      const later = new Date(Date.now() + 5_000);
      await utimes(file, later, later);
      await stack.update(v(true), { baseDir: dir });
      assert.equal((await h1!.send("/", { method: "POST", body: "ab" })).text, "v2:1:2");
      assert.equal((await h2!.send("/")).text, "v2:2:0");
    } finally {
      await stack?.close();
      stack = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("revision: turning routing.http2.enabled off on an explicitly configured HTTPS port replaces its server on that port; ALPN then offers only http/1.1 (issue 9; alb.md §1)", async () => {
    const port = await freePort();
    const v = (http2: boolean, body: string) =>
      asStack({
        targetGroups: [],
        targets: {},
        attributes: http2 ? [] : [{ Key: "routing.http2.enabled", Value: "false" }],
        listeners: [HTTPS443([fixed("200", body)])],
        listenerPorts: { "443": port },
      });
    stack = await startEdgeparity({ config: v(true, "v1") });
    const url = stack.loadBalancers["alb"]!.listeners[0]!.url;
    const alpn = async () => {
      const s = tlsConnect({ host: "127.0.0.1", port, servername: new URL(url).hostname, ca: stack!.caPem, ALPNProtocols: ["h2", "http/1.1"] });
      await once(s, "secureConnect");
      const p = s.alpnProtocol;
      s.destroy();
      return p;
    };
    assert.equal(await alpn(), "h2");
    await stack.update(v(false, "v2"));
    assert.equal(stack.loadBalancers["alb"]!.listeners[0]!.localPort, port);
    assert.equal(await alpn(), "http/1.1");
    const c = keepAlive("HTTP/1.1", url, stack.caPem);
    conns.push(c);
    assert.equal((await c.send("/", { method: "POST", body: "x" })).text, "v2");
    await stack.update(v(true, "v3"));
    assert.equal(await alpn(), "h2");
    const h2 = keepAlive("HTTP/2", url, stack.caPem);
    conns.push(h2);
    assert.equal((await h2.send("/")).text, "v3");
  });

  for (const version of HTTP_VERSIONS) {
    it(`revision: a target the revision unbinds drains for the deregistration delay — its request in flight ends on it, new requests go to the others, ${version} (issue 9; alb.md §4.4)`, async () => {
      const b = await gatedTarget("b");
      const [a] = await namedTargets("a");
      origins.push(b.o, a!);
      const v = (targets: string[]) =>
        asStack({
          targetGroups: [tg("app", { Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: "20" }] })],
          targets: { app: targets },
          listeners: [HTTP80([forward("app")]), HTTPS443([forward("app")])],
        });
      stack = await startEdgeparity({ config: v([b.o.url]), clock: "manual" });
      const group = () => stack!.targetGroups["app"]!;
      await group().settle();
      const conn = keepAlive(version, listenerFor(stack, version).url, stack.caPem);
      conns.push(conn);
      const inFlight = conn.send("/upload", { method: "POST", body: BIG });
      await b.arrival;
      await stack.update(v([a!.url]));
      await group().settle();
      const bId = `127.0.0.1:${b.o.port}`;
      assert.deepEqual(
        group()
          .health()
          .map((h) => [h.target === bId ? "b" : "a", h.state, h.reason]),
        [
          ["a", "healthy", undefined],
          ["b", "draining", "Target.DeregistrationInProgress"],
        ],
      );
      const other = keepAlive(version, listenerFor(stack, version).url, stack.caPem);
      conns.push(other);
      for (let i = 0; i < 3; i++) assert.equal((await other.send("/", { method: "POST", body: "abc" })).text, "a");
      b.release();
      assert.equal((await inFlight).text, `b:${BIG.length}`);
      stack.clock.advance!(19_999);
      assert.equal(group().health().length, 2);
      stack.clock.advance!(1);
      assert.deepEqual(
        group()
          .health()
          .map((h) => h.target),
        [`127.0.0.1:${a!.port}`],
      );
    });
  }
});
