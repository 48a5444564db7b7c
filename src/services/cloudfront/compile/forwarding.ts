import type { ForwardedValues } from "../schema/distribution-config.js";
import type { CachePolicyConfig, OriginRequestPolicyConfig } from "../schema/policies.js";

/**
 * What a behaviour sends to its origin, computed once from its cache policy × origin request
 * policy (cloudfront.md §7.3) or from legacy ForwardedValues (§4.10). Names are lower-case.
 */
export interface ParamSet {
  /** none: nothing; list: only `names`; allExcept: all but `names`; all: everything. */
  mode: "none" | "list" | "allExcept" | "all";
  names: ReadonlySet<string>;
}

export interface ForwardingRecipe {
  headers: ParamSet;
  /** CloudFront-* headers CloudFront generates for the origin (§7.4), original casing. */
  cloudFrontHeaders: readonly string[];
  cookies: ParamSet;
  queryStrings: ParamSet;
  /** Viewer Host reaches the origin (Host in key or an ORP that forwards it, §10.5). */
  forwardsHost: boolean;
  /** Accept-Encoding is normalised to gzip/br when the cache policy enables them (§4.5). */
  acceptEncoding: { gzip: boolean; br: boolean } | undefined;
  /** Legacy behaviours forward Authorization on methods that are not cached (§7.2). */
  legacyAuthorization: boolean;
  /** Legacy `Cookies.Forward: none`: Set-Cookie is removed from origin responses (§4.9). */
  stripsSetCookie: boolean;
}

const NONE: ParamSet = { mode: "none", names: new Set() };
const LEGACY_ENCODING = Object.freeze({ gzip: true, br: false });
const lower = (items: readonly string[] | undefined) => new Set((items ?? []).map((s) => s.toLowerCase()));
const exact = (items: readonly string[] | undefined) => new Set(items ?? []);

/** §7.3's table: union of allow-lists, all wins, cache allow-list beats an ORP block-list. */
function merge(a: ParamSet, b: ParamSet): ParamSet {
  if (a.mode === "all" || b.mode === "all") return { mode: "all", names: new Set() };
  if (a.mode === "none") return b;
  if (b.mode === "none") return a;
  if (a.mode === "list" && b.mode === "list") return { mode: "list", names: new Set([...a.names, ...b.names]) };
  if (a.mode === "allExcept" && b.mode === "allExcept") return { mode: "allExcept", names: new Set([...a.names, ...b.names]) };
  const block = a.mode === "allExcept" ? a : b;
  const allow = a.mode === "list" ? a : b;
  return { mode: "allExcept", names: new Set([...block.names].filter((n) => !allow.names.has(n))) };
}

function fromBehavior(behavior: string, names: Set<string>): ParamSet {
  switch (behavior) {
    case "none":
      return NONE;
    case "whitelist":
      return { mode: "list", names };
    case "allExcept":
      return { mode: "allExcept", names };
    default:
      return { mode: "all", names: new Set() };
  }
}

const isCloudFrontHeader = (n: string) => n.toLowerCase().startsWith("cloudfront-");

function splitCloudFront(set: ParamSet, original: readonly string[] | undefined): { viewer: ParamSet; cf: string[] } {
  const cf = (original ?? []).filter(isCloudFrontHeader);
  if (set.mode !== "list") return { viewer: set, cf };
  return { viewer: { mode: "list", names: new Set([...set.names].filter((n) => !n.startsWith("cloudfront-"))) }, cf };
}

export function recipeFromPolicies(cache: CachePolicyConfig, orp: OriginRequestPolicyConfig | undefined): ForwardingRecipe {
  const p = cache.ParametersInCacheKeyAndForwardedToOrigin;
  const cacheHeaderNames = p.HeadersConfig.Headers?.Items;
  const cacheHeaders = splitCloudFront(fromBehavior(p.HeadersConfig.HeaderBehavior, lower(cacheHeaderNames)), cacheHeaderNames);
  let headers = cacheHeaders.viewer;
  const cloudFrontHeaders = [...cacheHeaders.cf];
  let cookies = fromBehavior(p.CookiesConfig.CookieBehavior, exact(p.CookiesConfig.Cookies?.Items));
  let queryStrings = fromBehavior(p.QueryStringsConfig.QueryStringBehavior, exact(p.QueryStringsConfig.QueryStrings?.Items));
  if (orp) {
    const hb = orp.HeadersConfig.HeaderBehavior;
    const orpNames = orp.HeadersConfig.Headers?.Items;
    const orpHeaders =
      hb === "allViewer" || hb === "allViewerAndWhitelistCloudFront"
        ? { viewer: { mode: "all", names: new Set<string>() } as ParamSet, cf: (orpNames ?? []).filter(isCloudFrontHeader) }
        : splitCloudFront(fromBehavior(hb, lower(orpNames)), orpNames);
    headers = merge(headers, orpHeaders.viewer);
    cloudFrontHeaders.push(...orpHeaders.cf);
    cookies = merge(cookies, fromBehavior(orp.CookiesConfig.CookieBehavior, exact(orp.CookiesConfig.Cookies?.Items)));
    queryStrings = merge(queryStrings, fromBehavior(orp.QueryStringsConfig.QueryStringBehavior, exact(orp.QueryStringsConfig.QueryStrings?.Items)));
  }
  const gzip = p.EnableAcceptEncodingGzip;
  const br = p.EnableAcceptEncodingBrotli;
  return {
    headers,
    cloudFrontHeaders: [...new Set(cloudFrontHeaders)],
    cookies,
    queryStrings,
    forwardsHost: includes(headers, "host"),
    acceptEncoding: gzip || br ? { gzip, br } : undefined,
    legacyAuthorization: false,
    stripsSetCookie: false,
  };
}

export function recipeFromForwardedValues(fv: ForwardedValues): ForwardingRecipe {
  const names = fv.Headers?.Items ?? [];
  const headers: ParamSet = names.includes("*")
    ? { mode: "all", names: new Set() }
    : { mode: names.length ? "list" : "none", names: lower(names.filter((n) => !isCloudFrontHeader(n))) };
  const cookies: ParamSet =
    fv.Cookies.Forward === "all"
      ? { mode: "all", names: new Set() }
      : fv.Cookies.Forward === "whitelist"
        ? { mode: "list", names: exact(fv.Cookies.WhitelistedNames?.Items) }
        : NONE;
  return {
    headers,
    cloudFrontHeaders: names.filter(isCloudFrontHeader),
    cookies,
    // §4.10: QueryString true forwards all; QueryStringCacheKeys only narrows the key.
    queryStrings: fv.QueryString ? { mode: "all", names: new Set() } : NONE,
    forwardsHost: includes(headers, "host"),
    // Choice (issue 8 §6): legacy behaviours send the origin a normalised Accept-Encoding (gzip or
    // identity; Brotli came with cache policies), unless Accept-Encoding is a forwarded header.
    acceptEncoding: includes(headers, "accept-encoding") ? undefined : LEGACY_ENCODING,
    legacyAuthorization: true,
    stripsSetCookie: fv.Cookies.Forward === "none",
  };
}

export function includes(set: ParamSet, name: string): boolean {
  switch (set.mode) {
    case "none":
      return false;
    case "all":
      return true;
    case "list":
      return set.names.has(name);
    case "allExcept":
      return !set.names.has(name);
  }
}

/**
 * The one query-string selection (cloudfront.md §4.2, §7.3): the cache key and the origin request
 * both use it, so a parameter is keyed exactly when it is forwarded under the same set. Names are
 * compared percent-decoded (`%71=1` is `q=1`), `+` as space; order is kept and only `&` separates.
 * `isSkipped` drops parameters before selection (S3 response-* overrides, cloudfront.md §5.2).
 */
export function selectQueryString(query: string, set: ParamSet, isSkipped?: (rawName: string) => boolean): string {
  if (set.mode === "none" || query === "") return "";
  if (set.mode === "all" && isSkipped === undefined) return query;
  let out = "";
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq === -1 ? part : part.slice(0, eq);
    if (isSkipped?.(rawName)) continue;
    if (set.mode !== "all") {
      const listed = set.names.has(decodeName(rawName));
      if (set.mode === "list" ? !listed : listed) continue;
    }
    out += out === "" ? part : `&${part}`;
  }
  return out;
}

function decodeName(raw: string): string {
  if (raw.indexOf("%") === -1 && raw.indexOf("+") === -1) return raw;
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return raw;
  }
}
