/** The Cache-Control directives CloudFront acts on (cloudfront.md §4.3, §4.7, §4.9); others are ignored. */
export interface CacheControl {
  maxAge: number | undefined;
  sMaxAge: number | undefined;
  noCache: boolean;
  noStore: boolean;
  isPrivate: boolean;
  /** `no-cache="Set-Cookie"`: the body is cached, Set-Cookie is not (§4.3). */
  noCacheSetCookie: boolean;
  staleWhileRevalidate: number | undefined;
  staleIfError: number | undefined;
}

const EMPTY: CacheControl = Object.freeze({
  maxAge: undefined,
  sMaxAge: undefined,
  noCache: false,
  noStore: false,
  isPrivate: false,
  noCacheSetCookie: false,
  staleWhileRevalidate: undefined,
  staleIfError: undefined,
});

function seconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  const n = Number.parseInt(s, 10);
  // RFC 9111 §1.2.2: a delta-seconds value that does not parse is invalid; treated as 0 (stale).
  return Number.isNaN(n) || n < 0 ? 0 : n;
}

export function parseCacheControl(header: string | string[] | undefined): CacheControl {
  if (header === undefined) return EMPTY;
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value === "") return EMPTY;
  const cc: CacheControl = { ...EMPTY };
  // Split on commas outside quotes (no-cache="Set-Cookie, X" is one directive).
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    if (i < value.length && (c !== 44 || quoted)) continue;
    const part = value.slice(start, i).trim();
    start = i + 1;
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const arg = eq === -1 ? undefined : part.slice(eq + 1).trim();
    switch (name) {
      case "max-age":
        cc.maxAge = seconds(arg);
        break;
      case "s-maxage":
        cc.sMaxAge = seconds(arg);
        break;
      case "no-cache":
        if (arg === undefined) cc.noCache = true;
        else if (/(^|[\s",])set-cookie($|[\s",])/i.test(arg)) cc.noCacheSetCookie = true;
        break;
      case "no-store":
        cc.noStore = true;
        break;
      case "private":
        cc.isPrivate = true;
        break;
      case "stale-while-revalidate":
        cc.staleWhileRevalidate = seconds(arg);
        break;
      case "stale-if-error":
        cc.staleIfError = seconds(arg);
        break;
    }
  }
  return cc;
}
