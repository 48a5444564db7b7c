import { listItems } from "../../../model/aws-list.js";
import { CORS_METHODS, SECURITY_HEADER_OF, type ResponseHeadersPolicyConfig } from "../schema/response-headers-policy.js";

/**
 * A response headers policy compiled once per revision into the plan the 90 stage applies
 * (cloudfront.md §6): the names to remove, the header values to set (security headers and custom
 * headers, each with its Override), the CORS answer with its origin matcher, and Server-Timing's
 * sampling rate. Nothing here is computed per request but the parts that depend on the request.
 */
export interface ResponseHeadersPlan {
  /** The policy's Id (a managed policy's real ID). */
  id: string;
  /** Lower-case names RemoveHeadersConfig removes; removal happens before anything is added (§6.4). */
  remove: ReadonlySet<string>;
  /** Security headers then custom headers, lower-case names. */
  set: readonly HeaderSetting[];
  cors: CorsPlan | undefined;
  /** Percentage 0–100 of requests that get Server-Timing; undefined when the header is off (§6.4). */
  serverTimingRate: number | undefined;
}

interface HeaderSetting {
  name: string;
  value: string;
  /** true: replaces the origin's value; false: the origin's value, when present, is kept (§6.3). */
  override: boolean;
}

export interface CorsPlan {
  /** AccessControlAllowOrigins holds `*`. */
  isAnyOrigin: boolean;
  origins: readonly OriginPattern[];
  allowCredentials: boolean;
  /** Joined header values, undefined when the policy gives none. */
  allowHeaders: string | undefined;
  allowMethods: string | undefined;
  exposeHeaders: string | undefined;
  maxAge: string | undefined;
  originOverride: boolean;
}

/** One AccessControlAllowOrigins item: scheme and port when given, the host or the suffix after `*.`. */
interface OriginPattern {
  scheme: string | undefined;
  host: string;
  port: string | undefined;
  isWildcard: boolean;
}

const ORIGIN = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/:]+)(?::(\d+))?\/?$/i;

function compileOrigin(item: string): OriginPattern | undefined {
  const m = ORIGIN.exec(item);
  if (!m) return undefined;
  const host = m[2]!.toLowerCase();
  const isWildcard = host.startsWith("*.");
  return { scheme: m[1]?.toLowerCase(), host: isWildcard ? host.slice(1) : host, port: m[3], isWildcard };
}

/** Does the request's `Origin` (`scheme://host[:port]`) match one of the policy's origins? */
export function matchesAllowedOrigin(cors: CorsPlan, origin: string): boolean {
  if (cors.isAnyOrigin) return true;
  const m = ORIGIN.exec(origin);
  if (!m || m[1] === undefined) return false;
  const scheme = m[1].toLowerCase();
  const host = m[2]!.toLowerCase();
  const port = m[3];
  return cors.origins.some(
    (p) =>
      (p.scheme === undefined || p.scheme === scheme) &&
      p.port === port &&
      // `*.example.org` covers any subdomain at any depth, not example.org itself.
      (p.isWildcard ? host.endsWith(p.host) && host.length > p.host.length : host === p.host),
  );
}

const joined = (items: readonly string[]) => (items.length === 0 ? undefined : items.join(", "));

export function compileResponseHeadersPolicy(id: string, c: ResponseHeadersPolicyConfig): ResponseHeadersPlan {
  const set: HeaderSetting[] = [];
  const s = c.SecurityHeadersConfig;
  if (s) {
    const add = (field: keyof typeof SECURITY_HEADER_OF, value: string, override: boolean) => set.push({ name: SECURITY_HEADER_OF[field], value, override });
    if (s.ContentSecurityPolicy) add("ContentSecurityPolicy", s.ContentSecurityPolicy.ContentSecurityPolicy, s.ContentSecurityPolicy.Override);
    if (s.ContentTypeOptions) add("ContentTypeOptions", "nosniff", s.ContentTypeOptions.Override);
    if (s.FrameOptions) add("FrameOptions", s.FrameOptions.FrameOption, s.FrameOptions.Override);
    if (s.ReferrerPolicy) add("ReferrerPolicy", s.ReferrerPolicy.ReferrerPolicy, s.ReferrerPolicy.Override);
    const hsts = s.StrictTransportSecurity;
    if (hsts)
      add(
        "StrictTransportSecurity",
        `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? "; includeSubDomains" : ""}${hsts.Preload ? "; preload" : ""}`,
        hsts.Override,
      );
    const xss = s.XSSProtection;
    if (xss) {
      const value = !xss.Protection ? "0" : xss.ModeBlock ? "1; mode=block" : xss.ReportUri !== undefined ? `1; report=${xss.ReportUri}` : "1";
      add("XSSProtection", value, xss.Override);
    }
  }
  for (const h of listItems(c.CustomHeadersConfig)) set.push({ name: h.Header.toLowerCase(), value: h.Value, override: h.Override });

  let cors: CorsPlan | undefined;
  if (c.CorsConfig) {
    const k = c.CorsConfig;
    const items = listItems(k.AccessControlAllowOrigins);
    const methods = listItems(k.AccessControlAllowMethods);
    cors = Object.freeze({
      isAnyOrigin: items.includes("*"),
      origins: items.map(compileOrigin).filter((p): p is OriginPattern => p !== undefined),
      allowCredentials: k.AccessControlAllowCredentials,
      allowHeaders: joined(listItems(k.AccessControlAllowHeaders)),
      // `ALL` is every method the field accepts (cloudfront.md §6.2).
      allowMethods: joined(methods.includes("ALL") ? [...CORS_METHODS] : methods),
      exposeHeaders: joined(listItems(k.AccessControlExposeHeaders)),
      maxAge: k.AccessControlMaxAgeSec === undefined ? undefined : String(k.AccessControlMaxAgeSec),
      originOverride: k.OriginOverride,
    });
  }
  const st = c.ServerTimingHeadersConfig;
  return Object.freeze({
    id,
    remove: new Set(listItems(c.RemoveHeadersConfig).map((h) => h.Header.toLowerCase())),
    set: Object.freeze(set),
    cors,
    serverTimingRate: st?.Enabled ? (st.SamplingRate ?? 0) : undefined,
  });
}
