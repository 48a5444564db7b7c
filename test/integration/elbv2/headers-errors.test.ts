import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { forward, HTTP80, startAlb, tg, type AlbHarness } from "./alb-harness.js";

/** What a target received, health checks left out. */
const served = (o: OriginServer) => o.requests.filter((r) => r.headers["user-agent"] !== "ELB-HealthChecker/2.0");

describe("headers to the target, ALB error pages, listeners on local ports (alb.md §1, §7, §8)", () => {
  let alb: AlbHarness;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((req, res) => {
      if (req.url === "/502") return res.socket?.destroy();
      res.writeHead(200, { "content-type": "text/plain", server: "target" });
      res.end("ok");
    });
    alb = await startAlb({
      targetGroups: [tg("app"), tg("dead")],
      targets: { app: [origin.url], dead: ["http://127.0.0.1:9"] },
      listeners: [
        HTTP80([forward("app")], [{ Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/dead"] }], Actions: [forward("dead")] }]),
        {
          Protocol: "HTTPS",
          Port: 8443,
          DefaultActions: [forward("app")],
          Attributes: [{ Key: "routing.http.response.x_frame_options.header_value", Value: "DENY" }],
        },
      ],
    });
  });
  after(async () => {
    await alb.close();
    await origin.close();
  });
  const last = () => served(origin).at(-1)!;

  it("headers: X-Forwarded-For appended with ', ', Proto/Port of the listener, trace id format, Host without port on 80 (alb.md §7.1–7.4)", async () => {
    const r = await alb.send("/a?b=1", { headers: { "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https", host: "Shop.example.com:80" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers["server"], "target");
    const h = last().headers;
    assert.equal(h["x-forwarded-for"], "203.0.113.7, 127.0.0.1");
    assert.equal(h["x-forwarded-proto"], "http");
    assert.equal(h["x-forwarded-port"], "80");
    assert.equal(h["host"], "Shop.example.com");
    assert.match(h["x-amzn-trace-id"] as string, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(last().url, "/a?b=1");
  });
  it("headers: an incoming Root gets Self= in front, custom fields kept (alb.md §7.3)", async () => {
    await alb.send("/", { headers: { "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678;CalledFrom=app" } });
    assert.match(last().headers["x-amzn-trace-id"] as string, /^Self=1-[0-9a-f]{8}-[0-9a-f]{24};Root=1-67891233-abcdef012345678912345678;CalledFrom=app$/);
  });
  it("headers: HTTPS listener on its own port: proto https, port 8443 appended to Host, listener response headers (alb.md §1, §7.4, §7.6)", async () => {
    const l = alb.stack.loadBalancers["alb"]!.listeners[1]!;
    assert.equal(l.protocol, "HTTPS");
    assert.match(l.url, /^https:\/\/alb-\d+\.us-east-1\.elb\.localhost:\d+\/$/);
    const r = await alb.send("/tls", { listener: 1 });
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-frame-options"], "DENY");
    const h = last().headers;
    assert.equal(h["x-forwarded-proto"], "https");
    assert.equal(h["x-forwarded-port"], "8443");
    // The client's Host carries the local port; the target sees the listener's own port (8443).
    assert.equal(h["host"], `${alb.stack.loadBalancers["alb"]!.host}:8443`);
  });
  it("headers: the gateway host name reaches the load balancer too (design.md §Hostnames)", async () => {
    const r = await alb.stack.fetch(new URL("/via-gateway", alb.stack.loadBalancers["alb"]!.httpUrl));
    assert.equal(r.status, 200);
    assert.equal(last().url, "/via-gateway");
  });
  it("errors: target refuses the connection → 502 Bad Gateway page, 122 bytes, Server awselb/2.0 (alb.md §8.1, §8.2)", async () => {
    const r = await alb.send("/dead");
    assert.equal(r.status, 502);
    assert.equal(r.body.length, 122);
    assert.equal(
      r.text,
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    );
    assert.equal(r.headers["server"], "awselb/2.0");
    assert.equal(r.headers["content-type"], "text/html");
  });
  it("errors: target closes the socket mid-request → 502 (alb.md §8.1)", async () => {
    assert.equal((await alb.send("/502")).status, 502);
  });
  it("errors: more than 30 X-Forwarded-For addresses → 463, never forwarded (alb.md §7.1)", async () => {
    const before = served(origin).length;
    const xff = Array.from({ length: 31 }, (_, i) => `10.0.0.${i}`).join(", ");
    const r = await alb.send("/", { headers: { "x-forwarded-for": xff } });
    assert.equal(r.status, 463);
    assert.equal(served(origin).length, before);
    const ok = await alb.send("/", { headers: { "x-forwarded-for": xff.split(", ").slice(0, 30).join(", ") } });
    assert.equal(ok.status, 200);
  });
  it("errors: TRACE → 405; a header over 16 KB → 400 (alb.md §8.1, §7.5)", async () => {
    assert.equal((await alb.send("/", { method: "TRACE" })).status, 405);
    assert.equal((await alb.send("/", { headers: { "x-big": "a".repeat(17 * 1024) } })).status, 400);
  });
});

describe("headers: X-Forwarded-For modes and Host preservation (alb.md §7.1, §7.4)", () => {
  for (const [mode, expected] of [
    ["preserve", "198.51.100.1"],
    ["remove", undefined],
  ] as const) {
    it(`headers: xff_header_processing.mode=${mode} (alb.md §7.1)`, async () => {
      const origin = await startOrigin();
      const alb = await startAlb({
        attributes: [
          { Key: "routing.http.xff_header_processing.mode", Value: mode },
          { Key: "routing.http.preserve_host_header.enabled", Value: "true" },
        ],
        targetGroups: [tg("app")],
        targets: { app: [origin.url] },
        listeners: [{ Protocol: "HTTP", Port: 8080, DefaultActions: [forward("app")] }],
      });
      try {
        await alb.send("/", { headers: { "x-forwarded-for": "198.51.100.1", host: "x.example.com:1234" } });
        const h = served(origin)[0]!.headers;
        assert.equal(h["x-forwarded-for"], expected);
        assert.equal(h["host"], "x.example.com:1234");
      } finally {
        await alb.close();
        await origin.close();
      }
    });
  }
  it("headers: xff_client_port appends ip:port (alb.md §7.1)", async () => {
    const origin = await startOrigin();
    const alb = await startAlb({
      attributes: [{ Key: "routing.http.xff_client_port.enabled", Value: "true" }],
      targetGroups: [tg("app")],
      targets: { app: [origin.url] },
      listeners: [HTTP80([forward("app")])],
    });
    try {
      await alb.send("/");
      assert.match(served(origin)[0]!.headers["x-forwarded-for"] as string, /^127\.0\.0\.1:\d+$/);
    } finally {
      await alb.close();
      await origin.close();
    }
  });
});
