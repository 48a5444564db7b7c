import { pipeline, Transform, type Readable } from "node:stream";
import { discardBody } from "../../../../../core/http/discard-body.js";
import { connectionNamedFields, HOP_BY_HOP } from "../../../../../core/http/hop-by-hop.js";
import { decideTtl, parseCacheControl, serveCached, type CachedObject, type CacheState } from "../../../cache/index.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, type StageResult } from "../stage.js";

/**
 * Cache store (cloudfront.md §1.1 step 15, §4.3, §4.6, §4.7): a 304 to a revalidation refreshes
 * the object (RefreshHit); a 5xx with a stale copy serves the copy; otherwise the TTL decision
 * says whether the response is kept, and a kept body is teed into the store as it streams to the
 * viewer (a viewer abort or a broken origin stream keeps nothing, §10.3).
 */
export function storeInCache(ctx: EdgeContext): StageResult {
  const st = ctx.cache;
  if (st === undefined) return CONTINUE;
  const r = ctx.response!;
  const now = ctx.runtime.clock.now();
  const stale = st.stale;

  if (stale !== undefined && st.conditional !== undefined && r.status === 304 && !r.generated) {
    discardBody(r.body);
    refreshObject(ctx, st, stale, r.headers, now);
    ctx.response = serveCached(stale, ctx.req.headers, now, "RefreshHit");
    st.release();
    return CONTINUE;
  }

  if (stale !== undefined && r.status >= 500 && isStaleUsable(stale, now)) {
    // §4.6: a 5xx (or no answer) while a stale copy exists serves the copy, for the error-caching duration.
    // Choice: X-Cache says Hit for it (§17 item 6).
    discardBody(r.body);
    if (stale.staleIfErrorMs === undefined) stale.expiresAt = now + errorCachingMinTtl(ctx, r.status) * 1000;
    stale.hits++;
    ctx.response = serveCached(stale, ctx.req.headers, now, "Hit");
    st.release();
    return CONTINUE;
  }

  // Choice: a HEAD miss is forwarded as HEAD and its (bodiless) answer not stored (§17 item 8).
  // A 206 is stored under its range (§11.1), only when the viewer asked for that range.
  if (ctx.method === "HEAD" || (r.status === 206 && st.rangeKey === undefined)) {
    st.release();
    return CONTINUE;
  }
  const key = r.status === 206 ? st.rangeKey! : st.key;
  const d = decideTtl({
    status: r.status,
    headers: r.headers,
    policy: ctx.behavior!.cachePolicy,
    errorCachingMinTtl: errorCachingMinTtl(ctx, r.status),
    now,
  });
  if (!d.isCached) {
    if (stale !== undefined && r.status !== 304) st.cache.store.delete(st.key);
    st.release();
    return CONTINUE;
  }
  const headers = storedHeaders(r.headers, d.cacheControl.noCacheSetCookie);
  // CloudFront's own page (a cached 502/504) is still CloudFront's on every hit (§9.3).
  if (r.generated) headers["server"] = "CloudFront";
  const base = {
    key,
    path: st.path,
    status: r.status,
    headers,
    storedAt: now,
    expiresAt: now + d.ttl * 1000,
    staleWhileRevalidateMs: seconds(d.cacheControl.staleWhileRevalidate),
    staleIfErrorMs: seconds(d.cacheControl.staleIfError),
    etag: r.originEtag ?? one(headers["etag"]),
    lastModified: one(headers["last-modified"]),
    hits: 0,
  };
  const body = r.body;
  if (body === null || Buffer.isBuffer(body)) {
    const buf = body ?? Buffer.alloc(0);
    st.cache.store.put({ ...base, body: buf, file: undefined, size: buf.length });
    st.release();
    return CONTINUE;
  }
  ctx.response = { ...r, body: teeIntoStore(body, st, base) };
  return CONTINUE;
}

type Base = Omit<CachedObject, "body" | "file" | "size">;

/** Passes every chunk on to the viewer and into the store; the object is kept only if the stream ends cleanly. */
function teeIntoStore(body: Readable, st: CacheState, base: Base): Readable {
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
          st.cache.store.put({ ...base, headers: { ...base.headers, "content-length": String(where.size) }, ...where });
          st.release();
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

/** §4.7: a 304 restarts the object's lifetime with the headers it carries. */
function refreshObject(ctx: EdgeContext, st: CacheState, o: CachedObject, fresh: Record<string, string | string[]>, now: number): void {
  for (const name of ["cache-control", "expires", "date", "etag", "last-modified", "vary"]) {
    const v = fresh[name];
    // An ETag we weakened when compressing (§8) stays weak.
    if (v !== undefined && !(name === "etag" && o.headers["content-encoding"] !== undefined && String(o.headers["etag"]).startsWith("W/"))) o.headers[name] = v;
  }
  const d = decideTtl({ status: o.status, headers: o.headers, policy: ctx.behavior!.cachePolicy, errorCachingMinTtl: 10, now });
  if (!d.isCached) {
    st.cache.store.delete(o.key);
    return;
  }
  const cc = parseCacheControl(o.headers["cache-control"]);
  o.storedAt = now;
  o.expiresAt = now + d.ttl * 1000;
  o.staleWhileRevalidateMs = seconds(cc.staleWhileRevalidate);
  o.staleIfErrorMs = seconds(cc.staleIfError);
  // The validator stays the origin's own (a compressed copy shows the viewer a weak one, §8).
  o.etag = one(fresh["etag"]) ?? o.etag;
  o.lastModified = one(o.headers["last-modified"]);
  o.hits++;
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
