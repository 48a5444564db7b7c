/**
 * The contract every cache tier implements (design.md §State; issue 9 "Cache store contract"):
 * async `get`/`put` of immutable entries, request collapsing behind the contract, and one shared
 * conformance suite (test/conformance/cache-store.suite.ts) run against every tier.
 *
 * A tier whose index lives in this process (memory, disk spill) also answers `peek` synchronously,
 * so a cache hit awaits nothing (conventions.md §5); a remote tier (Redis, later) answers `ASK_GET`
 * and the lookup awaits `get`.
 */

/** A stored response. Entries are immutable: a refresh or a TTL change is a `put` of a new entry. */
export interface CachedObject {
  readonly key: string;
  /** Path plus keyed query, matched by invalidations (cloudfront.md §12). */
  readonly path: string;
  /** The behaviour's cache-key recipe fingerprint when stored: a changed recipe never serves it (issue 9). */
  readonly recipe: string;
  readonly status: number;
  /** Origin response headers as stored (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The body in memory, or undefined when it lives in `file`. */
  readonly body: Buffer | undefined;
  readonly file: string | undefined;
  readonly size: number;
  /** Clock ms when stored or last revalidated (Age counts from here, cloudfront.md §4.7). */
  readonly storedAt: number;
  readonly expiresAt: number;
  /** stale-while-revalidate / stale-if-error windows in ms after expiry (§4.7); undefined when not sent. */
  readonly staleWhileRevalidateMs: number | undefined;
  readonly staleIfErrorMs: number | undefined;
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
}

/** Collects one body while it streams to the viewer; a tier decides where it lives (memory, file). */
export interface ObjectSink {
  write(chunk: Buffer): void;
  /** Resolves with where the body ended up; rejects if it could not be kept. */
  finish(): Promise<{ body: Buffer | undefined; file: string | undefined; size: number }>;
  abort(): void;
}

/**
 * Request collapsing (cloudfront.md §1.1 step 10, §4.9): the first miss for a key leads and must
 * `release` once it stored its object or decided not to; later misses wait on `settled`, then look
 * the key up again. Behind the contract, so a shared tier can collapse across processes.
 */
export type Collapse = { readonly isLeader: true; release(): void } | { readonly isLeader: false; readonly settled: Promise<void> };

/** `peek`'s answer when only `get` can tell (the tier's index is not in this process). */
export const ASK_GET: unique symbol = Symbol("ask get()");

/** An entry with its hit count, for the `/_edgeparity/cache` view. */
export interface StoredEntry {
  readonly object: CachedObject;
  readonly hits: number;
}

export interface CacheStore {
  /** Synchronous lookup when the tier can answer without I/O; `ASK_GET` otherwise. Counts as a use (LRU). */
  peek(key: string): CachedObject | undefined | typeof ASK_GET;
  get(key: string): Promise<CachedObject | undefined>;
  /** Stores (or replaces) the entry under its key. The entry is frozen: nobody may change it afterwards. */
  put(object: CachedObject): Promise<void>;
  /** One more viewer served from this entry (the view's hit count). */
  countHit(key: string): void;
  delete(key: string): Promise<void>;
  /** Removes every entry that matches; resolves with how many. */
  deleteWhere(matches: (object: CachedObject) => boolean): Promise<number>;
  /** Follows a miss in flight for the key, or leads one when `mayLead`; undefined when neither. */
  collapse(key: string, mayLead: boolean): Collapse | undefined;
  openSink(): ObjectSink;
  entries(): AsyncIterable<StoredEntry>;
  readonly usage: { memoryBytes: number; diskBytes: number; objects: number };
  close(): Promise<void>;
}
