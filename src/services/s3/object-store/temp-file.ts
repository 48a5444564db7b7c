import { createHash } from "node:crypto";
import { open, unlink, type FileHandle } from "node:fs/promises";

/**
 * The crash-safe write both objects and multipart parts use: stream the body into a temp file
 * while hashing it, then let `commit` finish (trailer, fsync, rename). If the body or `commit`
 * throws, the temp file is closed and removed, so a half-written object is never visible.
 */
export async function writeThroughTempFile<T>(
  tmp: string,
  chunks: AsyncIterable<Buffer>,
  onChunk: ((chunk: Buffer) => void) | undefined,
  commit: (h: FileHandle, size: number, md5: Buffer) => Promise<T>,
): Promise<T> {
  const h = await open(tmp, "w");
  let ok = false;
  try {
    const md5 = createHash("md5");
    let size = 0;
    for await (const c of chunks) {
      md5.update(c);
      onChunk?.(c);
      size += c.length;
      await writeAll(h, c);
    }
    const result = await commit(h, size, md5.digest());
    ok = true;
    return result;
  } finally {
    if (!ok) {
      await h.close().catch(() => {});
      await unlink(tmp).catch(() => {});
    }
  }
}

export async function writeAll(h: FileHandle, b: Buffer): Promise<void> {
  let off = 0;
  while (off < b.length) off += (await h.write(b, off, b.length - off)).bytesWritten;
}
