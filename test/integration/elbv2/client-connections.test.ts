import assert from "node:assert/strict";
import { get as httpGet } from "node:http";
import { connect as netConnect } from "node:net";
import { connect as h2Connect } from "node:http2";
import { after, before, describe, it } from "node:test";
import { ALB_REQUEST, type AlbRequestEvent } from "../../../src/core/trace.js";
import { curl } from "../../support/curl.js";
import { h2Request } from "../../support/h2-client.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { rawRequest } from "../../support/raw-http.js";
import { startRawOrigin, type RawOrigin } from "../../support/raw-origin.js";
import { until } from "../../support/until.js";
import { forward, HTTP80, startAlb, tg, type AlbHarness } from "./alb-harness.js";

/**
 * Client-side connection handling of a load balancer's own listeners (issue 8 §1, §4, §7, §9):
 * every request is observed through the request channel exactly as the CLI's access log
 * subscribes to it, on HTTP/1.1 (port 80 listener) and HTTP/2 (port 443 listener, ALPN h2).
 */
const served = (o: OriginServer, path: string) => o.requests.filter((r) => r.url.startsWith(path));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function listen() {
  const events: AlbRequestEvent[] = [];
  const on = (m: unknown) => events.push(m as AlbRequestEvent);
  ALB_REQUEST.subscribe(on);
  return { events, stop: () => ALB_REQUEST.unsubscribe(on) };
}

const BIG = Buffer.alloc(2 * 1024 * 1024, 0x61);
const BODIES: [string, Buffer][] = [
  ["0 B", Buffer.alloc(0)],
  ["small", Buffer.from("x")],
  ["2 MB", BIG],
];

/** More than the loopback socket buffers hold, so a client that stops reading fills them (backpressure). */
const BIG_ANSWER = Buffer.alloc(16 * 1024 * 1024);
for (let i = 0; i < BIG_ANSWER.length; i += 4096) BIG_ANSWER.writeUInt32BE(i, i);

/** Reads a response slowly: pauses after the first chunk for `pauseMs`, then reads to the end. */
function readSlowly(stream: NodeJS.ReadableStream & { pause(): void; resume(): void }, pauseMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let paused = false;
    stream.on("data", (c: Buffer) => {
      chunks.push(c);
      if (!paused) {
        paused = true;
        stream.pause();
        setTimeout(() => stream.resume(), pauseMs);
      }
    });
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** The ELB guide's own example of a method condition (alb.md §2.1). */
const CUSTOM_RULE = {
  Priority: 7,
  Conditions: [{ Field: "http-request-method", HttpRequestMethodConfig: { Values: ["CUSTOM-METHOD"] } }],
  Actions: [forward("raw")],
};

async function startPair(attributes: { Key: string; Value: string }[] = []) {
  const origin = await startOrigin((req, res, body) => {
    if (req.url?.startsWith("/big-answer")) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG_ANSWER.length });
      res.end(BIG_ANSWER);
      return;
    }
    if (req.url?.startsWith("/silent")) {
      // Longer than the idle-timeout suite's 1 s: the target's side gives up first (504).
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("too late");
      }, 2500);
      return;
    }
    if (req.url?.startsWith("/slow")) {
      setTimeout(() => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("late");
      }, 400);
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`${req.method} ${body.length}`);
  });
  const raw = await startRawOrigin();
  const alb = await startAlb({
    targetGroups: [tg("app"), tg("raw")],
    targets: { app: [origin.url], raw: [raw.url] },
    attributes,
    listeners: [HTTP80([forward("app")], [CUSTOM_RULE]), { Protocol: "HTTPS", Port: 443, DefaultActions: [forward("app")], Rules: [CUSTOM_RULE] }],
  });
  const lb = alb.stack.loadBalancers["alb"]!;
  const close = alb.close;
  alb.close = async () => {
    await close();
    await raw.close();
  };
  return { origin, raw, alb, h1: lb.listeners[0]!, h2: lb.listeners[1]! };
}

describe("load balancer client connections (alb.md §8, §9; issue 8 §1, §4, §7, §9)", () => {
  let origin: OriginServer;
  let raw: RawOrigin;
  let alb: AlbHarness;
  let h1Url: string;
  let h1Port: number;
  let h2Url: string;
  let ca: string;
  let log: ReturnType<typeof listen>;
  before(async () => {
    log = listen();
    const p = await startPair();
    origin = p.origin;
    raw = p.raw;
    alb = p.alb;
    h1Url = p.h1.url;
    h1Port = p.h1.localPort;
    h2Url = p.h2.url;
    ca = alb.stack.caPem;
  });
  after(async () => {
    log.stop();
    await alb.close();
    await origin.close();
  });
  const eventFor = (path: string) => until(`an access-log event for ${path}`, () => log.events.find((e) => e.path === path));

  it("a 16 MB answer to a client that pauses reading arrives whole once it reads again, HTTP/1.1 and HTTP/2 (alb.md §9: bodies streamed both ways)", async () => {
    // HTTP/1.1: the listener's writes fill the socket buffers while the client pauses; the
    // target's socket is paused too and must be resumed when the client's side drains.
    const b1 = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("HTTP/1.1 answer stalled")), 15_000);
      httpGet({ host: "127.0.0.1", port: h1Port, path: "/big-answer-h1", headers: { host: new URL(h1Url).host } }, (res) => {
        assert.equal(res.statusCode, 200);
        readSlowly(res, 300).then((b) => {
          clearTimeout(timer);
          resolve(b);
        }, reject);
      }).on("error", reject);
    });
    assert.equal(b1.length, BIG_ANSWER.length);
    assert.ok(b1.equals(BIG_ANSWER), "HTTP/1.1 bytes differ");

    const u = new URL("/big-answer-h2", h2Url);
    const session = h2Connect(u.origin, { ca, host: "127.0.0.1", servername: u.hostname });
    try {
      const b2 = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("HTTP/2 answer stalled")), 15_000);
        session.on("error", reject);
        const st = session.request({ ":path": u.pathname, ":authority": u.host });
        st.on("response", (h) => assert.equal(h[":status"], 200));
        readSlowly(st, 300).then((b) => {
          clearTimeout(timer);
          resolve(b);
        }, reject);
        st.end();
      });
      assert.equal(b2.length, BIG_ANSWER.length);
      assert.ok(b2.equals(BIG_ANSWER), "HTTP/2 bytes differ");
    } finally {
      session.destroy();
    }
  });

  for (const [label, body] of BODIES) {
    it(`crash: a POST with a ${label} body is logged through the request channel, HTTP/1.1 and HTTP/2 (alb.md §11; issue 8 §1)`, async () => {
      const p1 = `/post-h1-${label.replace(" ", "")}`;
      const r1 = await alb.send(p1, { method: "POST", body });
      assert.equal(r1.status, 200);
      assert.equal(r1.text, `POST ${body.length}`);
      const e1 = await eventFor(p1);
      assert.equal(e1.status, 200);
      assert.match(e1.accessLogLine!, /^http \S+ app\/alb\/\w+ 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+ /);

      const p2 = `/post-h2-${label.replace(" ", "")}`;
      const r2 = await h2Request(new URL(p2, h2Url).href, { ca, method: "POST", body });
      assert.equal(r2.status, 200);
      assert.equal(r2.body.toString(), `POST ${body.length}`);
      const e2 = await eventFor(p2);
      assert.equal(e2.status, 200);
      // The TLS facts were captured when the request started (ssl_cipher, ssl_protocol, SNI).
      assert.match(e2.accessLogLine!, /^h2 .* TLSv1\.[23] arn:aws:elasticloadbalancing:/);
      assert.match(e2.accessLogLine!, /"alb-\d+\.us-east-1\.elb\.localhost"/);
    });
  }

  it("custom method: `curl -X CUSTOM-METHOD` matches an http-request-method rule and reaches the target with its method, HTTP/1.1 and HTTP/2 (alb.md §2.1; issue 8 §7)", async () => {
    for (const http2 of [false, true]) {
      const path = `/custom-${http2 ? "h2" : "h1"}`;
      const r = await curl(new URL(path, http2 ? h2Url : h1Url).href, { ca, http2, method: "CUSTOM-METHOD", body: Buffer.from("payload") });
      assert.equal(r.status, 200, r.stderr);
      assert.equal(r.body, "CUSTOM-METHOD 7");
      const e = await eventFor(path);
      assert.equal(e.method, "CUSTOM-METHOD");
      // matched_rule_priority (field 21) is the method rule's.
      assert.match(e.accessLogLine!, /"CUSTOM-METHOD http:\/\/|"CUSTOM-METHOD https:\/\//);
      assert.match(e.accessLogLine!, /" 7 \d{4}-/);
    }
    // On one keep-alive connection: a custom method, a body that looks like a request line, then GET.
    const body = "PURGE-ALL /x HTTP/1.1\r\n";
    const r = await rawRequest(
      h1Port,
      `CUSTOM-METHOD /custom-pipe HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /custom-after HTTP/1.1\r\nHost: x.example.com\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(r.raw.match(/HTTP\/1\.1 200 OK/g)?.length, 2, r.raw);
    assert.deepEqual(
      raw.requests.filter((q) => q.url.startsWith("/custom-")).map((q) => `${q.method} ${q.url} ${q.body.length}`),
      ["CUSTOM-METHOD /custom-h1 7", "CUSTOM-METHOD /custom-h2 7", `CUSTOM-METHOD /custom-pipe ${body.length}`],
    );
    assert.deepEqual(
      served(origin, "/custom-after").map((q) => q.method),
      ["GET"],
    );
  });

  // The scanner runs on the socket itself (listener/scanned-socket.ts), so a TLS socket's chunks
  // must pass it too: 0 B, a small body, and 1.2 MB (curl sends Expect: 100-continue).
  it("custom method over the HTTPS listener on HTTP/1.1: the method scanner reads the TLS socket's bytes, 0 B / 7 B / 1.2 MB bodies (alb.md §2.1)", async () => {
    for (const size of [0, 7, 1_200_000]) {
      const path = `/custom-tls-${size}`;
      const r = await curl(new URL(path, h2Url).href, { ca, http2: false, method: "CUSTOM-METHOD", body: Buffer.alloc(size, 97) });
      assert.equal(r.status, 200, r.stderr);
      assert.match(r.stderr, /ALPN: server accepted http\/1\.1|ALPN, server accepted to use http\/1\.1/);
      assert.equal(r.body, `CUSTOM-METHOD ${size}`);
      assert.equal((await eventFor(path)).method, "CUSTOM-METHOD");
    }
  });

  it("Expect: 100-continue with a 2 MB upload reaches a healthy target through curl, HTTP/1.1 and HTTP/2 (alb.md §8.1; issue 8 §4)", async () => {
    for (const http2 of [false, true]) {
      const before = served(origin, "/expect").length;
      const r = await curl(new URL("/expect", http2 ? h2Url : h1Url).href, {
        ca,
        http2,
        body: BIG,
        headers: ["Expect: 100-continue", "Content-Type: application/octet-stream"],
      });
      assert.equal(r.status, 200, r.stderr);
      assert.equal(r.body, `POST ${BIG.length}`);
      if (!http2) assert.match(r.stderr, /100 Continue/);
      const got = served(origin, "/expect");
      assert.equal(got.length, before + 1);
      assert.equal(got.at(-1)!.body.length, BIG.length);
      assert.equal(got.at(-1)!.headers["expect"], undefined);
    }
  });

  it("abort: a client that leaves mid-upload never reaches the target as a complete request; logged 460 (alb.md §8.1; issue 8 §9)", async () => {
    // HTTP/1.1: Content-Length 2 MB, half of it sent, then the socket closes.
    const s = netConnect(h1Port, "127.0.0.1");
    await new Promise((r) => s.once("connect", r));
    s.write(`POST /abort-h1 HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: ${BIG.length}\r\n\r\n`);
    s.write(BIG.subarray(0, BIG.length / 2));
    await wait(200);
    s.destroy();
    // HTTP/2: a stream without Content-Length, 1 MB written, then the client dies (connection closed).
    // (`stream.close(code)` would first send END_STREAM: to the server that is a complete request.)
    const u = new URL(h2Url);
    const session = h2Connect(u.origin, { ca, host: "127.0.0.1", servername: u.hostname });
    session.on("error", () => {});
    const req = session.request({ ":method": "POST", ":path": "/abort-h2" });
    req.on("error", () => {});
    req.write(BIG.subarray(0, BIG.length / 2));
    await wait(200);
    session.destroy();
    const e1 = await eventFor("/abort-h1");
    const e2 = await eventFor("/abort-h2");
    assert.equal(e1.status, 460);
    assert.equal(e2.status, 460);
    await wait(300);
    assert.deepEqual(served(origin, "/abort"), [], "the target saw no complete upload");
  });

  it("460: a client that closes before the response is logged and counted as 460, not as the target's 200 (alb.md §8.1, §11, §12; issue 8 §7)", async () => {
    const m0 = alb.stack.loadBalancers["alb"]!.metrics();
    const s = netConnect(h1Port, "127.0.0.1");
    await new Promise((r) => s.once("connect", r));
    s.write("GET /slow-h1 HTTP/1.1\r\nHost: x.example.com\r\n\r\n");
    await wait(100);
    s.destroy();
    const r2 = h2Request(new URL("/slow-h2", h2Url).href, { ca, timeoutMs: 100 });
    await r2;
    const e1 = await eventFor("/slow-h1");
    const e2 = await eventFor("/slow-h2");
    assert.equal(e1.status, 460);
    assert.equal(e2.status, 460);
    assert.match(e1.accessLogLine!, / 460 /);
    const m1 = alb.stack.loadBalancers["alb"]!.metrics();
    assert.equal((m1["HTTPCode_ELB_4XX_Count"] ?? 0) - (m0["HTTPCode_ELB_4XX_Count"] ?? 0), 2);
    assert.equal(m1["HTTPCode_Target_2XX_Count"] ?? 0, m0["HTTPCode_Target_2XX_Count"] ?? 0);
  });

  it("absolute-form: `GET http://host/path` sends origin-form to the target with the URI's host (alb.md §7.4; issue 8 §7)", async () => {
    const r = await rawRequest(h1Port, "GET http://www.example.com/abs?x=1 HTTP/1.1\r\nHost: other.example.com\r\nConnection: close\r\n\r\n");
    assert.equal(r.status, 200);
    const got = served(origin, "/abs").at(-1)!;
    assert.equal(got.url, "/abs?x=1");
    assert.equal(got.headers["host"], "www.example.com");
    // HTTP/2 has no absolute form: :authority is the URI's authority and wins the same way.
  });

  it("Transfer-Encoding other than chunked → 501 Not Implemented page (alb.md §8.1; issue 8 §7)", async () => {
    for (const te of ["gzip, chunked", "gzip"]) {
      const r = await rawRequest(h1Port, `POST /te HTTP/1.1\r\nHost: x.example.com\r\nTransfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`);
      assert.equal(r.status, 501, `${te}: ${r.raw}`);
      assert.match(r.raw, /^HTTP\/1\.1 501 Not Implemented\r\n/);
      assert.match(r.raw, /Server: awselb\/2\.0\r\n/i);
      assert.ok(r.raw.endsWith("<center><h1>501 Not Implemented</h1></center>\r\n</body>\r\n</html>\r\n"));
    }
    assert.deepEqual(served(origin, "/te"), []);
  });

  it("head limits: a header block over 64 KB gets ALB's 400 page, not Node's 431 text; a malformed request gets the 400 page, not `HPE_*` text (alb.md §7.5, §8.2; issue 8 §7)", async () => {
    const big = await rawRequest(
      h1Port,
      `GET /big HTTP/1.1\r\nHost: x.example.com\r\nX-A: ${"a".repeat(15000)}\r\nX-B: ${"b".repeat(15000)}\r\nX-C: ${"c".repeat(15000)}\r\nX-D: ${"d".repeat(15000)}\r\nX-E: ${"e".repeat(6000)}\r\n\r\n`,
    );
    assert.match(big.raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(big.raw, /\r\nServer: awselb\/2\.0\r\n/);
    assert.ok(big.raw.endsWith("<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n"));
    const bad = await rawRequest(h1Port, "GET / HTTP/1.1\r\nHost x.example.com\r\n\r\n");
    assert.match(bad.raw, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.doesNotMatch(bad.raw, /HPE_|Malformed/);
  });

  it("463: the status line carries a reason phrase, not Node's `unknown` (alb.md §7.1, §8.2; issue 8 §7)", async () => {
    const xff = Array.from({ length: 31 }, (_, i) => `10.0.0.${i}`).join(", ");
    const r = await rawRequest(h1Port, `GET /xff HTTP/1.1\r\nHost: x.example.com\r\nX-Forwarded-For: ${xff}\r\nConnection: close\r\n\r\n`);
    assert.match(r.raw, /^HTTP\/1\.1 463 Bad Request\r\n/);
    assert.doesNotMatch(r.raw, /unknown/);
  });

  it("desync (defensive, the default): GET with a body length is Ambiguous — served, then both connections close; logged with its classification (alb.md §9; issue 8 §7)", async () => {
    const r = await rawRequest(h1Port, "GET /desync-amb HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: 5\r\n\r\nhello");
    assert.equal(r.status, 200);
    assert.match(r.raw, /\r\nConnection: close\r\n/i);
    assert.equal(r.closed, true);
    const e = await eventFor("/desync-amb");
    assert.match(e.accessLogLine!, /"Ambiguous" "UndefinedContentLengthSemantics"$/);
    const h2 = await h2Request(new URL("/desync-empty", h2Url).href, { ca, headers: { "x-empty": "" } });
    assert.equal(h2.status, 200);
    assert.match((await eventFor("/desync-empty")).accessLogLine!, /"Ambiguous" "EmptyHeader"$/);
    const ok = await alb.send("/desync-none");
    assert.equal(ok.status, 200);
    assert.match((await eventFor("/desync-none")).accessLogLine!, / "-" "-"$/);
    assert.ok((alb.stack.loadBalancers["alb"]!.metrics()["DesyncMitigationMode_NonCompliant_Request_Count"] ?? 0) >= 2);
  });

  it("close: stack.close() with an upload in flight resolves and logs the request once (issue 8 §1)", async () => {
    const p = await startPair();
    const s = netConnect(p.h1.localPort, "127.0.0.1");
    s.on("error", () => {});
    await new Promise((r) => s.once("connect", r));
    s.write(`POST /inflight HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: 1000\r\n\r\nabc`);
    await wait(200);
    await p.alb.close();
    await p.origin.close();
    s.destroy();
    const e = await eventFor("/inflight");
    assert.equal(e.status, 460);
  });
});

describe("desync mitigation strictest (alb.md §9; issue 8 §7)", () => {
  it("strictest: an Acceptable request (GET with Content-Length: 0) is blocked with 400, HTTP/1.1 and HTTP/2", async () => {
    const p = await startPair([{ Key: "routing.http.desync_mitigation_mode", Value: "strictest" }]);
    try {
      const r = await rawRequest(p.h1.localPort, "GET /strict HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: 0\r\n\r\n");
      assert.equal(r.status, 400);
      assert.match(r.raw, /<title>400 Bad Request<\/title>/);
      const h2 = await h2Request(new URL("/strict", p.h2.url).href, { ca: p.alb.stack.caPem, headers: { "content-length": "0" } });
      assert.equal(h2.status, 400);
      assert.deepEqual(served(p.origin, "/strict"), []);
    } finally {
      await p.alb.close();
      await p.origin.close();
    }
  });
});

describe("routing.http2.enabled=false (alb.md §1; issue 8 §7)", () => {
  it("http2: the HTTPS listener offers only http/1.1 in ALPN; curl --http2 is served over HTTP/1.1", async () => {
    const p = await startPair([{ Key: "routing.http2.enabled", Value: "false" }]);
    try {
      const r = await curl(new URL("/no-h2", p.h2.url).href, { ca: p.alb.stack.caPem, http2: true });
      assert.equal(r.status, 200, r.stderr);
      assert.match(r.stderr, /< HTTP\/1\.1 200 OK/);
      assert.doesNotMatch(r.stderr, /ALPN: server accepted h2/);
    } finally {
      await p.alb.close();
      await p.origin.close();
    }
  });
});

describe("idle timeout on the client side (alb.md §9; issue 8 §7, §9)", () => {
  let p: Awaited<ReturnType<typeof startPair>>;
  before(async () => {
    p = await startPair([{ Key: "idle_timeout.timeout_seconds", Value: "1" }]);
  });
  after(async () => {
    await p.alb.close();
    await p.origin.close();
  });

  it("idle: a request head that stalls gets ALB's 408 page at idle_timeout (1 s), not at Node's 30 s check", async () => {
    const t0 = Date.now();
    const r = await rawRequest(p.h1.localPort, "GET /stall HTTP/1.1\r\nHost: x.example.com\r\n", 5000);
    const took = Date.now() - t0;
    assert.equal(r.status, 408, r.raw);
    assert.match(r.raw, /^HTTP\/1\.1 408 Request Time-out\r\n/);
    assert.match(r.raw, /<title>408 Request Time-out<\/title>/);
    assert.ok(took >= 900 && took < 3000, `408 after ${took} ms`);
  });

  it("idle: an idle keep-alive connection is closed at idle_timeout without a response, HTTP/1.1 and HTTP/2", async () => {
    const t0 = Date.now();
    const r = await rawRequest(p.h1.localPort, "GET /keep HTTP/1.1\r\nHost: x.example.com\r\n\r\n", 5000);
    assert.equal(r.status, 200);
    assert.equal(r.closed, true);
    assert.equal(r.raw.match(/HTTP\/1\.1/g)?.length, 1, "no 408 after the answered request");
    assert.ok(Date.now() - t0 < 3000);
    const u = new URL(p.h2.url);
    const session = h2Connect(u.origin, { ca: p.alb.stack.caPem, host: "127.0.0.1", servername: u.hostname });
    session.on("error", () => {});
    const t1 = Date.now();
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 4000);
      session.once("close", () => {
        clearTimeout(t);
        resolve();
      });
    });
    assert.equal(session.closed || session.destroyed, true);
    assert.ok(Date.now() - t1 < 3000);
    session.destroy();
  });

  // Node's own `timeout` handler would destroy the socket at the connection's idle timer; the
  // listener removes it, so a connection with a request in flight waits for the target's side.
  it("idle: a connection whose target is silent past idle_timeout gets the target side's 504, not a reset, HTTP/1.1 (alb.md §9)", async () => {
    const r = await rawRequest(p.h1.localPort, "GET /silent HTTP/1.1\r\nHost: x.example.com\r\n\r\n", 5000);
    assert.equal(r.status, 504, r.raw);
    assert.match(r.raw, /<title>504 Gateway Time-out<\/title>/);
  });

  it("idle: a request body that stalls gets 408 at idle_timeout and the target never sees a complete request, HTTP/1.1 and HTTP/2", async () => {
    const t0 = Date.now();
    const r1 = await rawRequest(p.h1.localPort, "POST /stall-body-h1 HTTP/1.1\r\nHost: x.example.com\r\nContent-Length: 100\r\n\r\n0123456789", 5000);
    assert.equal(r1.status, 408, r1.raw);
    assert.equal(r1.closed, true);
    assert.ok(Date.now() - t0 < 3500);

    const u = new URL("/stall-body-h2", p.h2.url);
    const session = h2Connect(u.origin, { ca: p.alb.stack.caPem, host: "127.0.0.1", servername: u.hostname });
    session.on("error", () => {});
    const status = await new Promise<number>((resolve) => {
      const req = session.request({ ":method": "POST", ":path": u.pathname });
      req.on("response", (h) => resolve(Number(h[":status"])));
      req.on("error", () => resolve(0));
      req.write("0123456789");
      setTimeout(() => resolve(-1), 4000);
    });
    session.destroy();
    assert.equal(status, 408);
    await wait(200);
    assert.deepEqual(served(p.origin, "/stall-body"), []);
  });
});
