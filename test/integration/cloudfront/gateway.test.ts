import assert from "node:assert/strict";
import { connect as http2Connect } from "node:http2";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { rawRequest } from "../../support/raw-http.js";
import { loopbackAgent } from "../../support/loopback-agent.js";
import { singleOriginStack } from "../../support/stacks.js";

describe("gateway: Host routing, HTTPS/HTTP2, hostile input (cloudfront.md §1.1, §11.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  let host: string;
  before(async () => {
    origin = await startOrigin();
    stack = await startEdgeparity({ config: singleOriginStack(origin.url, {}, { Aliases: { Quantity: 1, Items: ["www.example.com"] } }) });
    host = stack.distributions.test!.domain;
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });

  it("gateway: an alias routes to its distribution", async () => {
    const r = await stack.fetch(`https://www.example.com:${stack.httpsPort}/a`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-cache"), "Miss from cloudfront");
  });

  it("gateway: an unknown Host gets a clear 404 listing the served hosts, and is never proxied", async () => {
    const before = origin.requests.length;
    const r = await rawRequest(stack.httpPort, "GET / HTTP/1.1\r\nHost: evil.example.net\r\nConnection: close\r\n\r\n");
    assert.equal(r.status, 404);
    assert.match(r.raw, /nothing is served at host "evil\.example\.net"/);
    assert.match(r.raw, new RegExp(host.replaceAll(".", "\\.")));
    assert.equal(origin.requests.length, before);
  });

  it("gateway: a malformed request line gets 400 and the server stays up", async () => {
    const bad = await rawRequest(stack.httpPort, "GARBAGE\r\n\r\n");
    assert.equal(bad.status, 400);
    const bad2 = await rawRequest(stack.httpPort, `GET / HTTP/1.1\r\nHost: ${host}\r\nBad Header Name: x\r\n\r\n`);
    assert.equal(bad2.status, 400);
    const ok = await stack.fetch(new URL("/after", stack.distributions.test!.url));
    assert.equal(ok.status, 200);
  });

  it("limits: request headers over 20,480 bytes → 413 and the connection closes (cloudfront.md §11.2)", async () => {
    const big = "a".repeat(21000);
    const r = await rawRequest(stack.httpPort, `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${big}\r\n\r\n`);
    assert.equal(r.status, 413);
    assert.equal(r.closed, true);
  });

  it("limits: a URL over 8,192 bytes → 413 (cloudfront.md §11.2)", async () => {
    const r = await rawRequest(stack.httpPort, `GET /${"p".repeat(8200)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    assert.equal(r.status, 413);
  });

  it("limits: headers just under 20,480 bytes pass", async () => {
    const r = await stack.fetch(new URL("/ok", stack.distributions.test!.url), { headers: { "x-big": "a".repeat(19000) } });
    assert.equal(r.status, 200);
  });

  it("limits: absurd headers (over 64 KiB) are refused by the gateway with 431, server stays up", async () => {
    const r = await rawRequest(stack.httpPort, `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${"a".repeat(70000)}\r\n\r\n`);
    assert.equal(r.status, 431);
    assert.equal((await stack.fetch(new URL("/ok", stack.distributions.test!.url))).status, 200);
  });

  it("https: HTTP/2 is negotiated by ALPN and served with the same headers", async () => {
    const session = http2Connect(`https://${host}:${stack.httpsPort}`, { ca: stack.caPem, host: "127.0.0.1", servername: host });
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = session.request({ ":path": "/h2", ":method": "GET" });
      req.on("response", (h) => {
        req.resume();
        req.on("end", () => resolve(h));
      });
      req.on("error", reject);
      req.end();
    });
    session.close();
    assert.equal(headers[":status"], 200);
    assert.equal(headers["x-cache"], "Miss from cloudfront");
    assert.equal(origin.requests.at(-1)!.headers.via!.startsWith("2.0 "), true, "Via toward the origin carries the viewer's HTTP/2.0");
  });

  it("https: the local CA's certificate is rejected without trust (real TLS)", async () => {
    const { fetch } = await import("undici");
    const agent = loopbackAgent();
    await assert.rejects(fetch(stack.distributions.test!.url, { dispatcher: agent }));
    await agent.close();
  });
});
