import type { Log } from "../../../core/log.js";
import type { CachedObject, CacheStore, Collapse, ObjectSink, StoredEntry } from "./cache-store.js";
import { LocalCollapser } from "./collapse.js";
import { DiskCacheStore } from "./disk-store.js";
import { entryOverhead, freezeEntry, LruIndex } from "./lru-index.js";

/**
 * The memory tier (design.md §State): an LRU with a byte budget for bodies and entries in memory.
 * A body larger than `maxMemoryObjectBytes` is handed, as it streams, to the disk tier given as
 * `spill` (bodies in files under the state dir); without one it is not kept. Lookups answer from
 * both tiers synchronously, so a hit awaits nothing.
 */
export interface MemoryStoreOptions {
  memoryBytes: number;
  maxMemoryObjectBytes: number;
  /** CloudFront does not cache objects over 30 GB (cloudfront.md §10.3). */
  maxObjectBytes: number;
  spill?: DiskCacheStore;
}

export const DEFAULT_STORE_LIMITS = {
  memoryBytes: 256 * 1024 * 1024,
  maxMemoryObjectBytes: 8 * 1024 * 1024,
  diskBytes: 4 * 1024 * 1024 * 1024,
  maxObjectBytes: 30 * 1024 * 1024 * 1024,
};

/** A distribution's store: the memory tier spilling to a disk tier in `spillDir`. */
export function openDistributionStore(limits: typeof DEFAULT_STORE_LIMITS, spillDir: string, log: Log, newFileName: () => string): MemoryCacheStore {
  // The spilled entries' index shares the memory budget's size (each entry costs heap, issue 8 §9).
  const spill = new DiskCacheStore({
    dir: spillDir,
    diskBytes: limits.diskBytes,
    indexBytes: limits.memoryBytes,
    maxObjectBytes: limits.maxObjectBytes,
    log,
    newFileName,
  });
  return new MemoryCacheStore({ ...limits, spill });
}

export class MemoryCacheStore implements CacheStore {
  readonly #index = new LruIndex();
  readonly #collapser = new LocalCollapser();
  readonly #o: MemoryStoreOptions;
  #memoryBytes = 0;

  constructor(options: MemoryStoreOptions) {
    this.#o = options;
  }

  get usage() {
    const spilled = this.#o.spill?.usage;
    return {
      memoryBytes: this.#memoryBytes + (spilled?.memoryBytes ?? 0),
      diskBytes: spilled?.diskBytes ?? 0,
      objects: this.#index.size + (spilled?.objects ?? 0),
    };
  }

  /** The hot path: one Map lookup (and the spill tier's, on a memory miss). */
  peek(key: string): CachedObject | undefined {
    const s = this.#index.use(key);
    if (s !== undefined) return s.object;
    return this.#o.spill?.peek(key);
  }

  get(key: string): Promise<CachedObject | undefined> {
    return Promise.resolve(this.peek(key));
  }

  put(object: CachedObject): Promise<void> {
    const o = freezeEntry(object);
    if (o.file !== undefined) {
      // A spilled body: the entry lives in the disk tier (and no longer here).
      this.#remove(o.key);
      if (!this.#o.spill) return Promise.reject(new Error(`memory tier: entry ${o.key} has a file but no disk tier`));
      this.#o.spill.insert(o);
      return Promise.resolve();
    }
    this.#o.spill?.remove(o.key);
    const cost = entryOverhead(o) + o.size;
    const old = this.#index.set({ object: o, hits: 0, memoryCost: cost });
    this.#memoryBytes += cost - (old?.memoryCost ?? 0);
    this.#evict();
    return Promise.resolve();
  }

  countHit(key: string): void {
    const s = this.#index.slot(key);
    if (s) s.hits++;
    else this.#o.spill?.countHit(key);
  }

  delete(key: string): Promise<void> {
    this.#remove(key);
    this.#o.spill?.remove(key);
    return Promise.resolve();
  }

  deleteWhere(matches: (object: CachedObject) => boolean): Promise<number> {
    let n = this.#o.spill?.removeWhere(matches) ?? 0;
    for (const s of this.#index.values()) {
      if (!matches(s.object)) continue;
      this.#remove(s.object.key);
      n++;
    }
    return Promise.resolve(n);
  }

  collapse(key: string, mayLead: boolean): Collapse | undefined {
    return this.#collapser.collapse(key, mayLead);
  }

  async *entries(): AsyncIterable<StoredEntry> {
    yield* this.#index.values();
    if (this.#o.spill) yield* this.#o.spill.slots();
  }

  openSink(): ObjectSink {
    const o = this.#o;
    const chunks: Buffer[] = [];
    let size = 0;
    let spilled: ObjectSink | undefined;
    let failed: Error | undefined;
    return {
      write(chunk) {
        if (spilled) return spilled.write(chunk);
        size += chunk.length;
        if (failed) return;
        chunks.push(chunk);
        if (size <= o.maxMemoryObjectBytes) return;
        if (!o.spill) {
          failed = new Error("object exceeds the in-memory object limit and there is no disk tier");
          chunks.length = 0;
          return;
        }
        spilled = o.spill.openSinkWith(chunks, size);
        chunks.length = 0;
      },
      finish: async () => {
        if (spilled) return spilled.finish();
        if (failed) throw failed;
        // One chunk may be a view into a much larger socket read buffer: keep a copy, not the slab.
        const one = chunks[0];
        if (chunks.length === 1 && one!.buffer.byteLength <= one!.length * 2) return { body: one, file: undefined, size };
        return { body: Buffer.concat(chunks, size), file: undefined, size };
      },
      abort: () => {
        failed ??= new Error("aborted");
        spilled?.abort();
        chunks.length = 0;
      },
    };
  }

  #remove(key: string): void {
    const s = this.#index.remove(key);
    if (s) this.#memoryBytes -= s.memoryCost;
  }

  #evict(): void {
    if (this.#memoryBytes <= this.#o.memoryBytes) return;
    for (const s of this.#index.values()) {
      this.#remove(s.object.key);
      if (this.#memoryBytes <= this.#o.memoryBytes) return;
    }
  }

  async close(): Promise<void> {
    this.#index.clear();
    this.#memoryBytes = 0;
    await this.#o.spill?.close();
  }
}
