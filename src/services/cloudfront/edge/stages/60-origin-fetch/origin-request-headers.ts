import { includes, selectQueryString } from "../../../compile/forwarding.js";
import type { BehaviorPlan, OriginEndpoint, OriginPlan } from "../../../compile/plan.js";
import type { EdgeContext } from "../../edge-context.js";
import { viewerDeviceHeader } from "../../../compile/viewer-device.js";
import { normaliseEncoding } from "../../../compile/cache-key.js";
import { ja3, ja4, parseClientHello } from "../../../../../core/tls-fingerprint.js";
import { connectionNamedFields, hopByHopWith } from "../../../../../core/http/hop-by-hop.js";

/**
 * The headers, cookies and query string CloudFront sends to an origin (cloudfront.md §7.2–7.5),
 * from the behaviour's precompiled ForwardingRecipe.
 */

/**
 * Never forwarded, whatever the policy says: RFC 9110's hop-by-hop fields (core/http/hop-by-hop.ts,
 * `Upgrade` included: WebSockets are not emulated) and CloudFront's own removals (§7.2 "removed"):
 * Proxy-Authenticate, Proxy-Authorization, Trailer, X-Forwarded-Proto, X-Real-IP, a viewer's
 * X-Amz-Cf-Id, Expect (see below), and HTTP2-Settings (connection-specific, RFC 7540 §3.2.1).
 */
const DROPPED = hopByHopWith([
  "proxy-authenticate",
  "proxy-authorization",
  "trailer",
  "x-forwarded-proto",
  "x-real-ip",
  "x-amz-cf-id",
  "expect",
  "http2-settings",
]);

/**
 * Always forwarded when present (legacy table, §7.2): request-body and conditional headers.
 * Choice: kept under cache/origin request policies too — an origin cannot read a POST body
 * without Content-Type, and viewer conditionals are forwarded on a miss (§4.7).
 */
const ALWAYS = new Set([
  "content-length",
  "content-type",
  "content-md5",
  "content-encoding",
  "date",
  "from",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "if-unmodified-since",
  "max-forwards",
  "pragma",
  "range",
  "request-range",
  "cache-control",
  "warning",
]);

/** Handled one by one below. */
const SPECIAL = new Set(["host", "user-agent", "x-forwarded-for", "via", "cookie", "authorization", "accept-encoding"]);

/**
 * `origin` is the origin actually asked: in an origin group the secondary gets its own Host and
 * CustomHeaders, never the primary's (cloudfront.md §7.5, §10.6). `Expect` is never sent: CloudFront
 * answers `100-continue` itself and streams the body (§7.2 lists it as removed), and undici refuses it.
 */
export function buildOriginHeaders(ctx: EdgeContext, b: BehaviorPlan, origin: OriginPlan, endpoint: OriginEndpoint): Record<string, string | string[]> {
  const recipe = b.recipe;
  const src = ctx.req.headers;
  const out: Record<string, string | string[]> = {};
  // RFC 9110 §7.6.1: the fields the viewer's Connection header names end at CloudFront too.
  const named = connectionNamedFields(src.connection, DROPPED);
  for (const name in src) {
    if (name.charCodeAt(0) === 58 /* ':' */ || DROPPED.has(name) || SPECIAL.has(name) || named?.has(name)) continue;
    // Viewer-supplied CloudFront-* and X-Edge-* never pass through (§7.2).
    if (name.startsWith("cloudfront-") || name.startsWith("x-edge-")) continue;
    if (name === "x-http-method-override" && !includes(recipe.headers, name)) continue;
    if (ALWAYS.has(name) || includes(recipe.headers, name)) out[name] = src[name]!;
  }

  // Host: origin domain, unless the viewer's Host is forwarded to a custom origin (§10.5).
  out["host"] = recipe.forwardsHost && !origin.isS3 && src.host ? src.host : endpoint.hostHeader;
  out["user-agent"] = includes(recipe.headers, "user-agent") && src["user-agent"] ? src["user-agent"] : "Amazon CloudFront";

  // Choice: ", " joins X-Forwarded-For entries (spec §7.2 separator UNCONFIRMED; ALB uses ", ").
  const xff = src["x-forwarded-for"];
  out["x-forwarded-for"] = xff ? `${xff}, ${ctx.clientIp}` : ctx.clientIp;
  const version = ctx.httpVersion === "2.0" ? "2.0" : ctx.httpVersion;
  const ownVia = `${version} ${ctx.plan.via.slice(4)}`;
  out["via"] = src.via ? `${src.via}, ${ownVia}` : ownVia;
  out["x-amz-cf-id"] = ctx.requestId;

  const auth = src.authorization;
  if (auth !== undefined) {
    const m = ctx.method;
    const forwarded = recipe.legacyAuthorization
      ? !(m === "GET" || m === "HEAD" || (m === "OPTIONS" && b.cachedMethods.has("OPTIONS"))) || includes(recipe.headers, "authorization")
      : includes(recipe.headers, "authorization");
    if (forwarded) out["authorization"] = auth;
  }

  const ae = src["accept-encoding"];
  if (recipe.acceptEncoding) {
    // §4.5: HTTP/1.0 viewers: Accept-Encoding is removed (not sent as identity).
    if (ctx.httpVersion !== "1.0") out["accept-encoding"] = normaliseAcceptEncoding(typeof ae === "string" ? ae : undefined, recipe.acceptEncoding);
  } else if (ae !== undefined && includes(recipe.headers, "accept-encoding")) {
    out["accept-encoding"] = ae;
  }

  if (src.cookie !== undefined && recipe.cookies.mode !== "none") {
    const cookie = filterCookies(src.cookie, recipe.cookies);
    if (cookie) out["cookie"] = cookie;
  }

  for (const name of recipe.cloudFrontHeaders) {
    const v = cloudFrontHeaderValue(name, ctx);
    if (v !== undefined) out[name.toLowerCase()] = v;
  }

  // Origin custom headers overwrite viewer values (§7.5).
  for (const [name, value] of origin.customHeaders) out[name.toLowerCase()] = value;
  return out;
}

/** §4.5: with gzip/br in the cache policy, the origin sees only those tokens, `br,gzip` order, or `identity`. */
export function normaliseAcceptEncoding(value: string | undefined, enabled: { gzip: boolean; br: boolean }): string {
  if (value === undefined) return "identity";
  return normaliseEncoding(value, enabled) || "identity";
}

/** Keeps the cookies the recipe forwards, in name order (§4.2: "CloudFront sorts forwarded cookies by name"). */
function filterCookies(header: string, set: { mode: string; names: ReadonlySet<string> }): string {
  const pairs: [string, string][] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue; // only RFC 6265 name=value pairs are forwarded
    const name = part.slice(0, eq).trim();
    if (set.mode === "all" || (set.mode === "list" ? set.names.has(name) : !set.names.has(name))) pairs.push([name, part.slice(eq + 1).trim()]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join("; ");
}

/**
 * CloudFront-generated request headers (§7.4). Country and ASN come from `local.viewer` (default
 * US / 16509); the finer geo family (city, region, postal code…) is omitted, as AWS omits it for
 * requests from its own network. JA3/JA4 are computed from the viewer's real ClientHello.
 */
export function cloudFrontHeaderValue(name: string, ctx: EdgeContext): string | undefined {
  const ua = String(ctx.req.headers["user-agent"] ?? "");
  switch (name.toLowerCase()) {
    case "cloudfront-forwarded-proto":
      return ctx.protocol;
    case "cloudfront-viewer-address":
      return ctx.clientIp.includes(":") ? `${ctx.clientIp}:${ctx.clientPort}` : `${ctx.clientIp}:${ctx.clientPort}`;
    case "cloudfront-viewer-http-version":
      return ctx.httpVersion;
    case "cloudfront-viewer-header-count":
      return String(ctx.req.rawHeaders.length / 2);
    case "cloudfront-viewer-header-order": {
      const names: string[] = [];
      for (let i = 0; i < ctx.req.rawHeaders.length; i += 2) names.push(ctx.req.rawHeaders[i]!);
      return names.join(":").slice(0, 7680);
    }
    case "cloudfront-viewer-tls": {
      const sock = ctx.req.socket as { getProtocol?: () => string | null; getCipher?: () => { standardName?: string; name: string } };
      if (ctx.protocol !== "https" || !sock.getProtocol) return undefined;
      const cipher = sock.getCipher?.();
      return `${sock.getProtocol()}:${cipher?.standardName ?? cipher?.name ?? ""}:fullHandshake`;
    }
    case "cloudfront-viewer-country":
      return ctx.runtime.viewer.country;
    case "cloudfront-viewer-asn":
      return String(ctx.runtime.viewer.asn);
    case "cloudfront-viewer-ja3-fingerprint":
      return ctx.protocol === "https" ? fingerprintsOf(ctx.conn.clientHello)?.ja3 : undefined;
    case "cloudfront-viewer-ja4-fingerprint":
      return ctx.protocol === "https" ? fingerprintsOf(ctx.conn.clientHello)?.ja4 : undefined;
    default:
      return viewerDeviceHeader(name.toLowerCase(), ua);
  }
}

/** Computed once per connection (the ClientHello buffer is the connection's), on first use. */
const FINGERPRINTS = new WeakMap<Buffer, { ja3: string; ja4: string } | null>();
function fingerprintsOf(hello: Buffer | undefined): { ja3: string; ja4: string } | undefined {
  if (hello === undefined) return undefined;
  let f = FINGERPRINTS.get(hello);
  if (f === undefined) {
    const h = parseClientHello(hello);
    f = h ? { ja3: ja3(h), ja4: ja4(h) } : null;
    FINGERPRINTS.set(hello, f);
  }
  return f ?? undefined;
}

/** Query string per recipe: the same selection as the cache key's (compile/forwarding.ts). */
export function buildOriginQuery(query: string, b: BehaviorPlan): string {
  const skip = b.origin.isS3 && b.withholdsS3ResponseOverrides ? isS3ResponseOverride : undefined;
  return selectQueryString(query, b.recipe.queryStrings, skip);
}

const S3_RESPONSE_OVERRIDE = /^response-content-(type|disposition|encoding)$/;
const isS3ResponseOverride = (name: string) => S3_RESPONSE_OVERRIDE.test(name);
