import type { CachedObject, StoredEntry } from "./cache-store.js";

/** One entry in a tier: the frozen object, its hit count and what it costs in memory. */
export interface Slot extends StoredEntry {
  readonly object: CachedObject;
  hits: number;
  /** Heap the entry takes besides a file body: its overhead, plus the body when in memory. */
  readonly memoryCost: number;
}

/**
 * Least-recently-used order of a tier's entries: a Map keeps insertion order, so a use moves the
 * key to the end and eviction takes from the front. Byte accounting is the tier's.
 */
export class LruIndex {
  readonly #slots = new Map<string, Slot>();
  /** The most recent slot: a use of it changes no order, so the Map is left alone (a delete and a set per hit cost a rehash now and then). */
  #newest: Slot | undefined;

  get size(): number {
    return this.#slots.size;
  }

  /** The slot, now the most recent. */
  use(key: string): Slot | undefined {
    const s = this.#slots.get(key);
    if (s === undefined || s === this.#newest) return s;
    this.#slots.delete(key);
    this.#slots.set(key, s);
    this.#newest = s;
    return s;
  }

  /** The slot without changing its recency. */
  slot(key: string): Slot | undefined {
    return this.#slots.get(key);
  }

  /** Adds as the most recent; returns the slot it replaced. */
  set(slot: Slot): Slot | undefined {
    const old = this.#slots.get(slot.object.key);
    if (old !== undefined) this.#slots.delete(slot.object.key);
    this.#slots.set(slot.object.key, slot);
    this.#newest = slot;
    return old;
  }

  remove(key: string): Slot | undefined {
    const s = this.#slots.get(key);
    if (s !== undefined) this.#slots.delete(key);
    if (s === this.#newest) this.#newest = undefined;
    return s;
  }

  /** Least recent first. */
  values(): IterableIterator<Slot> {
    return this.#slots.values();
  }

  clear(): void {
    this.#slots.clear();
    this.#newest = undefined;
  }
}

/**
 * What an entry costs beyond its body: the object, its Map slot and header record (~490 bytes,
 * measured once with 60,000 entries of 8 typical S3 response headers: 778 bytes of heap each, of
 * which 287 were the key, path and header strings) plus those strings. Counting only bodies let
 * 60,000 small objects take 330 MB past a budget that saw 1 MB (issue 8 §9).
 */
const ENTRY_FIXED_BYTES = 512;

export function entryOverhead(o: CachedObject): number {
  let n = ENTRY_FIXED_BYTES + o.key.length + o.path.length;
  for (const name in o.headers) {
    const v = o.headers[name]!;
    n += name.length + (Array.isArray(v) ? v.reduce((a, x) => a + x.length + 16, 0) : v.length);
  }
  return n;
}

/** Entries are immutable (cache-store.ts): frozen on the way in, headers included. */
export function freezeEntry(o: CachedObject): CachedObject {
  if (Object.isFrozen(o)) return o;
  Object.freeze(o.headers);
  return Object.freeze(o);
}
