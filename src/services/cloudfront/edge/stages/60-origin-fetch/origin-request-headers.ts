import { includes } from "../../../compile/forwarding.js";
import type { BehaviorPlan, OriginEndpoint } from "../../../compile/plan.js";
import type { EdgeContext } from "../../edge-context.js";
import { viewerDeviceHeader } from "../../../compile/viewer-device.js";

/**
 * The headers, cookies and query string CloudFront sends to an origin (cloudfront.md §7.2–7.5),
 * from the behaviour's precompiled ForwardingRecipe.
 */

/** Never forwarded, whatever the policy says (§7.2 "removed"). */
const DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "x-forwarded-proto",
  "x-real-ip",
  "x-amz-cf-id",
  "http2-settings",
  "transfer-encoding",
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
  "expect",
]);

/** Handled one by one below. */
const SPECIAL = new Set(["host", "user-agent", "x-forwarded-for", "via", "cookie", "authorization", "accept-encoding"]);

export function buildOriginHeaders(ctx: EdgeContext, b: BehaviorPlan, endpoint: OriginEndpoint): Record<string, string | string[]> {
  const recipe = b.recipe;
  const src = ctx.req.headers;
  const out: Record<string, string | string[]> = {};
  for (const name in src) {
    if (name.charCodeAt(0) === 58 /* ':' */ || DROPPED.has(name) || SPECIAL.has(name)) continue;
    // Viewer-supplied CloudFront-* and X-Edge-* never pass through (§7.2).
    if (name.startsWith("cloudfront-") || name.startsWith("x-edge-")) continue;
    if (name === "x-http-method-override" && !includes(recipe.headers, name)) continue;
    if (ALWAYS.has(name) || includes(recipe.headers, name)) out[name] = src[name]!;
  }

  // Host: origin domain, unless the viewer's Host is forwarded to a custom origin (§10.5).
  out["host"] = recipe.forwardsHost && !b.origin.isS3 && src.host ? src.host : endpoint.hostHeader;
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
    out["accept-encoding"] = normaliseAcceptEncoding(typeof ae === "string" ? ae : undefined, recipe.acceptEncoding, ctx.httpVersion);
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
  for (const [name, value] of b.origin.customHeaders) out[name.toLowerCase()] = value;
  return out;
}

/** §4.5: with gzip/br in the cache policy, the origin sees only those tokens, `br,gzip` order, or `identity`. */
export function normaliseAcceptEncoding(value: string | undefined, enabled: { gzip: boolean; br: boolean }, httpVersion: string): string {
  if (value === undefined || httpVersion === "1.0") return "identity";
  let gzip = false;
  let br = false;
  for (const part of value.split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    // Choice: an explicit q=0 refuses the coding (RFC 9110 §12.5.3); spec §4.5 leaves q=0 UNCONFIRMED.
    if (params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) continue;
    if (token === "gzip") gzip = true;
    else if (token === "br") br = true;
  }
  const parts: string[] = [];
  if (br && enabled.br) parts.push("br");
  if (gzip && enabled.gzip) parts.push("gzip");
  return parts.length ? parts.join(",") : "identity";
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
 * CloudFront-generated request headers (§7.4). Loopback viewers have no geolocation, so the
 * country/city/ASN family is omitted — as AWS omits them for requests from its own network.
 */
function cloudFrontHeaderValue(name: string, ctx: EdgeContext): string | undefined {
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
    default:
      return viewerDeviceHeader(name.toLowerCase(), ua);
  }
}

/** Query string per recipe, order preserved (§4.2: order matters, only `&` separates). */
export function buildOriginQuery(query: string, b: BehaviorPlan): string {
  const set = b.recipe.queryStrings;
  if (set.mode === "none" || query === "") return "";
  let out = "";
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq === -1 ? part : part.slice(0, eq);
    if (b.origin.isS3 && b.withholdsS3ResponseOverrides && /^response-content-(type|disposition|encoding)$/.test(rawName)) continue;
    if (set.mode !== "all") {
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replaceAll("+", " "));
      } catch {
        // keep the raw name
      }
      const listed = set.names.has(name);
      if (set.mode === "list" ? !listed : listed) continue;
    }
    out += out === "" ? part : `&${part}`;
  }
  return out;
}
