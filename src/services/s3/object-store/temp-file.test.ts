import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { writeThroughTempFile } from "./temp-file.js";

/** Chunks of uneven sizes (1 B to ~200 KiB), each byte depending on its offset: reordering shows. */
function unevenChunks(total: number): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; off < total; i++) {
    const n = Math.min(total - off, [1, 65536, 7, 200_003, 16384, 65536][i % 6]!);
    const b = Buffer.allocUnsafe(n);
    for (let j = 0; j < n; j++) b[j] = (off + j) * 31 + ((off + j) >> 11);
    out.push(b);
    off += n;
  }
  return out;
}
async function* from(chunks: Buffer[], failAfter?: number): AsyncGenerator<Buffer> {
  let sent = 0;
  for (const c of chunks) {
    if (failAfter !== undefined && sent >= failAfter) throw new Error("client went away");
    await new Promise((r) => setImmediate(r));
    sent += c.length;
    yield c;
  }
}
const md5 = (b: Buffer) => createHash("md5").update(b).digest();

/** The temp-file write objects and parts share (s3.md §10: a write is whole or absent; issue 14: batched). */
describe("s3 object store: temp-file writes", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgeparity-tempfile-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const total of [0, 1, 1024 * 1024, 3 * 1024 * 1024 + 5]) {
    it(`a ${total}-byte body written across batches is stored in order, with its MD5 and inode (s3.md §4.2 ETag)`, async () => {
      const chunks = unevenChunks(total);
      const tmp = join(dir, `ok-${total}`);
      const got = await writeThroughTempFile(tmp, from(chunks), undefined, async (file, size, digest) => {
        await file.append(Buffer.from("TRAILER"));
        return { size, digest, ino: await file.close() };
      });
      const whole = Buffer.concat(chunks);
      assert.equal(got.size, total);
      assert.deepEqual(got.digest, md5(whole));
      assert.equal(got.ino, (await stat(tmp)).ino);
      assert.ok((await readFile(tmp)).equals(Buffer.concat([whole, Buffer.from("TRAILER")])));
    });
  }

  it("a 1 MiB body in 64 KiB chunks takes at most two writes, not one per chunk (issue 14: thread-pool round trips)", async () => {
    const probe = await open(join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => unknown; writev: (...a: unknown[]) => unknown };
    await probe.close();
    const { write, writev } = proto;
    let calls = 0;
    proto.write = function (this: unknown, ...a: unknown[]) {
      calls++;
      return write.apply(this, a);
    };
    proto.writev = function (this: unknown, ...a: unknown[]) {
      calls++;
      return writev.apply(this, a);
    };
    try {
      const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(65536, i));
      await writeThroughTempFile(join(dir, "batched"), from(chunks), undefined, async (file) => {
        await file.append(Buffer.from("TRAILER"));
        return file.close();
      });
    } finally {
      proto.write = write;
      proto.writev = writev;
    }
    assert.ok(calls >= 1 && calls <= 2, `${calls} write calls`);
  });

  it("a body that fails after two batches leaves no temp file (s3.md §10: never a partial object)", async () => {
    const sub = join(dir, "fail");
    await mkdir(sub);
    await assert.rejects(
      writeThroughTempFile(join(sub, "t"), from(unevenChunks(3 * 1024 * 1024), 2.5 * 1024 * 1024), undefined, (file) => file.close()),
      /client went away/,
    );
    assert.deepEqual(await readdir(sub), []);
  });

  it("a commit that refuses the body (a bad checksum) leaves no temp file (s3.md §4.2 BadDigest)", async () => {
    const sub = join(dir, "refuse");
    await mkdir(sub);
    await assert.rejects(
      writeThroughTempFile(join(sub, "t"), from(unevenChunks(2 * 1024 * 1024)), undefined, async () => {
        throw new Error("BadDigest");
      }),
      /BadDigest/,
    );
    assert.deepEqual(await readdir(sub), []);
  });

  it("a temp file that cannot be created fails the write, after the body, without an unhandled rejection", async () => {
    let unhandled: unknown;
    const onUnhandled = (e: unknown) => (unhandled = e);
    process.on("unhandledRejection", onUnhandled);
    try {
      await assert.rejects(
        writeThroughTempFile(join(dir, "no-such-folder", "t"), from(unevenChunks(2 * 1024 * 1024)), undefined, (file) => file.close()),
        { code: "ENOENT" },
      );
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.equal(unhandled, undefined);
  });
});
