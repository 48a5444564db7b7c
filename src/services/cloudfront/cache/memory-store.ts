import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Log } from "../../../core/log.js";
import type { CachedObject, CacheStore, ObjectSink } from "./cache-store.js";

/**
 * An LRU cache with a byte budget for bodies in memory and another for bodies spilled to files in
 * the state dir (design.md §State). A Map keeps recency: a hit moves its key to the end; eviction
 * takes from the front. Objects larger than `maxMemoryObjectBytes` are spilled as they stream.
 */
export interface MemoryStoreOptions {
  /** Folder for spilled bodies; created on first spill, removed on close. */
  spillDir: string;
  memoryBytes: number;
  maxMemoryObjectBytes: number;
  diskBytes: number;
  /** CloudFront does not cache objects over 30 GB (cloudfront.md §10.3). */
  maxObjectBytes: number;
  log: Log;
  /** Unique file names for spilled bodies. */
  newFileName(): string;
}

export const DEFAULT_STORE_LIMITS = {
  memoryBytes: 256 * 1024 * 1024,
  maxMemoryObjectBytes: 8 * 1024 * 1024,
  diskBytes: 4 * 1024 * 1024 * 1024,
  maxObjectBytes: 30 * 1024 * 1024 * 1024,
};

export class MemoryCacheStore implements CacheStore {
  readonly #objects = new Map<string, CachedObject>();
  /** What each entry costs in memory besides its body, as counted when it was stored. */
  readonly #costs = new Map<string, number>();
  readonly #o: MemoryStoreOptions;
  #memoryBytes = 0;
  #diskBytes = 0;
  #hasDir = false;

  constructor(options: MemoryStoreOptions) {
    this.#o = options;
  }

  get usage() {
    return { memoryBytes: this.#memoryBytes, diskBytes: this.#diskBytes, objects: this.#objects.size };
  }

  get(key: string): CachedObject | undefined {
    const o = this.#objects.get(key);
    if (o === undefined) return undefined;
    // LRU: most recently used last.
    this.#objects.delete(key);
    this.#objects.set(key, o);
    return o;
  }

  put(object: CachedObject): void {
    this.delete(object.key);
    this.#objects.set(object.key, object);
    const cost = entryOverhead(object);
    this.#costs.set(object.key, cost);
    this.#memoryBytes += cost;
    if (object.file === undefined) this.#memoryBytes += object.size;
    else this.#diskBytes += object.size;
    this.#evict();
  }

  delete(key: string): void {
    const o = this.#objects.get(key);
    if (!o) return;
    this.#objects.delete(key);
    this.#release(o);
  }

  deleteWhere(matches: (object: CachedObject) => boolean): number {
    let n = 0;
    for (const o of this.#objects.values()) {
      if (!matches(o)) continue;
      this.#objects.delete(o.key);
      this.#release(o);
      n++;
    }
    return n;
  }

  entries(): IterableIterator<CachedObject> {
    return this.#objects.values();
  }

  openSink(): ObjectSink {
    const o = this.#o;
    const chunks: Buffer[] = [];
    let size = 0;
    let file: string | undefined;
    let out: WriteStream | undefined;
    let failed: Error | undefined;
    const spill = () => {
      file = join(o.spillDir, o.newFileName());
      // Made once, synchronously: a spill is rare and happens on the miss path only.
      if (!this.#hasDir) {
        mkdirSync(o.spillDir, { recursive: true });
        this.#hasDir = true;
      }
      out = createWriteStream(file);
      out.on("error", (e) => (failed = e));
      for (const c of chunks) out.write(c);
      chunks.length = 0;
    };
    return {
      write(chunk) {
        size += chunk.length;
        if (size > o.maxObjectBytes) failed ??= new Error("object exceeds the 30 GB cacheable limit");
        if (failed) return;
        if (out) out.write(chunk);
        else {
          chunks.push(chunk);
          if (size > o.maxMemoryObjectBytes) spill();
        }
      },
      finish: async () => {
        if (out) {
          await new Promise<void>((resolve, reject) => {
            out!.end(() => (failed ? reject(failed) : resolve()));
            out!.once("error", reject);
          });
          return { body: undefined, file, size };
        }
        if (failed) throw failed;
        // One chunk may be a view into a much larger socket read buffer: keep a copy, not the slab.
        const one = chunks[0];
        if (chunks.length === 1 && one!.buffer.byteLength <= one!.length * 2) return { body: one, file: undefined, size };
        return { body: Buffer.concat(chunks, size), file: undefined, size };
      },
      abort: () => {
        failed ??= new Error("aborted");
        if (out) {
          out.destroy();
          this.#unlink(file!);
        }
        chunks.length = 0;
      },
    };
  }

  #release(o: CachedObject): void {
    this.#memoryBytes -= this.#costs.get(o.key) ?? 0;
    this.#costs.delete(o.key);
    if (o.file === undefined) this.#memoryBytes -= o.size;
    else {
      this.#diskBytes -= o.size;
      this.#unlink(o.file);
    }
  }

  #unlink(file: string): void {
    unlink(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") this.#o.log.warn(`cache: could not remove spilled body ${file}: ${e.message}`);
    });
  }

  #evict(): void {
    if (this.#memoryBytes <= this.#o.memoryBytes && this.#diskBytes <= this.#o.diskBytes) return;
    for (const o of this.#objects.values()) {
      // Every entry costs memory (its overhead), so memory pressure may evict a spilled one too.
      const over = this.#memoryBytes > this.#o.memoryBytes || (o.file !== undefined && this.#diskBytes > this.#o.diskBytes);
      if (!over) continue;
      this.#objects.delete(o.key);
      this.#release(o);
      if (this.#memoryBytes <= this.#o.memoryBytes && this.#diskBytes <= this.#o.diskBytes) return;
    }
  }

  async close(): Promise<void> {
    this.#objects.clear();
    this.#costs.clear();
    this.#memoryBytes = 0;
    this.#diskBytes = 0;
    await rm(this.#o.spillDir, { recursive: true, force: true });
  }
}

/**
 * What an entry costs beyond its body: the object, its Map slot and header record (~490 bytes,
 * measured once with 60,000 entries of 8 typical S3 response headers: 778 bytes of heap each, of
 * which 287 were the key, path and header strings) plus those strings. Counting only bodies let
 * 60,000 small objects take 330 MB past a budget that saw 1 MB (issue 8 §9).
 */
const ENTRY_FIXED_BYTES = 512;

function entryOverhead(o: CachedObject): number {
  let n = ENTRY_FIXED_BYTES + o.key.length + o.path.length;
  for (const name in o.headers) {
    const v = o.headers[name]!;
    n += name.length + (Array.isArray(v) ? v.reduce((a, x) => a + x.length + 16, 0) : v.length);
  }
  return n;
}
