import { serveCached, type CachedObject, type CacheState, type DistributionCache } from "../../../cache/index.js";
import { computeCacheKey } from "../../../compile/cache-key.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, RESPOND, type StageResult } from "../stage.js";

/**
 * Cache lookup (cloudfront.md §1.1 step 10, §4): key from the behaviour's precompiled recipe;
 * fresh → Hit; stale within stale-while-revalidate → served, refreshed after; stale → origin
 * with the object's validators; miss → origin, collapsed onto a miss already in flight.
 * A hit is synchronous: nothing is awaited.
 */
export function lookupCache(ctx: EdgeContext): StageResult | Promise<StageResult> {
  const b = ctx.behavior!;
  const recipe = b.cacheKey;
  if (!recipe.isEnabled) return CONTINUE;
  const m = ctx.method;
  // §3.2: GET and HEAD are always cacheable, OPTIONS only when CachedMethods lists it.
  if (m !== "GET" && m !== "HEAD" && !(m === "OPTIONS" && b.cachedMethods.has("OPTIONS"))) return CONTINUE;
  const cache = ctx.runtime.caches.get(ctx.plan.id);
  if (cache === undefined) return CONTINUE;
  const req = ctx.req;
  const k = computeCacheKey(recipe, {
    method: m,
    uri: ctx.uri,
    query: ctx.query,
    headers: req.headers,
    protocol: ctx.protocol,
    httpVersion: req.httpVersion,
    viewerCountry: ctx.runtime.viewer.country,
  });
  const now = ctx.runtime.clock.now();
  const found = cache.store.get(k.key);
  if (found !== undefined && !ctx.isBackgroundRefresh) {
    if (now < found.expiresAt) {
      found.hits++;
      ctx.response = serveCached(found, req.headers, now, "Hit");
      return RESPOND;
    }
    // §4.7 stale-while-revalidate: serve the stale copy now, revalidate once in the background.
    // Choice: X-Cache says Hit for it (§17 item 6 leaves the value UNCONFIRMED).
    const swr = found.staleWhileRevalidateMs;
    if (swr !== undefined && now < found.expiresAt + swr) {
      found.hits++;
      ctx.response = serveCached(found, req.headers, now, "Hit");
      ctx.shouldRefreshInBackground = !cache.inflight.has(k.key);
      return RESPOND;
    }
  }
  const state = newState(cache, k.key, k.path, k.encoding, found);
  ctx.cache = state;
  // §11.1: a range with no full object cached is served from its own cached 206, or fetched and
  // cached as one. Ranges are not collapsed onto each other (they are different objects).
  const range = req.headers.range;
  if (found === undefined && range !== undefined && !ctx.isBackgroundRefresh && !ctx.isErrorPageFetch) {
    state.rangeKey = `${k.key}\u0000range:${range}`;
    const part = cache.store.get(state.rangeKey);
    if (part !== undefined && now < part.expiresAt) {
      part.hits++;
      ctx.response = serveCached(part, req.headers, now, "Hit");
      ctx.cache = undefined;
      return RESPOND;
    }
    return CONTINUE;
  }
  // §4.9: forwarding cookies disables request collapsing; so does caching being off (above).
  if (ctx.isErrorPageFetch || b.recipe.cookies.mode !== "none") return CONTINUE;
  const pending = cache.inflight.get(k.key);
  if (pending !== undefined) return pending.then(() => afterCollapse(ctx, state));
  if (m === "GET" && ctx.res !== undefined) lead(ctx, state);
  else if (ctx.isBackgroundRefresh) lead(ctx, state);
  return CONTINUE;
}

function newState(cache: DistributionCache, key: string, path: string, encoding: string, stale: CachedObject | undefined): CacheState {
  let conditional: Record<string, string> | undefined;
  // §4.7: an expired object is revalidated with its ETag and/or Last-Modified.
  if (stale !== undefined && stale.status === 200 && (stale.etag !== undefined || stale.lastModified !== undefined)) {
    conditional = {};
    if (stale.etag !== undefined) conditional["if-none-match"] = stale.etag;
    if (stale.lastModified !== undefined) conditional["if-modified-since"] = stale.lastModified;
  }
  return { cache, key, path, encoding, stale, conditional, release: noop };
}

/** This miss leads: later identical misses wait for it (cloudfront.md §1.2: their log result is Hit). */
function lead(ctx: EdgeContext, state: CacheState): void {
  let settle!: () => void;
  const promise = new Promise<void>((r) => (settle = r));
  const inflight = state.cache.inflight;
  inflight.set(state.key, promise);
  state.release = () => {
    state.release = noop;
    if (inflight.get(state.key) === promise) inflight.delete(state.key);
    settle();
  };
  // Whatever happens to this request (error, viewer gone), the followers are let go.
  ctx.res?.once("close", () => state.release());
}

function afterCollapse(ctx: EdgeContext, state: CacheState): StageResult {
  const now = ctx.runtime.clock.now();
  const o = state.cache.store.get(state.key);
  if (o !== undefined && now < o.expiresAt) {
    o.hits++;
    ctx.response = serveCached(o, ctx.req.headers, now, "Hit");
    return RESPOND;
  }
  // The leader's response was not cacheable: this request goes to the origin itself.
  return CONTINUE;
}

function noop(): void {}
