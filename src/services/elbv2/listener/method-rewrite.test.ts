import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MethodRewriter } from "./method-rewrite.js";

/** The request-head scanner that carries custom methods past Node's parser (alb.md §2.1 http-request-method). */
const STREAM = [
  "\r\nCUSTOM-METHOD /a HTTP/1.1\r\nHost: x\r\n\r\n",
  // A body that looks like a request head must stay untouched (framing by Content-Length).
  "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 27\r\n\r\nCUSTOM-METHOD /no HTTP/1.1\n",
  // Chunked with an extension and a trailer, then the next head.
  "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nMKCOL\r\n0\r\nX-Trailer: 1\r\n\r\n",
  "PURGE-ALL /d HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET /e HTTP/1.1\r\nHost: x\r\n\r\n",
].join("");
const EXPECTED = STREAM.replace("\r\nCUSTOM-METHOD /a", "\r\nPOST /a").replace("PURGE-ALL /d", "POST /d");

function run(chunks: Buffer[]): { out: string; methods: (string | undefined)[] } {
  const r = new MethodRewriter(65536);
  const out = Buffer.concat(chunks.map((c) => r.feed(c))).toString("latin1");
  const methods: (string | undefined)[] = [];
  for (let i = 0; i < 5; i++) methods.push(r.nextMethod());
  return { out, methods };
}

describe("method-rewrite (alb.md §2.1 custom methods; issue 8 §7)", () => {
  it("method-rewrite: custom methods become POST on the wire and are remembered in request order; bodies are never touched", () => {
    const r = run([Buffer.from(STREAM, "latin1")]);
    assert.equal(r.out, EXPECTED);
    assert.deepEqual(r.methods, ["CUSTOM-METHOD", undefined, undefined, "PURGE-ALL", undefined]);
  });
  it("method-rewrite: the same bytes split at every position give the same result (framing across chunks)", () => {
    const all = Buffer.from(STREAM, "latin1");
    for (let cut = 1; cut < all.length; cut++) {
      const r = run([all.subarray(0, cut), all.subarray(cut)]);
      assert.equal(r.out, EXPECTED, `cut at ${cut}`);
      assert.deepEqual(r.methods, ["CUSTOM-METHOD", undefined, undefined, "PURGE-ALL", undefined]);
    }
    const bytewise = run([...all].map((b) => Buffer.from([b])));
    assert.equal(bytewise.out, EXPECTED);
  });
  it("method-rewrite: framing it cannot follow (TE + CL) switches to pass-through, leaving the parser to refuse it", () => {
    const text = "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nCUSTOM-METHOD / HTTP/1.1\r\n\r\n";
    const r = run([Buffer.from(text)]);
    assert.equal(r.out, text);
  });
  it("method-rewrite: a method that is not a token is left for the parser (400, a Severe BadMethod)", () => {
    const text = "B@D / HTTP/1.1\r\nHost: x\r\n\r\n";
    assert.equal(run([Buffer.from(text)]).out, text);
  });
});
