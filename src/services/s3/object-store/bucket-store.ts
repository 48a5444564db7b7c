import { createHash } from "node:crypto";
import { copyFile, mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { writeThroughTempFile } from "./temp-file.js";

/**
 * One bucket's objects on disk. Steps of a write: stream into `tmp/<uuid>` (body, then a JSON
 * trailer with the metadata), rename over `objects/<xx>/<sha256(key)>`, then update the in-memory
 * index. A rename is atomic, so a reader sees the old or the new object, never a partial one, and
 * an acknowledged PUT survives kill -9 (design.md §State, s3.md §10): its bytes are in the page
 * cache. Nothing is fsynced — an OS crash may lose the last writes (temp-file.ts says why).
 * File names are a hash of the key, so any key S3 allows (`../x`, `a%2Fb`, 1024 bytes) maps to one
 * safe name and `a/b` never collides with `a%2Fb`. The key itself lives in the trailer.
 */
export interface ObjectMeta {
  key: string;
  size: number;
  /** Quoted, as sent in the ETag header. */
  etag: string;
  /** Milliseconds, second precision (Last-Modified has seconds only). */
  lastModified: number;
  contentType: string;
  /** Stored content headers (content-encoding, content-disposition, …), lower-case names. */
  headers: Record<string, string>;
  /** User metadata, lower-case names without the `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
  /** x-amz-checksum-<algorithm> → base64 value. */
  checksums: Record<string, string>;
  /** Part sizes when the object came from a multipart upload. */
  partSizes?: number[];
  /** The object's tag set, in the order it was given (PutObjectTagging, `x-amz-tagging`). */
  tags?: [string, string][];
  /** `COMPOSITE` when `checksums` holds a multipart checksum of checksums (`<base64>-<parts>`). */
  checksumType?: "COMPOSITE";
  /** Where a seeded object came from (local.buckets.<name>.folder), to re-sync on change. */
  seed?: { mtimeMs: number; size: number };
}

interface IndexEntry extends ObjectMeta {
  ino: number;
}

const TRAILER_MAGIC = Buffer.from("EPS3");

export interface OpenObject {
  meta: ObjectMeta;
  handle: FileHandle;
}

/** A small object's current version, read into memory (GetObject serves it with one `end(buffer)`). */
export interface SmallObject {
  meta: ObjectMeta;
  body: Buffer;
}

export type BodyChunkHook = (chunk: Buffer) => void;

/**
 * Objects up to this size stay in memory once read, within a per-bucket budget: a GET of a small
 * object was four file-system calls (open, stat, read, close) and ~35% of its time (issue 14).
 */
const SMALL_OBJECT_BYTES = 128 * 1024;
const SMALL_OBJECTS_BUDGET = 32 * 1024 * 1024;

export class BucketStore {
  readonly #dir: string;
  readonly #index = new Map<string, IndexEntry>();
  #sorted: string[] | undefined;
  /** Per-key tail of the rename+index step, so index order equals rename order. */
  readonly #commits = new Map<string, Promise<void>>();
  readonly #uuid: () => string;
  /**
   * Bodies of small objects, each tied to the index entry it was read for: every write, tag update
   * and delete sets a new entry (or none), so a body can never outlive its version. Oldest first.
   */
  readonly #bodies = new Map<string, { entry: IndexEntry; body: Buffer }>();
  #bodyBytes = 0;

  private constructor(dir: string, uuid: () => string) {
    this.#dir = dir;
    this.#uuid = uuid;
  }

  /** Opens (creating) the store, drops leftover temp files, and rebuilds the index from disk. */
  static async open(dir: string, uuid: () => string): Promise<BucketStore> {
    const s = new BucketStore(dir, uuid);
    await rm(join(dir, "tmp"), { recursive: true, force: true });
    await mkdir(join(dir, "tmp"), { recursive: true });
    await mkdir(join(dir, "objects"), { recursive: true });
    for (const fan of await readdir(join(dir, "objects"))) {
      for (const name of await readdir(join(dir, "objects", fan))) {
        const h = await open(join(dir, "objects", fan, name), "r");
        try {
          const st = await h.stat();
          const meta = await readTrailer(h, st.size);
          if (meta) s.#index.set(meta.key, { ...meta, ino: st.ino });
        } finally {
          await h.close();
        }
      }
    }
    return s;
  }

  get dir(): string {
    return this.#dir;
  }

  get size(): number {
    return this.#index.size;
  }

  head(key: string): ObjectMeta | undefined {
    return this.#index.get(key);
  }

  /** Keys in UTF-8 binary order (s3.md §4.6). */
  sortedKeys(): readonly string[] {
    if (!this.#sorted) this.#sorted = [...this.#index.keys()].sort(compareUtf8);
    return this.#sorted;
  }

  /** The object's metadata and an open handle on exactly that version (the caller closes it). */
  async open(key: string): Promise<OpenObject | undefined> {
    if (!this.#index.has(key)) return undefined;
    let h: FileHandle;
    try {
      h = await open(this.#path(key), "r");
    } catch {
      return undefined;
    }
    try {
      const st = await h.stat();
      const cached = this.#index.get(key);
      if (cached && cached.ino === st.ino) return { meta: cached, handle: h };
      // Replaced between the index lookup and open(): read the version we hold.
      const meta = await readTrailer(h, st.size);
      if (!meta) {
        await h.close();
        return undefined;
      }
      return { meta, handle: h };
    } catch (e) {
      await h.close().catch(() => {});
      throw e;
    }
  }

  /** The current version's bytes when they are in memory, without a promise (the GET hot path). */
  kept(key: string): SmallObject | undefined {
    const kept = this.#bodies.get(key);
    return kept !== undefined && kept.entry === this.#index.get(key) ? { meta: kept.entry, body: kept.body } : undefined;
  }

  /**
   * Like `open`, but an object of up to SMALL_OBJECT_BYTES comes back as its bytes, from memory
   * after the first read of that version; the caller then has no handle to close.
   */
  async openForRead(key: string): Promise<OpenObject | SmallObject | undefined> {
    const entry = this.#index.get(key);
    if (entry === undefined) return undefined;
    const kept = this.kept(key);
    if (kept !== undefined) return kept;
    const opened = await this.open(key);
    if (opened === undefined || opened.meta.size > SMALL_OBJECT_BYTES) return opened;
    const { meta, handle } = opened;
    let body: Buffer;
    try {
      body = Buffer.allocUnsafe(meta.size);
      let off = 0;
      while (off < body.length) {
        const { bytesRead } = await handle.read(body, off, body.length - off, off);
        if (bytesRead === 0) throw new Error(`object file of ${key} is shorter than its ${meta.size} bytes`);
        off += bytesRead;
      }
    } finally {
      await handle.close();
    }
    // Kept only while it is still the current version (a write may have committed meanwhile).
    if (meta === this.#index.get(key)) this.#keepBody(key, meta as IndexEntry, body);
    return { meta, body };
  }

  #keepBody(key: string, entry: IndexEntry, body: Buffer): void {
    this.#dropBody(key);
    this.#bodies.set(key, { entry, body });
    this.#bodyBytes += body.length;
    for (const [k, v] of this.#bodies) {
      if (this.#bodyBytes <= SMALL_OBJECTS_BUDGET) break;
      this.#bodies.delete(k);
      this.#bodyBytes -= v.body.length;
    }
  }

  #dropBody(key: string): void {
    const kept = this.#bodies.get(key);
    if (kept === undefined) return;
    this.#bodies.delete(key);
    this.#bodyBytes -= kept.body.length;
  }

  /**
   * Writes a new version from `chunks`. `finish` runs after the body, before commit; it returns
   * the metadata to store or throws to abandon the write (a bad checksum), leaving no trace.
   */
  async write(
    key: string,
    chunks: AsyncIterable<Buffer>,
    finish: (size: number, md5: Buffer) => Omit<ObjectMeta, "key" | "size"> | Promise<Omit<ObjectMeta, "key" | "size">>,
    onChunk?: BodyChunkHook,
  ): Promise<ObjectMeta> {
    const tmp = join(this.#dir, "tmp", this.#uuid());
    return writeThroughTempFile(tmp, chunks, onChunk, async (file, size, md5) => {
      const meta: ObjectMeta = { ...(await finish(size, md5)), key, size };
      await file.append(encodeTrailer(meta));
      const ino = await file.close();
      return this.#commit(key, tmp, meta, ino);
    });
  }

  /**
   * Replaces the stored metadata of the current version (tags) as crash-safely as a write: the
   * file is copied to a temp name, its trailer rewritten, and renamed over the original.
   * Returns undefined when the key no longer exists.
   */
  async updateMeta(key: string, patch: (meta: ObjectMeta) => ObjectMeta): Promise<ObjectMeta | undefined> {
    let out: ObjectMeta | undefined;
    await this.#serial(key, async () => {
      const cur = this.#index.get(key);
      if (!cur) return;
      const { ino: _ino, ...meta } = cur;
      const next = patch(meta);
      const tmp = join(this.#dir, "tmp", this.#uuid());
      const final = this.#path(key);
      try {
        await copyFile(final, tmp);
        const h = await open(tmp, "r+");
        try {
          await h.truncate(next.size);
          const trailer = encodeTrailer(next);
          let off = 0;
          while (off < trailer.length) off += (await h.write(trailer, off, trailer.length - off, next.size + off)).bytesWritten;
        } finally {
          await h.close();
        }
        await rename(tmp, final);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw e;
      }
      const st = await stat(final);
      this.#index.set(key, { ...next, ino: st.ino });
      this.#dropBody(key);
      out = next;
    });
    return out;
  }

  async delete(key: string): Promise<boolean> {
    if (!this.#index.has(key)) return false;
    await this.#serial(key, async () => {
      await unlink(this.#path(key)).catch(() => {});
      if (this.#index.delete(key)) this.#sorted = undefined;
      this.#dropBody(key);
    });
    return true;
  }

  /** Removes the whole bucket folder (DeleteBucket on an empty bucket). */
  async destroy(): Promise<void> {
    this.#bodies.clear();
    this.#bodyBytes = 0;
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** `ino`: the temp file's inode, which the rename keeps. */
  async #commit(key: string, tmp: string, meta: ObjectMeta, ino: number): Promise<ObjectMeta> {
    const final = this.#path(key);
    await this.#serial(key, async () => {
      try {
        await rename(tmp, final);
      } catch (e) {
        // The fan-out folder is made on its first object only (one mkdir per PUT was a round trip).
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        await mkdir(join(this.#dir, "objects", final.slice(-64, -62)), { recursive: true });
        await rename(tmp, final);
      }
      if (!this.#index.has(key)) this.#sorted = undefined;
      this.#index.set(key, { ...meta, ino });
      this.#dropBody(key);
    });
    return meta;
  }

  #serial(key: string, step: () => Promise<void>): Promise<void> {
    const prev = this.#commits.get(key) ?? Promise.resolve();
    const next = prev.then(step, step);
    const tail = next.catch(() => {});
    this.#commits.set(key, tail);
    void tail.then(() => {
      if (this.#commits.get(key) === tail) this.#commits.delete(key);
    });
    return next;
  }

  #path(key: string): string {
    const h = createHash("sha256").update(key, "utf8").digest("hex");
    return join(this.#dir, "objects", h.slice(0, 2), h);
  }
}

export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** body ‖ JSON ‖ uint32LE(JSON length) ‖ "EPS3". */
export function encodeTrailer(meta: object): Buffer {
  const json = Buffer.from(JSON.stringify(meta), "utf8");
  const tail = Buffer.alloc(8);
  tail.writeUInt32LE(json.length, 0);
  TRAILER_MAGIC.copy(tail, 4);
  return Buffer.concat([json, tail]);
}

export async function readTrailer<T = ObjectMeta>(h: FileHandle, fileSize: number): Promise<T | undefined> {
  if (fileSize < 8) return undefined;
  const tail = Buffer.alloc(8);
  await h.read(tail, 0, 8, fileSize - 8);
  if (!tail.subarray(4).equals(TRAILER_MAGIC)) return undefined;
  const len = tail.readUInt32LE(0);
  if (len + 8 > fileSize) return undefined;
  const json = Buffer.alloc(len);
  await h.read(json, 0, len, fileSize - 8 - len);
  try {
    return JSON.parse(json.toString("utf8")) as T;
  } catch {
    return undefined;
  }
}
