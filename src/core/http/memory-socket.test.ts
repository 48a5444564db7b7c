import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { MemorySocket } from "./memory-socket.js";

const pair = () => MemorySocket.pair({ address: "127.0.0.1", port: 40001 }, { address: "127.0.0.1", port: 8080 });

async function readAll(s: MemorySocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("memory-socket: a connection inside the process that behaves as loopback TCP does (issue 14)", () => {
  it("memory-socket: each end shows the addresses and ports a TCP socket would, seen from its side", () => {
    const [c, s] = pair();
    assert.deepEqual([c.localAddress, c.localPort, c.remoteAddress, c.remotePort], ["127.0.0.1", 40001, "127.0.0.1", 8080]);
    assert.deepEqual([s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.remoteFamily], ["127.0.0.1", 8080, "127.0.0.1", 40001, "IPv4"]);
    assert.deepEqual(s.address(), { address: "127.0.0.1", family: "IPv4", port: 8080 });
    assert.equal(c.setNoDelay().setKeepAlive().ref().unref(), c);
    c.destroy();
  });

  it("memory-socket: 8 MiB written in 64 KiB pieces arrive whole and in order, with back-pressure (the writer waits for the reader), and counted", async () => {
    const [c, s] = pair();
    const closed = Promise.all([once(c, "close"), once(s, "close")]);
    c.resume();
    const piece = Buffer.alloc(64 * 1024);
    const total = 128;
    let drains = 0;
    c.on("drain", () => drains++);
    const reading = (async () => {
      // A slow reader: the writer must be held back, not buffered without bound.
      await new Promise((r) => setTimeout(r, 20));
      return readAll(s);
    })();
    for (let i = 0; i < total; i++) {
      piece.writeUInt32BE(i, 0);
      if (!c.write(Buffer.from(piece))) await once(c, "drain");
    }
    c.end();
    const got = await reading;
    assert.equal(got.length, total * piece.length);
    for (let i = 0; i < total; i++) assert.equal(got.readUInt32BE(i * piece.length), i);
    assert.ok(drains > 0, "the writer saw back-pressure");
    assert.equal(c.bytesWritten, got.length);
    assert.equal(s.bytesRead, got.length);
    await closed;
  });

  it("memory-socket: end is a FIN (the peer reads EOF, then both close); destroy after everything was read is a FIN too", async () => {
    const [c, s] = pair();
    const closed = Promise.all([once(c, "close"), once(s, "close")]);
    c.resume();
    c.end("bye");
    assert.equal((await readAll(s)).toString(), "bye");
    await closed;
    const [c2, s2] = pair();
    const reading = readAll(s2);
    c2.destroy();
    assert.equal((await reading).length, 0);
  });

  it("memory-socket: an end that sent its FIN still reads: the answer written after it arrives (TCP's half-close)", async () => {
    const [c, s] = pair();
    s.once("data", () => s.write("answer"));
    s.resume();
    c.end("request");
    assert.equal((await readAll(c)).toString(), "answer");
  });

  it("memory-socket: destroying an end that left bytes unread resets the other (ECONNRESET), and a write to an end already gone fails the same way", async () => {
    const [c, s] = pair();
    s.write("unread");
    await new Promise((r) => setImmediate(r));
    const err = once(s, "error");
    c.destroy();
    assert.equal(((await err)[0] as NodeJS.ErrnoException).code, "ECONNRESET");

    const [c2, s2] = pair();
    s2.destroy();
    const err2 = once(c2, "error");
    c2.write("late");
    assert.equal(((await err2)[0] as NodeJS.ErrnoException).code, "ECONNRESET");
  });

  it("memory-socket: setTimeout emits `timeout` after that long without a byte either way; traffic restarts it; 0 turns it off", async () => {
    const [c, s] = pair();
    s.resume();
    let fired = 0;
    c.setTimeout(80, () => fired++);
    assert.equal(c.timeout, 80);
    const t = setInterval(() => c.write("x"), 20);
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(t);
    assert.equal(fired, 0, "writes kept it from firing");
    // The timer does not hold the process open (as net.Socket's does not); this test's own timer does.
    const keep = setTimeout(() => {}, 5000);
    await once(c, "timeout");
    clearTimeout(keep);
    assert.equal(fired, 1);
    c.setTimeout(0);
    assert.equal(c.timeout, undefined);
    c.destroy();
  });
});
