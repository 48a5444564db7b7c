import { pipeline, Transform, type Readable } from "node:stream";
import { discardBody } from "../../../../../core/http/discard-body.js";
import { connectionNamedFields, HOP_BY_HOP } from "../../../../../core/http/hop-by-hop.js";
import { isTraced, publishTrace } from "../../../../../core/trace.js";
import { decideTtl, describeTtl, parseCacheControl, serveCached, type CachedObject, type CacheState } from "../../../cache/index.js";
import type { EdgeContext } from "../../edge-context.js";

/**
 * Cache store (cloudfront.md §1.1 step 15, §4.3, §4.6, §4.7): a 304 to a revalidation refreshes
 * the object (RefreshHit); a 5xx with a stale copy serves the copy; otherwise the TTL decision
 * says whether the response is kept, and a kept body is teed into the store as it streams to the
 * viewer (a viewer abort or a broken origin stream keeps nothing, §10.3).
 */
export function storeInCache(ctx: EdgeContext): void {
  const st = ctx.cache;
  if (st === undefined) return;
  const r = ctx.response!;
  const now = ctx.runtime.clock.now();
  const stale = st.stale;

  if (stale !== undefined && st.conditional !== undefined && r.status === 304 && !r.generated) {
    discardBody(r.body);
    const fresh = refreshObject(ctx, stale, r.headers, now);
    ctx.response = serveCached(fresh ?? stale, ctx.req.headers, now, "RefreshHit");
    const done = fresh ? st.cache.store.put(fresh) : st.cache.store.delete(stale.key);
    settle(ctx, st, done);
    return;
  }

  if (stale !== undefined && r.status >= 500 && isStaleUsable(stale, now)) {
    // §4.6: a 5xx (or no answer) while a stale copy exists serves the copy, for the error-caching duration.
    // Choice: X-Cache says Hit for it (§17 item 6).
    discardBody(r.body);
    ctx.response = serveCached(stale, ctx.req.headers, now, "Hit");
    if (stale.staleIfErrorMs === undefined) {
      // Entries are immutable: the copy's new lifetime is a new entry.
      settle(ctx, st, st.cache.store.put({ ...stale, expiresAt: now + errorCachingMinTtl(ctx, r.status) * 1000 }));
    } else st.release();
    st.cache.store.countHit(stale.key);
    return;
  }

  // Choice: a HEAD miss is forwarded as HEAD and its (bodiless) answer not stored (§17 item 8).
  // A 206 is stored under its range (§11.1), only when the viewer asked for that range.
  if (ctx.method === "HEAD" || (r.status === 206 && st.rangeKey === undefined)) {
    st.release();
    return;
  }
  const key = r.status === 206 ? st.rangeKey! : st.key;
  const input = {
    status: r.status,
    headers: r.headers,
    policy: ctx.behavior!.cachePolicy,
    errorCachingMinTtl: errorCachingMinTtl(ctx, r.status),
    now,
  };
  const d = decideTtl(input);
  if (isTraced("ttl"))
    publishTrace("ttl", ctx.traceId, "cloudfront", `${r.status}: ${describeTtl(input, d)}`, { data: { cached: d.isCached, ttl: d.isCached ? d.ttl : 0 } });
  if (!d.isCached) {
    if (stale !== undefined && r.status !== 304) settle(ctx, st, st.cache.store.delete(st.key));
    else st.release();
    return;
  }
  const headers = storedHeaders(r.headers, d.cacheControl.noCacheSetCookie);
  // CloudFront's own page (a cached 502/504) is still CloudFront's on every hit (§9.3).
  if (r.generated) headers["server"] = "CloudFront";
  const base: Base = {
    key,
    path: st.path,
    recipe: ctx.behavior!.cacheKey.fingerprint,
    status: r.status,
    headers,
    storedAt: now,
    expiresAt: now + d.ttl * 1000,
    staleWhileRevalidateMs: seconds(d.cacheControl.staleWhileRevalidate),
    staleIfErrorMs: seconds(d.cacheControl.staleIfError),
    etag: r.originEtag ?? one(headers["etag"]),
    lastModified: one(headers["last-modified"]),
  };
  const body = r.body;
  if (body === null || Buffer.isBuffer(body)) {
    const buf = body ?? Buffer.alloc(0);
    settle(ctx, st, st.cache.store.put({ ...base, body: buf, file: undefined, size: buf.length }));
    return;
  }
  ctx.response = { ...r, body: teeIntoStore(ctx, body, st, base) };
}

/** Followers of a collapsed miss look again once the store has the entry (or failed to keep it). */
function settle(ctx: EdgeContext, st: CacheState, done: Promise<unknown>): void {
  done.then(
    () => st.release(),
    (e: unknown) => {
      ctx.runtime.log.warn(`distribution ${ctx.plan.id}: cache store failed for ${st.path}: ${(e as Error).message}`);
      st.release();
    },
  );
}

type Base = Omit<CachedObject, "body" | "file" | "size" | "headers"> & { headers: Record<string, string | string[]> };

/** Passes every chunk on to the viewer and into the store; the object is kept only if the stream ends cleanly. */
function teeIntoStore(ctx: EdgeContext, body: Readable, st: CacheState, base: Base): Readable {
  const sink = st.cache.store.openSink();
  let done = false;
  const tee = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sink.write(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      done = true;
      sink.finish().then(
        (where) => {
          // The kept length is the real one (a compressed body has no origin Content-Length).
          settle(ctx, st, st.cache.store.put({ ...base, headers: { ...base.headers, "content-length": String(where.size) }, ...where }));
          cb();
        },
        () => {
          st.release();
          cb();
        },
      );
    },
  });
  tee.once("close", () => {
    if (done) return;
    sink.abort();
    st.release();
  });
  // pipeline, not pipe: a viewer that goes away destroys the tee, and that must reach the origin
  // body so the origin request is released (issue 8 §9), not left open under back-pressure.
  pipeline(body, tee, noop);
  return tee;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not part of the object; Set-Cookie is dropped under `no-cache="Set-Cookie"` (§4.3). */
function storedHeaders(h: Record<string, string | string[]>, dropSetCookie: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = connectionNamedFields(h["connection"]);
  for (const name in h) {
    if (HOP_BY_HOP.has(name) || named?.has(name) || (dropSetCookie && name === "set-cookie")) continue;
    out[name] = h[name]!;
  }
  return out;
}

/** §4.7: a 304 restarts the object's lifetime with the headers it carries: a new entry, or none when no longer cacheable. */
function refreshObject(ctx: EdgeContext, o: CachedObject, fresh: Record<string, string | string[]>, now: number): CachedObject | undefined {
  const headers = { ...o.headers };
  for (const name of ["cache-control", "expires", "date", "etag", "last-modified", "vary"]) {
    const v = fresh[name];
    // An ETag we weakened when compressing (§8) stays weak.
    if (v !== undefined && !(name === "etag" && o.headers["content-encoding"] !== undefined && String(o.headers["etag"]).startsWith("W/"))) headers[name] = v;
  }
  const d = decideTtl({ status: o.status, headers, policy: ctx.behavior!.cachePolicy, errorCachingMinTtl: 10, now });
  if (!d.isCached) return undefined;
  const cc = parseCacheControl(headers["cache-control"]);
  return {
    ...o,
    headers,
    storedAt: now,
    expiresAt: now + d.ttl * 1000,
    staleWhileRevalidateMs: seconds(cc.staleWhileRevalidate),
    staleIfErrorMs: seconds(cc.staleIfError),
    // The validator stays the origin's own (a compressed copy shows the viewer a weak one, §8).
    etag: one(fresh["etag"]) ?? o.etag,
    lastModified: one(headers["last-modified"]),
  };
}

/** stale-if-error bounds how long past expiry the copy may stand in; without it the copy always may (§4.6, §4.7). */
function isStaleUsable(o: CachedObject, now: number): boolean {
  return o.status < 400 && (o.staleIfErrorMs === undefined || now <= o.expiresAt + o.staleIfErrorMs);
}

function errorCachingMinTtl(ctx: EdgeContext, status: number): number {
  // §4.6: 10 s unless a CustomErrorResponse for the code sets ErrorCachingMinTTL.
  return ctx.plan.customErrors.get(status)?.errorCachingMinTtl ?? 10;
}

const seconds = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function noop(): void {}
