import { ASK_GET, serveCached, type CachedObject, type CacheState, type DistributionCache } from "../../../cache/index.js";
import { computeCacheKey, type CacheKey } from "../../../compile/cache-key.js";
import { isTraced, publishTrace } from "../../../../../core/trace.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, RESPOND, type StageResult } from "../stage.js";

/**
 * Cache lookup (cloudfront.md §1.1 step 10, §4): key from the behaviour's precompiled recipe;
 * fresh → Hit; stale within stale-while-revalidate → served, refreshed after; stale → origin
 * with the object's validators; miss → origin, collapsed onto a miss already in flight.
 * A hit from a tier that answers `peek` (memory, disk spill) is synchronous: nothing is awaited.
 * An object stored under another key recipe (a revision changed the behaviour's cache policy) is
 * not this request's object (issue 9 "What survives a revision").
 */
export function lookupCache(ctx: EdgeContext): StageResult | Promise<StageResult> {
  const b = ctx.behavior!;
  const recipe = b.cacheKey;
  if (!recipe.isEnabled) {
    if (isTraced("cache"))
      traceCache(
        ctx,
        "caching off",
        `MaxTTL is 0 in ${b.cachePolicyId ? `cache policy ${b.cachePolicyId}` : "the behaviour's TTLs"}: every request goes to the origin`,
      );
    return CONTINUE;
  }
  const m = ctx.method;
  // §3.2: GET and HEAD are always cacheable, OPTIONS only when CachedMethods lists it.
  if (m !== "GET" && m !== "HEAD" && !(m === "OPTIONS" && b.cachedMethods.has("OPTIONS"))) {
    if (isTraced("cache")) traceCache(ctx, "not cacheable", `${m} is not a cached method (CachedMethods ${[...b.cachedMethods].join(",")})`);
    return CONTINUE;
  }
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
  const found = cache.store.peek(k.key);
  // A tier that must be asked (disk) answers later: its freshness is judged at that time.
  if (found === ASK_GET) return cache.store.get(k.key).then((o) => decide(ctx, cache, k, o, ctx.runtime.clock.now()));
  return decide(ctx, cache, k, found, ctx.requestTime());
}

function decide(ctx: EdgeContext, cache: DistributionCache, k: CacheKey, stored: CachedObject | undefined, now: number): StageResult | Promise<StageResult> {
  const fingerprint = ctx.behavior!.cacheKey.fingerprint;
  const found = stored !== undefined && stored.recipe === fingerprint ? stored : undefined;
  const req = ctx.req;
  if (isTraced("cache")) traceLookup(ctx, k, stored, found, now);
  if (found !== undefined && !ctx.isBackgroundRefresh) {
    if (now < found.expiresAt) return serveHit(ctx, cache, found, now);
    // §4.7 stale-while-revalidate: serve the stale copy now, revalidate once in the background
    // (the refresh leads a collapse, so a refresh already in flight takes it).
    // Choice: X-Cache says Hit for it (§17 item 6 leaves the value UNCONFIRMED).
    const swr = found.staleWhileRevalidateMs;
    if (swr !== undefined && now < found.expiresAt + swr) {
      ctx.shouldRefreshInBackground = true;
      return serveHit(ctx, cache, found, now);
    }
  }
  const state = newState(cache, k.key, k.path, k.encoding, found);
  ctx.cache = state;
  // §11.1: a range with no full object cached is served from its own cached 206, or fetched and
  // cached as one. Ranges are not collapsed onto each other (they are different objects).
  const range = req.headers.range;
  if (found === undefined && range !== undefined && !ctx.isBackgroundRefresh && !ctx.isErrorPageFetch) {
    const rangeKey = `${k.key}\u0000range:${range}`;
    state.rangeKey = rangeKey;
    const part = cache.store.peek(rangeKey);
    if (part === ASK_GET) return cache.store.get(rangeKey).then((p) => servePart(ctx, cache, p, now));
    return servePart(ctx, cache, part, now);
  }
  // §4.9: forwarding cookies disables request collapsing; so does caching being off (above).
  if (ctx.isErrorPageFetch || ctx.behavior!.recipe.cookies.mode !== "none") return CONTINUE;
  // Any cacheable method waits for a miss in flight; a viewer's GET or CloudFront's own refresh leads.
  const mayLead = (ctx.method === "GET" && ctx.res !== undefined) || ctx.isBackgroundRefresh;
  const ticket = cache.store.collapse(k.key, mayLead);
  if (ticket === undefined) return CONTINUE;
  if (!ticket.isLeader) return ticket.settled.then(() => afterCollapse(ctx, state));
  // This miss leads: later identical misses wait for it (cloudfront.md §1.2: their log result is Hit).
  // Whatever happens to this request (error, viewer gone), the followers are let go.
  state.release = ticket.release;
  ctx.res?.once("close", ticket.release);
  return CONTINUE;
}

function serveHit(ctx: EdgeContext, cache: DistributionCache, o: CachedObject, now: number): StageResult {
  cache.store.countHit(o.key);
  ctx.response = serveCached(o, ctx.req.headers, now, "Hit");
  return RESPOND;
}

function servePart(ctx: EdgeContext, cache: DistributionCache, part: CachedObject | undefined, now: number): StageResult {
  if (part === undefined || part.recipe !== ctx.behavior!.cacheKey.fingerprint || now >= part.expiresAt) return CONTINUE;
  ctx.cache = undefined;
  return serveHit(ctx, cache, part, now);
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

async function afterCollapse(ctx: EdgeContext, state: CacheState): Promise<StageResult> {
  const store = state.cache.store;
  const peeked = store.peek(state.key);
  const o = peeked === ASK_GET ? await store.get(state.key) : peeked;
  const now = ctx.runtime.clock.now();
  if (o !== undefined && o.recipe === ctx.behavior!.cacheKey.fingerprint && now < o.expiresAt) {
    if (isTraced("cache")) traceCache(ctx, "Hit", "collapsed onto the identical miss in flight, served its object");
    return serveHit(ctx, state.cache, o, now);
  }
  // The leader's response was not cacheable: this request goes to the origin itself.
  return CONTINUE;
}

function noop(): void {}

function traceCache(ctx: EdgeContext, verdict: string, why: string, key?: string): void {
  publishTrace("cache", ctx.traceId, "cloudfront", `${verdict}: ${why}`, { details: key === undefined ? undefined : [`key ${key}`], data: { verdict } });
}

/** The lookup's verdict with its key (cloudfront.md §4): fresh, stale (and how it is refreshed), another recipe's object, or none. */
function traceLookup(ctx: EdgeContext, k: CacheKey, stored: CachedObject | undefined, found: CachedObject | undefined, now: number): void {
  const key = k.key.split("\u0000").join(" | ");
  if (ctx.isBackgroundRefresh) return traceCache(ctx, "Refresh", "CloudFront's own stale-while-revalidate fetch", key);
  if (found === undefined)
    return traceCache(ctx, "Miss", stored !== undefined ? "an object is cached under an older cache-key recipe, not served" : "no object under this key", key);
  const left = Math.round((found.expiresAt - now) / 1000);
  if (left > 0) return traceCache(ctx, "Hit", `fresh for ${left} s more`, key);
  const swr = found.staleWhileRevalidateMs;
  if (swr !== undefined && now < found.expiresAt + swr)
    return traceCache(ctx, "Hit", `stale by ${-left} s, within stale-while-revalidate: served, refreshed after`, key);
  traceCache(
    ctx,
    "Miss",
    `expired ${-left} s ago${found.etag !== undefined || found.lastModified !== undefined ? ", revalidated with its validators" : ""}`,
    key,
  );
}
