import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, writeFile } from "node:fs/promises";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ALB_REQUEST, type AlbRequestEvent } from "../../../src/core/trace.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { startRawOrigin, type RawOrigin, type RawRequest } from "../../support/raw-origin.js";
import { ALL_METHODS, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { until } from "../../support/until.js";

/**
 * Issue 14 "without a loopback hop": CloudFront reaches an origin door of its own process over an
 * in-memory connection (core/http/memory-socket.ts) instead of loopback TCP. Two stacks, one per
 * hop (`originHop: "memory"`, the default, and `"tcp"`), send to one recording target through
 * the same CloudFront → ALB path: the target must see the same bytes, and the ALB and CloudFront
 * must give the same answers to idle connections, read timeouts and viewers that leave.
 */
const LB_DOMAIN = "web-123.us-east-1.elb.amazonaws.com";
const HOPS = ["memory", "tcp"] as const;
type Hop = (typeof HOPS)[number];
const ALB_IDLE_S = 2;

/** The target: records each request's bytes; `/slow/*` and `/tls/slow/*` are never answered. */
const startRecordingTarget = () =>
  startRawOrigin((r) =>
    /^\/(tls\/)?slow\//.test(r.url)
      ? undefined
      : { headers: [`X-Seen-Xff: ${/^x-forwarded-for:\s*(.*)$/im.exec(r.head)?.[1] ?? ""}`], body: String(r.body.length) },
  );

function stackConfig(targetPort: number) {
  const behavior = (origin: string, path?: string) => ({
    ...(path ? { PathPattern: path } : {}),
    TargetOriginId: origin,
    ViewerProtocolPolicy: "allow-all",
    CachePolicyId: CACHING_DISABLED,
    OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
    AllowedMethods: ALL_METHODS,
  });
  return {
    distributions: {
      app: {
        Origins: {
          Items: [
            customOrigin("alb", LB_DOMAIN),
            // The same load balancer with a 1 s OriginReadTimeout and one attempt (cloudfront.md §10.3).
            customOrigin("alb-slow", LB_DOMAIN, {
              ConnectionAttempts: 1,
              CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only", OriginReadTimeout: 1 },
            }),
            // The same load balancer over HTTPS: CloudFront's TLS handshake with the origin door.
            customOrigin("alb-tls", LB_DOMAIN, {
              CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginReadTimeout: 30 },
            }),
            customOrigin("alb-tls-slow", LB_DOMAIN, {
              ConnectionAttempts: 1,
              CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginReadTimeout: 1 },
            }),
          ],
        },
        DefaultCacheBehavior: behavior("alb"),
        CacheBehaviors: { Items: [behavior("alb-slow", "/slow/*"), behavior("alb-tls-slow", "/tls/slow/*"), behavior("alb-tls", "/tls/*")] },
      },
    },
    targetGroups: [{ Name: "web-tg", Protocol: "HTTP", Port: 80, TargetType: "ip" }],
    loadBalancers: [
      {
        Name: "web",
        Attributes: [
          { Key: "idle_timeout.timeout_seconds", Value: String(ALB_IDLE_S) },
          { Key: "routing.http.xff_client_port.enabled", Value: "true" },
        ],
        Listeners: [{ Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: "web-tg" }] }],
      },
    ],
    local: { targetGroups: { "web-tg": { targets: [`http://127.0.0.1:${targetPort}`] } } },
  };
}

/** Ids and ports that differ per request or per stack (trace ids, request ids, the Via id, client ports); everything else must match. */
function masked(r: RawRequest): string {
  return r.head
    .replace(/^(X-Amz-Cf-Id: ).*$/im, "$1<id>")
    .replace(/^(X-Amzn-Trace-Id: ).*$/im, "$1<id>")
    .replace(/^(Via: \d\.\d )[0-9a-f]+(\.cloudfront\.net)/im, "$1<hex>$2")
    .replace(/(127\.0\.0\.1:)\d+/g, "$1<port>");
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("origin hop in memory: CloudFront → its own ALB without a loopback connection, the same bytes on the wire (issue 14)", () => {
  let target: RawOrigin;
  const stacks = {} as Record<Hop, EdgeparityStack>;
  const albEvents: AlbRequestEvent[] = [];
  const onAlb = (m: unknown) => albEvents.push(m as AlbRequestEvent);
  const url = (hop: Hop, path: string) => new URL(path, stacks[hop].distributions.app!.url).href;
  const sent = (path: string) => target.requests.filter((r) => r.url === path);

  before(async () => {
    target = await startRecordingTarget();
    ALB_REQUEST.subscribe(onAlb);
    for (const hop of HOPS) stacks[hop] = await startEdgeparity({ config: stackConfig(target.port) as object, originHop: hop });
  });
  after(async () => {
    ALB_REQUEST.unsubscribe(onAlb);
    for (const hop of HOPS) await stacks[hop]?.close();
    await target?.close();
  });

  /** The local ports of the TCP connections this process accepted while `fn` ran. */
  async function acceptedPorts(fn: () => Promise<unknown>): Promise<Set<number>> {
    const ports = new Set<number>();
    const on = (m: unknown) => ports.add((m as { socket: Socket }).socket.localPort!);
    subscribe("net.server.socket", on);
    try {
      await fn();
    } finally {
      unsubscribe("net.server.socket", on);
    }
    return ports;
  }

  for (const v of HTTP_VERSIONS) {
    it(`${v}: a CloudFront-routed request opens no TCP connection to the ALB's origin doors (HTTP, HTTPS); over "tcp" each does (the check can fail)`, async () => {
      for (const hop of HOPS) {
        // A fresh origin connection: the stack's pools may hold one from an earlier case.
        await wait(ALB_IDLE_S * 1000 + 500);
        const viewerPort = Number(new URL(stacks[hop].distributions.app!.url).port);
        const ports = await acceptedPorts(async () => {
          for (const path of [`/door-${hop}`, `/tls/door-${hop}`]) {
            const r = await curl(url(hop, path), v, { caPath: stacks[hop].caPath });
            assert.equal(r.status, 200, r.body);
          }
        });
        const others = [...ports].filter((p) => p !== viewerPort && p !== target.port);
        if (hop === "memory") assert.deepEqual(others, [], `ports accepted: ${[...ports].join(", ")} (viewer ${viewerPort}, target ${target.port})`);
        else assert.equal(others.length, 2, `over TCP each origin door accepts a connection (${[...ports].join(", ")})`);
      }
    });

    for (const [scheme, method, bytes] of [
      ["http", "GET", undefined],
      ["http", "POST", 0],
      ["http", "POST", 1024],
      ["http", "PUT", 2 << 20],
      ["https", "GET", undefined],
      ["https", "PUT", 2 << 20],
    ] as const) {
      const what = bytes === undefined ? method : `${method} ${bytes} B`;
      it(`${v}: ${what} to an ${scheme} origin: the target sees the same request head, byte for byte after masking ids, and the same X-Forwarded-For`, async () => {
        const heads: Record<Hop, string> = { memory: "", tcp: "" };
        for (const hop of HOPS) {
          const path = `${scheme === "https" ? "/tls" : ""}/same-${v.slice(2)}-${what.replace(/ /g, "")}`;
          const before = target.requests.length;
          const args = bytes === undefined ? [] : ["-X", method, "-H", "Content-Type: application/octet-stream", "--data-binary", `@${await bodyFile(bytes)}`];
          const r = await curl(url(hop, path), v, { caPath: stacks[hop].caPath, args });
          assert.equal(r.status, 200, r.body);
          assert.equal(r.body, String(bytes ?? 0));
          // CloudFront's X-Forwarded-For holds the viewer; the ALB appends its client, CloudFront's connection, with its port.
          assert.match(r.headers["x-seen-xff"]!, /^127\.0\.0\.1, 127\.0\.0\.1:\d+$/);
          const got = target.requests.slice(before);
          assert.equal(got.length, 1);
          assert.equal(got[0]!.body.length, bytes ?? 0);
          assert.deepEqual(got[0]!.body, await bodyBytes(bytes ?? 0));
          heads[hop] = masked(got[0]!);
        }
        assert.equal(heads.memory, heads.tcp);
      });
    }

    it(`${v}: OriginReadTimeout (1 s, one attempt) answers 504 after 1 s either way, HTTP and HTTPS origin, and the ALB sees its client gone (460)`, async () => {
      for (const [hop, tls] of HOPS.flatMap((h) => [[h, ""] as const, [h, "/tls"] as const])) {
        const path = `${tls}/slow/read-${hop}-${v.slice(2)}`;
        const t0 = performance.now();
        const r = await curl(url(hop, path), v, { caPath: stacks[hop].caPath });
        const ms = performance.now() - t0;
        assert.equal(r.status, 504, `${hop}: ${r.body}`);
        assert.equal(r.headers["x-cache"], "Error from cloudfront");
        assert.ok(ms >= 950 && ms < ALB_IDLE_S * 1000, `${hop}: answered after ${ms.toFixed(0)} ms`);
        const e = await until(`${hop}: the ALB's event for ${path}`, () => albEvents.find((x) => x.path === path));
        assert.equal(e.status, 460, `${hop}: the ALB logs its client (CloudFront) gone`);
      }
    });

    it(`${v}: a viewer that leaves while the target is silent: the ALB sees CloudFront go (460) either way, HTTP and HTTPS origin`, async () => {
      for (const [hop, tls] of HOPS.flatMap((h) => [[h, ""] as const, [h, "/tls"] as const])) {
        const path = `${tls}/slow/gone-${hop}-${v.slice(2)}`;
        await curl(url(hop, path), v, { caPath: stacks[hop].caPath, args: ["--max-time", "0.3"] }).catch(() => undefined);
        const e = await until(`${hop}: the ALB's event for ${path}`, () => albEvents.find((x) => x.path === path));
        assert.equal(e.status, 460);
        assert.equal(sent(path).length, 1, "the target got the request once");
      }
    });
  }

  it(`the ALB's idle timeout (${ALB_IDLE_S} s) closes CloudFront's idle connection either way, HTTP and HTTPS origin: the next request comes on a new one`, async () => {
    for (const [hop, tls] of HOPS.flatMap((h) => [[h, ""] as const, [h, "/tls"] as const])) {
      const portOf = async (n: number) => {
        const r = await curl(url(hop, `${tls}/idle-${hop}-${n}`), "--http1.1", { caPath: stacks[hop].caPath });
        assert.equal(r.status, 200, r.body);
        return /:(\d+)$/.exec(r.headers["x-seen-xff"]!)![1];
      };
      await wait(ALB_IDLE_S * 1000 + 500);
      const first = await portOf(1);
      assert.equal(await portOf(2), first, `${hop}: a request right after reuses the connection (keep-alive)`);
      await wait(ALB_IDLE_S * 1000 + 500);
      assert.notEqual(await portOf(3), first, `${hop}: after the idle timeout the connection is a new one`);
    }
  });
});

/** A body of `bytes` bytes (a pattern, so a shifted or truncated copy differs), in a file for curl. */
const bodies = new Map<number, string>();
let bodyDir: string | undefined;
async function bodyFile(bytes: number): Promise<string> {
  let path = bodies.get(bytes);
  if (path) return path;
  bodyDir ??= await mkdtemp(join(tmpdir(), "ep-hop-mem-"));
  path = join(bodyDir, `body-${bytes}`);
  await writeFile(path, await bodyBytes(bytes));
  bodies.set(bytes, path);
  return path;
}

async function bodyBytes(bytes: number): Promise<Buffer> {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = i % 251;
  return b;
}
