import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { writeRepeated } from "../../support/origin-server.js";
import { singleOriginStack } from "../../support/stacks.js";

/**
 * Bodies stream both ways: the viewer sees the first bytes while the origin is still sending, and
 * the origin sees an upload's first bytes while the viewer is still sending (design.md §edge pipeline).
 */
describe("streaming through the edge", () => {
  let stack: EdgeparityStack;
  let origin: Server;
  let release: () => void = () => {};
  let uploadFirstChunk: Promise<string>;
  let resolveUpload: (s: string) => void = () => {};
  before(async () => {
    origin = createServer((req, res) => {
      if (req.url === "/download") {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.write("first-chunk");
        release = () => res.end("rest");
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(256 << 20) });
        writeRepeated(res, Buffer.alloc(1 << 20, 97), 256);
      } else {
        req.once("data", (c: Buffer) => resolveUpload(c.toString()));
        req.resume();
        req.on("end", () => res.end("uploaded"));
      }
    });
    origin.listen(0, "127.0.0.1");
    await once(origin, "listening");
    const port = (origin.address() as { port: number }).port;
    stack = await startEdgeparity({ config: singleOriginStack(`http://127.0.0.1:${port}`) });
  });
  after(async () => {
    await stack.close();
    origin.closeAllConnections();
    origin.close();
  });

  it("streaming: the viewer receives the first chunk before the origin has finished", async () => {
    const r = await stack.fetch(new URL("/download", stack.distributions.test!.url));
    const reader = r.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), "first-chunk");
    release();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    assert.equal(rest, "rest");
  });

  it("streaming: the origin receives an upload's first chunk before the viewer has finished sending", async () => {
    uploadFirstChunk = new Promise((r) => (resolveUpload = r));
    let finish: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("part-1"));
        finish = () => {
          controller.enqueue(new TextEncoder().encode("part-2"));
          controller.close();
        };
      },
    });
    const pending = stack.fetch(new URL("/upload", stack.distributions.test!.url), { method: "PUT", body, duplex: "half" });
    assert.equal(await uploadFirstChunk, "part-1");
    finish();
    assert.equal(await (await pending).text(), "uploaded");
  });

  it("streaming: a 256 MiB download passes without being buffered (RSS grows far less than the body)", async () => {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const r = await stack.fetch(new URL("/big", stack.distributions.test!.url));
    let total = 0;
    for await (const c of r.body!) {
      total += c.length;
      if ((total & 0xffffff) < c.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.equal(total, 256 << 20);
    assert.ok(peak - rssBefore < 128 << 20, `RSS grew ${((peak - rssBefore) / 2 ** 20).toFixed(0)} MiB for a 256 MiB body`);
  });
});
