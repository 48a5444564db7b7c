import type { CachedObject } from "./cache-store.js";
import type { DistributionCache } from "./distribution-cache.js";

/** What the cache-lookup stage tells later stages about a request that went to the origin. */
export interface CacheState {
  cache: DistributionCache;
  key: string;
  /** Set for a Range request with no full object cached: the key its 206 is stored under (§11.1). */
  rangeKey?: string;
  path: string;
  /** Normalised Accept-Encoding in the key ("" = identity), which compression follows (§8). */
  encoding: string;
  /** The expired object being revalidated, served again on 304 or on a 5xx (§4.6, §4.7). */
  stale: CachedObject | undefined;
  /** If-None-Match / If-Modified-Since for the origin when revalidating (§1.1 step 13). */
  conditional: Record<string, string> | undefined;
  /** Settles the collapsed misses waiting on this one (their Collapse ticket); idempotent. */
  release(): void;
}
