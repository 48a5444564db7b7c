import { createHash } from "node:crypto";
import type { ForwardedValues } from "../schema/distribution-config.js";
import type { CachePolicyConfig } from "../schema/policies.js";
import { selectQueryString, type ParamSet } from "./forwarding.js";
import { viewerDeviceHeader } from "./viewer-device.js";

/**
 * What goes into a behaviour's cache key, computed once at compile time from its cache policy
 * (cloudfront.md §4.1–4.2, §4.5) or legacy ForwardedValues (§4.10). Only the cache policy counts:
 * origin request policies forward values without keying on them (§7.3).
 */
export interface CacheKeyRecipe {
  /** False when nothing is cached: MaxTTL 0 (§4.4) or legacy `Headers: ["*"]` (§4.10). */
  isEnabled: boolean;
  /** Viewer headers in the key, lower-case, sorted (header order is irrelevant, §4.2). Host included when keyed. */
  headers: readonly string[];
  /** CloudFront-* headers in the key, lower-case (§7.4). */
  cloudFrontHeaders: readonly string[];
  cookies: ParamSet;
  queryStrings: ParamSet;
  /** Normalised Accept-Encoding is part of the key (§4.5). */
  acceptEncoding: { gzip: boolean; br: boolean } | undefined;
  /** `Accept-Encoding` listed as a plain key header switches compression off (§8). */
  isAcceptEncodingListed: boolean;
  /** Nothing but the path is keyed: the hit path builds no string at all. */
  isPathOnly: boolean;
  /**
   * The recipe in one short string: equal for equal recipes in any revision. Cached objects carry
   * it, so an object survives a revision that leaves its behaviour's key recipe unchanged and is
   * never served under a recipe that changed (issue 9 "What survives a revision").
   */
  fingerprint: string;
}

const NONE: ParamSet = { mode: "none", names: new Set() };
const ALL: ParamSet = { mode: "all", names: new Set() };

function paramSet(behavior: string, items: readonly string[] | undefined): ParamSet {
  if (behavior === "none") return NONE;
  if (behavior === "all") return ALL;
  return { mode: behavior === "whitelist" ? "list" : "allExcept", names: new Set(items ?? []) };
}

function finish(r: Omit<CacheKeyRecipe, "isPathOnly" | "fingerprint">): CacheKeyRecipe {
  const isPathOnly =
    r.headers.length === 0 && r.cloudFrontHeaders.length === 0 && r.cookies.mode === "none" && r.queryStrings.mode === "none" && !r.acceptEncoding;
  const set = (p: ParamSet) => [p.mode, [...p.names].sort()];
  const canonical = JSON.stringify([r.isEnabled, r.headers, r.cloudFrontHeaders, set(r.cookies), set(r.queryStrings), r.acceptEncoding ?? null]);
  const fingerprint = createHash("sha256").update(canonical).digest("hex").slice(0, 16);
  return Object.freeze({ ...r, isPathOnly, fingerprint });
}

function splitHeaders(names: readonly string[]): { viewer: string[]; cf: string[] } {
  const lower = [...new Set(names.map((n) => n.toLowerCase()))].sort();
  return { viewer: lower.filter((n) => !n.startsWith("cloudfront-")), cf: lower.filter((n) => n.startsWith("cloudfront-")) };
}

export function compileCacheKey(policy: CachePolicyConfig): CacheKeyRecipe {
  const p = policy.ParametersInCacheKeyAndForwardedToOrigin;
  const names = p.HeadersConfig.HeaderBehavior === "whitelist" ? (p.HeadersConfig.Headers?.Items ?? []) : [];
  const { viewer, cf } = splitHeaders(names);
  const gzip = p.EnableAcceptEncodingGzip;
  const br = p.EnableAcceptEncodingBrotli;
  return finish({
    isEnabled: policy.MaxTTL > 0,
    // With gzip/br on, Accept-Encoding is keyed in its normalised form only (§4.5).
    headers: gzip || br ? viewer.filter((n) => n !== "accept-encoding") : viewer,
    cloudFrontHeaders: cf,
    cookies: paramSet(p.CookiesConfig.CookieBehavior, p.CookiesConfig.Cookies?.Items),
    queryStrings: paramSet(p.QueryStringsConfig.QueryStringBehavior, p.QueryStringsConfig.QueryStrings?.Items),
    acceptEncoding: gzip || br ? { gzip, br } : undefined,
    isAcceptEncodingListed: viewer.includes("accept-encoding"),
  });
}

/** §4.10: every forwarded header is keyed; QueryStringCacheKeys narrows the keyed query strings. */
export function compileLegacyCacheKey(fv: ForwardedValues, maxTtl: number): CacheKeyRecipe {
  const names = fv.Headers?.Items ?? [];
  const { viewer, cf } = splitHeaders(names.filter((n) => n !== "*"));
  const keys = fv.QueryStringCacheKeys?.Items ?? [];
  return finish({
    isEnabled: maxTtl > 0 && !names.includes("*"),
    headers: viewer,
    cloudFrontHeaders: cf,
    cookies:
      fv.Cookies.Forward === "all" ? ALL : fv.Cookies.Forward === "whitelist" ? { mode: "list", names: new Set(fv.Cookies.WhitelistedNames?.Items) } : NONE,
    queryStrings: !fv.QueryString ? NONE : keys.length > 0 ? { mode: "list", names: new Set(keys) } : ALL,
    // What the origin is sent is what the object varies by: the normalised Accept-Encoding (forwarding.ts).
    acceptEncoding: viewer.includes("accept-encoding") ? undefined : { gzip: true, br: false },
    isAcceptEncodingListed: viewer.includes("accept-encoding"),
  });
}

/** The parts of a request the key is built from; a plain object so the key is testable without sockets. */
export interface CacheKeyInput {
  method: string;
  uri: string;
  query: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  protocol: "http" | "https";
  httpVersion: string;
  /** CloudFront-Viewer-Country of this viewer (local.viewer.country). */
  viewerCountry?: string;
}

export interface CacheKey {
  /** The whole key; equal keys share one cached object. */
  key: string;
  /** Path plus keyed query (`/a?x=1`), what invalidation paths are matched against (§12). */
  path: string;
  /** Normalised Accept-Encoding in the key: `br,gzip`, `br`, `gzip` or "" (§4.5). */
  encoding: string;
}

const SEP = "\u0000";

/**
 * The default key is the distribution (implicit: one store per distribution) and the URL path;
 * OPTIONS is keyed apart from GET/HEAD (§3.2). Header names are case-insensitive, values
 * case-sensitive; cookies sorted by name; query strings keep their order (§4.2).
 */
export function computeCacheKey(r: CacheKeyRecipe, input: CacheKeyInput): CacheKey {
  const prefix = input.method === "OPTIONS" ? "OPTIONS " : "";
  if (r.isPathOnly) return { key: prefix + input.uri, path: input.uri, encoding: "" };
  const query = selectQueryString(input.query, r.queryStrings);
  const path = query === "" ? input.uri : `${input.uri}?${query}`;
  let key = prefix + path;
  const h = input.headers;
  for (const name of r.headers) {
    const v = h[name];
    key += `${SEP}${name}:${v === undefined ? "" : Array.isArray(v) ? v.join(",") : v}`;
  }
  for (const name of r.cloudFrontHeaders) key += `${SEP}${name}:${cloudFrontKeyValue(name, input)}`;
  if (r.cookies.mode !== "none") {
    const c = h.cookie;
    key += `${SEP}cookie:${c === undefined ? "" : filterCookies(Array.isArray(c) ? c.join("; ") : c, r.cookies)}`;
  }
  let encoding = "";
  if (r.acceptEncoding) {
    const ae = h["accept-encoding"];
    encoding = ae === undefined || input.httpVersion === "1.0" ? "" : normaliseEncoding(Array.isArray(ae) ? ae.join(",") : ae, r.acceptEncoding);
    if (encoding !== "") key += `${SEP}ae:${encoding}`;
  }
  return { key, path, encoding };
}

function filterCookies(header: string, set: ParamSet): string {
  const pairs: string[] = [];
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (set.mode === "all" || (set.mode === "list" ? set.names.has(name) : !set.names.has(name))) pairs.push(`${name}=${part.slice(eq + 1).trim()}`);
  }
  return pairs.sort().join("; ");
}

/** Bounded memo: browsers send a handful of distinct Accept-Encoding strings, so the hit path parses none. */
const ENCODING_MEMO = new Map<string, string>();

/**
 * §4.5: only gzip and br count, in `br,gzip` order; nothing when neither is offered.
 * Choice: an explicit `q=0` refuses the coding (§4.5 leaves q=0 UNCONFIRMED), as origin-request-headers does.
 */
export function normaliseEncoding(value: string, enabled: { gzip: boolean; br: boolean }): string {
  const memoKey = `${enabled.gzip ? "g" : ""}${enabled.br ? "b" : ""}|${value}`;
  const hit = ENCODING_MEMO.get(memoKey);
  if (hit !== undefined) return hit;
  let gzip = false;
  let br = false;
  for (const part of value.split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    if (params.some((p) => Q_ZERO.test(p))) continue;
    if (token === "gzip") gzip = true;
    else if (token === "br") br = true;
  }
  const out = br && enabled.br ? (gzip && enabled.gzip ? "br,gzip" : "br") : gzip && enabled.gzip ? "gzip" : "";
  if (ENCODING_MEMO.size < 256) ENCODING_MEMO.set(memoKey, out);
  return out;
}
const Q_ZERO = /^\s*q\s*=\s*0(\.0*)?\s*$/;

/**
 * Keyed CloudFront-* values (§7.4). The country is local.viewer's; the finer geo headers have no
 * value on loopback (as for requests from AWS's own network), so they key as empty.
 */
function cloudFrontKeyValue(name: string, input: CacheKeyInput): string {
  const ua = String(input.headers["user-agent"] ?? "");
  switch (name) {
    case "cloudfront-forwarded-proto":
      return input.protocol;
    case "cloudfront-viewer-http-version":
      return input.httpVersion;
    case "cloudfront-viewer-country":
      return input.viewerCountry ?? "";
    default:
      return viewerDeviceHeader(name, ua) ?? "";
  }
}
