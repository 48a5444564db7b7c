import { createHash } from "node:crypto";
import { open, unlink, type FileHandle } from "node:fs/promises";

/**
 * The crash-safe write both objects and multipart parts use: stream the body into a temp file
 * while hashing it, then let `commit` finish (trailer, close, rename). If the body or `commit`
 * throws, the temp file is closed and removed, so a half-written object is never visible.
 *
 * Durability: no fsync. An acknowledged write is in the kernel's page cache, which a kill -9 of
 * the process does not lose (test/integration/s3/crash-safety.test.ts); only an OS crash or a
 * power cut could, and a local emulator's state is not worth two disk flushes per PUT (they were
 * most of a 1 MiB PUT's wall time on a virtual disk, issue 14). The rename keeps writes atomic.
 */
export async function writeThroughTempFile<T>(
  tmp: string,
  chunks: AsyncIterable<Buffer>,
  onChunk: ((chunk: Buffer) => void) | undefined,
  commit: (file: TempFile, size: number, md5: Buffer) => Promise<T>,
): Promise<T> {
  const file = new TempFile(tmp);
  let ok = false;
  try {
    const md5 = createHash("md5");
    let size = 0;
    for await (const c of chunks) {
      md5.update(c);
      onChunk?.(c);
      size += c.length;
      await file.append(c);
    }
    const result = await commit(file, size, md5.digest());
    ok = true;
    return result;
  } finally {
    if (!ok) await file.discard();
  }
}

/**
 * Bytes gathered before a write is issued. Each write is a round trip through libuv's thread
 * pool; a socket delivers a body in 64 KiB chunks, so a 1 MiB PUT was 17 writes and is now one
 * writev together with its trailer (issue 14). At most one write is in flight; while it runs the
 * next batch gathers, and reading waits only when that batch is full too (backpressure).
 */
const BATCH_BYTES = 1024 * 1024;

/** A temp file written in batches; opened as soon as it is created, while the body arrives. */
export class TempFile {
  readonly path: string;
  readonly #opening: Promise<FileHandle>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #inFlight: Promise<void> | undefined;

  constructor(path: string) {
    this.path = path;
    this.#opening = open(path, "w");
    // The rejection is seen by the first flush (or discard); never an unhandled one meanwhile.
    this.#opening.catch(() => {});
  }

  /** Queues `b` (kept by reference: the caller must not reuse it); resolves once it may send more. */
  async append(b: Buffer): Promise<void> {
    if (b.length === 0) return;
    this.#pending.push(b);
    this.#pendingBytes += b.length;
    if (this.#pendingBytes < BATCH_BYTES) return;
    if (this.#inFlight) await this.#inFlight;
    this.#startFlush();
  }

  /** Writes what is queued, then returns the inode (for the index) and closes the file. */
  async close(): Promise<number> {
    if (this.#inFlight) await this.#inFlight;
    this.#startFlush();
    await this.#inFlight;
    const h = await this.#opening;
    try {
      return (await h.stat()).ino;
    } finally {
      await h.close();
    }
  }

  /** Closes (if open) and removes the temp file, ignoring errors: the write is abandoned. */
  async discard(): Promise<void> {
    await this.#inFlight?.catch(() => {});
    const h = await this.#opening.catch(() => undefined);
    await h?.close().catch(() => {});
    if (h) await unlink(this.path).catch(() => {});
  }

  #startFlush(): void {
    const bufs = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (bufs.length === 0) {
      this.#inFlight = undefined;
      return;
    }
    const p = this.#opening.then((h) => writevAll(h, bufs));
    // A failed write is reported by the next append that waits, close() or discard(): never unhandled.
    p.catch(() => {});
    this.#inFlight = p;
  }
}

async function writevAll(h: FileHandle, bufs: Buffer[]): Promise<void> {
  const total = bufs.reduce((n, b) => n + b.length, 0);
  const { bytesWritten } = await h.writev(bufs);
  if (bytesWritten === total) return;
  // A short write (a full disk is reported as an error, so this is rare): write the rest plainly.
  const rest = Buffer.concat(bufs).subarray(bytesWritten);
  let off = 0;
  while (off < rest.length) off += (await h.write(rest, off, rest.length - off)).bytesWritten;
}
