import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Log } from "../../../core/log.js";
import { type CachedObject, type CacheStore, type Collapse, type ObjectSink, type StoredEntry } from "./cache-store.js";
import { LocalCollapser } from "./collapse.js";
import { entryOverhead, freezeEntry, LruIndex, type Slot } from "./lru-index.js";

/**
 * The disk tier (design.md §State): bodies in files under the state dir, the index in memory, an
 * LRU with a byte budget for the files and one for the index. The memory tier spills bodies too
 * large for memory here; alone it is a cache of files.
 */
export interface DiskStoreOptions {
  /** Folder for bodies; created on first write, removed on close. */
  dir: string;
  diskBytes: number;
  /** Heap the index may take (every entry's key, headers and overhead). */
  indexBytes: number;
  /** CloudFront does not cache objects over 30 GB (cloudfront.md §10.3). */
  maxObjectBytes: number;
  log: Log;
  /** Unique file names for bodies. */
  newFileName(): string;
}

export class DiskCacheStore implements CacheStore {
  readonly #index = new LruIndex();
  readonly #collapser = new LocalCollapser();
  readonly #o: DiskStoreOptions;
  #indexBytes = 0;
  #diskBytes = 0;
  #hasDir = false;

  constructor(options: DiskStoreOptions) {
    this.#o = options;
  }

  get usage() {
    return { memoryBytes: this.#indexBytes, diskBytes: this.#diskBytes, objects: this.#index.size };
  }

  /** The index is in memory: always a synchronous answer (a hit's body streams from its file). */
  peek(key: string): CachedObject | undefined {
    return this.#index.use(key)?.object;
  }

  get(key: string): Promise<CachedObject | undefined> {
    return Promise.resolve(this.peek(key));
  }

  /** Synchronous insert behind `put`, for the memory tier that spills here. */
  insert(object: CachedObject): void {
    if (object.file === undefined) throw new Error(`disk tier: entry ${object.key} has no file`);
    const o = freezeEntry(object);
    const old = this.#index.set({ object: o, hits: 0, memoryCost: entryOverhead(o) });
    this.#account(this.#index.slot(o.key)!, 1);
    if (old) this.#release(old, o.file);
    this.#evict();
  }

  put(object: CachedObject): Promise<void> {
    try {
      this.insert(object);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  countHit(key: string): void {
    const s = this.#index.slot(key);
    if (s) s.hits++;
  }

  delete(key: string): Promise<void> {
    this.remove(key);
    return Promise.resolve();
  }

  remove(key: string): boolean {
    const s = this.#index.remove(key);
    if (s) this.#release(s, undefined);
    return s !== undefined;
  }

  removeWhere(matches: (object: CachedObject) => boolean): number {
    let n = 0;
    for (const s of this.#index.values()) {
      if (!matches(s.object)) continue;
      this.#index.remove(s.object.key);
      this.#release(s, undefined);
      n++;
    }
    return n;
  }

  deleteWhere(matches: (object: CachedObject) => boolean): Promise<number> {
    return Promise.resolve(this.removeWhere(matches));
  }

  collapse(key: string, mayLead: boolean): Collapse | undefined {
    return this.#collapser.collapse(key, mayLead);
  }

  async *entries(): AsyncIterable<StoredEntry> {
    yield* this.#index.values();
  }

  slots(): IterableIterator<Slot> {
    return this.#index.values();
  }

  openSink(): ObjectSink {
    return this.openSinkWith([], 0);
  }

  /** A sink that starts with bytes another tier already collected (the memory tier's spill). */
  openSinkWith(first: readonly Buffer[], firstSize: number): ObjectSink {
    const o = this.#o;
    const file = join(o.dir, o.newFileName());
    // Made once, synchronously: a write here is rare and happens on the miss path only.
    if (!this.#hasDir) {
      mkdirSync(o.dir, { recursive: true });
      this.#hasDir = true;
    }
    const out: WriteStream = createWriteStream(file);
    let failed: Error | undefined;
    let size = firstSize;
    out.on("error", (e) => (failed = e));
    for (const c of first) out.write(c);
    return {
      write(chunk) {
        size += chunk.length;
        if (size > o.maxObjectBytes) failed ??= new Error("object exceeds the 30 GB cacheable limit");
        if (failed) return;
        out.write(chunk);
      },
      finish: async () => {
        await new Promise<void>((resolve, reject) => {
          out.end(() => (failed ? reject(failed) : resolve()));
          out.once("error", reject);
        });
        if (failed) {
          this.#unlink(file);
          throw failed;
        }
        return { body: undefined, file, size };
      },
      abort: () => {
        failed ??= new Error("aborted");
        out.destroy();
        this.#unlink(file);
      },
    };
  }

  #account(s: Slot, sign: 1 | -1): void {
    this.#indexBytes += sign * s.memoryCost;
    this.#diskBytes += sign * s.object.size;
  }

  /** Forgets a slot; its file goes unless the entry replacing it keeps the same file (a refresh). */
  #release(s: Slot, keptFile: string | undefined): void {
    this.#account(s, -1);
    if (s.object.file !== keptFile) this.#unlink(s.object.file!);
  }

  #unlink(file: string): void {
    unlink(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") this.#o.log.warn(`cache: could not remove cached body ${file}: ${e.message}`);
    });
  }

  #isOver(): boolean {
    return this.#indexBytes > this.#o.indexBytes || this.#diskBytes > this.#o.diskBytes;
  }

  #evict(): void {
    if (!this.#isOver()) return;
    for (const s of this.#index.values()) {
      this.#index.remove(s.object.key);
      this.#release(s, undefined);
      if (!this.#isOver()) return;
    }
  }

  async close(): Promise<void> {
    this.#index.clear();
    this.#indexBytes = 0;
    this.#diskBytes = 0;
    await rm(this.#o.dir, { recursive: true, force: true });
  }
}
