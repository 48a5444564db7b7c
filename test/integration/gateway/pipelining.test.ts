import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { singleOriginStack } from "../../support/stacks.js";

/**
 * Issue 8 §9 / RFC 9112 §9.3.2: pipelined HTTP/1.x requests are served one at a time. (HTTP/2 has
 * no pipelining: its streams are independent, so this is an HTTP/1.x-only property.)
 */
describe("gateway: HTTP/1.x pipelining (RFC 9112 §9.3.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((req, res) => {
      // /stream has no Content-Length: an HTTP/1.0 viewer's connection must close after it.
      if (req.url === "/stream") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("o");
        setTimeout(() => res.end("k"), 30);
      } else {
        res.writeHead(200, { "content-type": "text/plain", "content-length": 2 });
        res.end("ok");
      }
    });
    stack = await startEdgeparity({ config: singleOriginStack(origin.url) });
  });
  after(async () => {
    await stack?.close();
    await origin?.close();
  });

  const pipeline = (text: string) =>
    new Promise<string>((resolve) => {
      const s = connect(stack.httpPort, "127.0.0.1", () => s.write(text));
      let out = "";
      s.on("data", (d) => (out += d.toString("latin1")));
      s.on("close", () => resolve(out));
      setTimeout(() => s.destroy(), 2000).unref();
    });

  it("HTTP/1.0 keep-alive: a request pipelined behind a response that must close the connection never reaches the origin", async () => {
    const host = stack.distributions.test!.domain;
    origin.requests.length = 0;
    const out = await pipeline(
      `GET /stream HTTP/1.0\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\nGET /second HTTP/1.0\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`,
    );
    assert.equal(out.match(/HTTP\/1\.1 \d{3}/g)?.length, 1, out);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      origin.requests.map((r) => r.url),
      ["/stream"],
      "the second request was dropped unseen, not sent and left unanswered",
    );
  });

  it("HTTP/1.1: pipelined requests are each answered, in order", async () => {
    const host = stack.distributions.test!.domain;
    origin.requests.length = 0;
    const out = await pipeline(`GET /stream HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /second HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    assert.equal(out.match(/HTTP\/1\.1 200/g)?.length, 2, out);
    assert.deepEqual(
      origin.requests.map((r) => r.url),
      ["/stream", "/second"],
    );
  });
});
