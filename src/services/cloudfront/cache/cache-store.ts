/**
 * The contract every cache tier implements (design.md §State). Lookups are synchronous: the index
 * is always in memory, so a hit awaits nothing; a spilled body is read from its file as a stream.
 */
export interface CachedObject {
  readonly key: string;
  /** Path plus keyed query, matched by invalidations (cloudfront.md §12). */
  readonly path: string;
  status: number;
  /** Origin response headers as stored (lower-case names). */
  headers: Record<string, string | string[]>;
  /** The body in memory, or undefined when it lives in `file`. */
  body: Buffer | undefined;
  file: string | undefined;
  size: number;
  /** Clock ms when stored or last revalidated (Age counts from here, cloudfront.md §4.7). */
  storedAt: number;
  expiresAt: number;
  /** stale-while-revalidate / stale-if-error windows in ms after expiry (§4.7); undefined when not sent. */
  staleWhileRevalidateMs: number | undefined;
  staleIfErrorMs: number | undefined;
  etag: string | undefined;
  lastModified: string | undefined;
  hits: number;
}

/** Collects one body while it streams to the viewer; spills to a file past the in-memory object limit. */
export interface ObjectSink {
  write(chunk: Buffer): void;
  /** Resolves with where the body ended up; rejects if it could not be kept. */
  finish(): Promise<{ body: Buffer | undefined; file: string | undefined; size: number }>;
  abort(): void;
}

export interface CacheStore {
  get(key: string): CachedObject | undefined;
  put(object: CachedObject): void;
  delete(key: string): void;
  /** Removes every object whose path matches; returns how many. */
  deleteWhere(matches: (object: CachedObject) => boolean): number;
  openSink(): ObjectSink;
  entries(): IterableIterator<CachedObject>;
  readonly usage: { memoryBytes: number; diskBytes: number; objects: number };
  close(): Promise<void>;
}
