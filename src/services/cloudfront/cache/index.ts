export { ASK_GET, type CachedObject, type CacheStore, type Collapse, type ObjectSink } from "./cache-store.js";
export type { CacheState } from "./cache-state.js";
export { parseCacheControl } from "./cache-control.js";
export { DistributionCache, type CacheView, type InvalidationJournal } from "./distribution-cache.js";
export type { Invalidation } from "./invalidation.js";
export { DEFAULT_STORE_LIMITS, openDistributionStore } from "./memory-store.js";
export { serveCached } from "./serve-cached.js";
export { decideTtl, describeTtl } from "./ttl.js";
export { ADMIN_PREFIX, handleCacheAdmin } from "./admin-routes.js";
