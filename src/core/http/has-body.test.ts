import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, request, type IncomingMessage } from "node:http";
import { connect, createServer as createH2Server, type Http2ServerRequest } from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { hasRequestBody } from "./has-body.js";

/** Real servers on port 0 that answer `hasRequestBody` of each request they receive. */
describe("has-body", () => {
  const answer = (req: IncomingMessage | Http2ServerRequest, res: { end(s: string): void }) => {
    const verdict = String(hasRequestBody(req as IncomingMessage));
    req.resume();
    req.on("end", () => res.end(verdict));
  };
  const h1 = createServer(answer);
  const h2 = createH2Server(answer);
  let h1Port = 0;
  let h2Port = 0;
  before(async () => {
    h1.listen(0, "127.0.0.1");
    h2.listen(0, "127.0.0.1");
    await Promise.all([once(h1, "listening"), once(h2, "listening")]);
    h1Port = (h1.address() as AddressInfo).port;
    h2Port = (h2.address() as AddressInfo).port;
  });
  after(() => {
    h1.closeAllConnections();
    h1.close();
    h2.close();
  });

  const viaH1 = (method: string, headers: Record<string, string>, body?: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: h1Port, method, headers, agent: false, timeout: 5000 });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.on("response", (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c));
        res.on("end", () => resolve(text));
      });
      req.end(body);
    });
  const viaH2 = (method: string, headers: Record<string, string>, body?: string) =>
    new Promise<string>((resolve, reject) => {
      const session = connect(`http://127.0.0.1:${h2Port}`);
      session.on("error", reject);
      const req = session.request({ ":method": method, ":path": "/", ...headers }, { endStream: body === undefined });
      req.setTimeout(5000, () => req.close());
      let text = "";
      req.on("data", (c: Buffer) => (text += c));
      req.on("error", reject);
      req.on("close", () => {
        session.close();
        resolve(text);
      });
      if (body !== undefined) req.end(body);
    });

  it("has-body: HTTP/1.1 — none without framing or with Content-Length 0; a body with Content-Length > 0 or chunked (RFC 9112 §6.3)", async () => {
    assert.equal(await viaH1("GET", {}), "false");
    assert.equal(await viaH1("POST", { "content-length": "0" }, ""), "false");
    assert.equal(await viaH1("POST", { "content-length": "5" }, "hello"), "true");
    assert.equal(await viaH1("POST", { "transfer-encoding": "chunked" }, "hello"), "true");
    assert.equal(await viaH1("POST", { "transfer-encoding": "chunked" }, ""), "true", "Transfer-Encoding announces a body, even an empty one");
  });
  it("has-body: HTTP/2 — none when HEADERS ends the stream or content-length is 0; a body in DATA frames with or without content-length (RFC 9113 §8.1)", async () => {
    assert.equal(await viaH2("GET", {}), "false");
    assert.equal(await viaH2("POST", {}), "false");
    assert.equal(await viaH2("POST", { "content-length": "0" }, ""), "false");
    assert.equal(await viaH2("POST", {}, "hello"), "true");
    assert.equal(await viaH2("POST", { "content-length": "5" }, "hello"), "true");
  });
});
