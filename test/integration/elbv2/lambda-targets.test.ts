import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { connect as h2Connect } from "node:http2";
import { connect as netConnect } from "node:net";
import { forward, HTTP80, startAlb, type AlbHarness } from "./alb-harness.js";
// The same module instance the load balancer imports (same file URL).
import { events } from "./fixtures/lambda.mjs";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const lambdaTg = (Name: string, multi = false) => ({
  Name,
  TargetType: "lambda",
  Attributes: multi ? [{ Key: "lambda.multi_value_headers.enabled", Value: "true" }] : [],
});

describe("Lambda targets: event shape, response contract, limits (alb.md §10)", () => {
  let alb: AlbHarness;
  before(async () => {
    alb = await startAlb({
      baseDir: FIXTURES,
      targetGroups: [lambdaTg("fn"), lambdaTg("multi", true)],
      targets: { fn: [{ lambda: "lambda.mjs", handler: "echo" }], multi: [{ lambda: "lambda.mjs", handler: "echo" }] },
      listeners: [HTTP80([forward("fn")], [{ Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/multi*"] }], Actions: [forward("multi")] }])],
    });
  });
  after(() => alb.close());
  const lastEvent = () => events[events.length - 1] as Record<string, unknown>;

  it("lambda: single-value event — lower-case headers, last value wins, query not decoded, text body as string (alb.md §10.2)", async () => {
    const r = await alb.send("/lambda?query=a%20b&k=1&k=2", {
      method: "POST",
      headers: { "X-Custom": ["one", "two"], "content-type": "application/json" },
      body: '{"a":1}',
    });
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"ok":true}');
    assert.equal(r.headers["connection"], "keep-alive");
    const e = lastEvent();
    assert.equal(e["httpMethod"], "POST");
    assert.equal(e["path"], "/lambda");
    assert.deepEqual(e["queryStringParameters"], { query: "a%20b", k: "2" });
    const h = e["headers"] as Record<string, string>;
    assert.equal(h["x-custom"], "two");
    assert.equal(h["x-forwarded-proto"], "http");
    assert.equal(h["x-forwarded-port"], "80");
    assert.match(h["x-amzn-trace-id"]!, /^Root=1-/);
    assert.equal(e["body"], '{"a":1}');
    assert.equal(e["isBase64Encoded"], false);
    assert.match(
      (e["requestContext"] as { elb: { targetGroupArn: string } }).elb.targetGroupArn,
      /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:targetgroup\/fn\/[0-9a-f]{16}$/,
    );
    assert.equal(e["multiValueHeaders"], undefined);
  });
  it("lambda: binary request bodies are base64; empty query is {} (alb.md §10.2)", async () => {
    await alb.send("/up", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: Buffer.from([1, 2, 3]) });
    const e = lastEvent();
    assert.equal(e["isBase64Encoded"], true);
    assert.equal(e["body"], "AQID");
    assert.deepEqual(e["queryStringParameters"], {});
  });
  it("lambda: multi-value mode — multiValueHeaders/multiValueQueryStringParameters in, multiValueHeaders out (alb.md §10.2, §10.4)", async () => {
    const r = await alb.send("/multi?k=1&k=2", { headers: { "x-custom": ["one", "two"] } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.headers["set-cookie"], ["a=1", "b=2"]);
    const e = lastEvent();
    assert.deepEqual(e["multiValueQueryStringParameters"], { k: ["1", "2"] });
    assert.deepEqual((e["multiValueHeaders"] as Record<string, string[]>)["x-custom"], ["one", "two"]);
    assert.equal(e["headers"], undefined);
  });
  it("lambda: isBase64Encoded responses are decoded to bytes (alb.md §10.4)", async () => {
    const r = await alb.send("/binary");
    assert.deepEqual([...r.body], [0, 1, 2, 255]);
    assert.equal(r.headers["content-length"], "4");
  });
  it("lambda: unhandled error, non-string header, null headers, response over 1 MB → 502 (alb.md §10.4)", async () => {
    for (const p of ["/throw", "/bool", "/null-headers", "/big"]) {
      const r = await alb.send(p);
      assert.equal(r.status, 502, p);
      assert.equal(r.headers["server"], "awselb/2.0");
    }
    assert.ok((alb.stack.targetGroups["fn"]!.metrics()["LambdaUserError"] ?? 0) >= 4);
  });
  it("lambda: a request body over 1 MB → 413 (alb.md §10.1)", async () => {
    const r = await alb.send("/", { method: "POST", headers: { "content-type": "text/plain" }, body: "x".repeat(1024 * 1024 + 1) });
    assert.equal(r.status, 413);
  });
  it("lambda: health checks are off by default — state unavailable (alb.md §4.1, §4.2)", () => {
    assert.deepEqual(
      alb.stack.targetGroups["fn"]!.health().map((h) => [h.state, h.reason]),
      [["unavailable", "Target.HealthCheckDisabled"]],
    );
  });
});

describe("Lambda targets: an abandoned upload is never invoked (alb.md §8.1; issue 8 §9)", () => {
  it("lambda: a client that leaves mid-upload, HTTP/1.1 and HTTP/2, never reaches the function; logged 460", async () => {
    const alb = await startAlb({
      baseDir: FIXTURES,
      targetGroups: [lambdaTg("fn")],
      targets: { fn: [{ lambda: "lambda.mjs", handler: "echo" }] },
      listeners: [HTTP80([forward("fn")]), { Protocol: "HTTPS", Port: 443, DefaultActions: [forward("fn")] }],
      attributes: [{ Key: "access_logs.s3.enabled", Value: "true" }],
    });
    try {
      const [h1, h2] = alb.stack.loadBalancers["alb"]!.listeners;
      const s = netConnect(h1!.localPort, "127.0.0.1");
      s.on("error", () => {});
      await new Promise((r) => s.once("connect", r));
      s.write("POST /abandoned-h1 HTTP/1.1\r\nHost: x.example.com\r\nContent-Type: text/plain\r\nContent-Length: 2000\r\n\r\n" + "a".repeat(500));
      await new Promise((r) => setTimeout(r, 150));
      s.destroy();
      const u = new URL(h2!.url);
      const session = h2Connect(u.origin, { ca: alb.stack.caPem, host: "127.0.0.1", servername: u.hostname });
      session.on("error", () => {});
      const req = session.request({ ":method": "POST", ":path": "/abandoned-h2", "content-type": "text/plain" });
      req.on("error", () => {});
      req.write("a".repeat(500));
      await new Promise((r) => setTimeout(r, 150));
      session.destroy();
      const log = alb.stack.loadBalancers["alb"]!.accessLog;
      for (let i = 0; i < 100 && log.filter((l) => l.includes("/abandoned-")).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const lines = log.filter((l) => l.includes("/abandoned-"));
      assert.equal(lines.length, 2);
      for (const l of lines) assert.match(l, / 460 - /);
      assert.deepEqual(
        events.filter((e) => String((e as Record<string, unknown>)["path"]).startsWith("/abandoned")),
        [],
      );
    } finally {
      await alb.close();
    }
  });
});
