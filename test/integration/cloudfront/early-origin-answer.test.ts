import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { singleOriginStack } from "../../support/stacks.js";

/**
 * An origin that answers at once without reading the upload (a 413, an early 200): the viewer gets
 * the whole answer and its request ends. The rest of the viewer's body is read and dropped, so an
 * HTTP/2 stream's receive window reopens and the client finishes sending (RFC 9113 §5.2 flow
 * control; found by the end-to-end suite, issue 9); the origin connection is not left half-written.
 */
describe("CloudFront: an origin that answers before reading the upload (RFC 9113 §5.2, issue 9)", () => {
  let stack: EdgeparityStack;
  let origin: Server;
  let dir: string;
  let originRequests = 0;
  const files: Record<string, string> = {};
  const SIZES = { "0 B": 0, "1 KiB": 1024, "2 MiB": 2 * 1024 * 1024, "8 MiB": 8 * 1024 * 1024 };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-early-"));
    for (const [name, size] of Object.entries(SIZES)) writeFileSync((files[name] = join(dir, `${size}.bin`)), Buffer.alloc(size, 97));
    // Answers on the request head, never reads the body.
    origin = createServer((req, res) => {
      originRequests++;
      res.writeHead(req.url === "/too-large" ? 413 : 200, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end(`answered ${req.method} ${req.url} without reading`);
    });
    await new Promise<void>((r) => origin.listen(0, "127.0.0.1", r));
    stack = await startEdgeparity({ config: singleOriginStack(`http://127.0.0.1:${(origin.address() as AddressInfo).port}`) });
  });
  after(async () => {
    await stack?.close();
    origin?.closeAllConnections();
    await new Promise((r) => origin?.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const openOriginConnections = () => new Promise<number>((r) => origin.getConnections((_e, n) => r(n)));

  for (const v of HTTP_VERSIONS) {
    for (const [name] of Object.entries(SIZES)) {
      for (const [method, path, status] of [
        ["POST", "/early", 200],
        ["PUT", "/too-large", 413],
      ] as const) {
        it(`early origin answer ${v}: ${method} of ${name} gets the origin's ${status} and the request ends`, async () => {
          const started = Date.now();
          const r = await curl(`${stack.distributions.test!.url}${path.slice(1)}`, v, {
            caPath: stack.caPath,
            args: ["-X", method, "--data-binary", `@${files[name]}`],
            timeoutMs: 15_000,
          });
          assert.equal(r.status, status, `curl got no complete answer after ${Date.now() - started} ms: ${r.body.slice(0, 200)}`);
          assert.equal(r.body, `answered ${method} ${path} without reading`);
          assert.equal(r.headers["x-cache"], status >= 400 ? "Error from cloudfront" : "Miss from cloudfront");
        });
      }
    }
  }

  it("early origin answer: origin connections are finished, not left open half-written (no socket leak)", async () => {
    const before = originRequests;
    for (let i = 0; i < 4; i++) {
      const r = await curl(`${stack.distributions.test!.url}early`, "--http2", {
        caPath: stack.caPath,
        args: ["-X", "POST", "--data-binary", `@${files["8 MiB"]}`],
        timeoutMs: 15_000,
      });
      assert.equal(r.status, 200);
    }
    assert.equal(originRequests - before, 4);
    // At most one idle keep-alive connection may stay; every half-written one is closed.
    let open = await openOriginConnections();
    for (let i = 0; i < 50 && open > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      open = await openOriginConnections();
    }
    assert.ok(open <= 1, `${open} origin connections still open`);
  });
});
