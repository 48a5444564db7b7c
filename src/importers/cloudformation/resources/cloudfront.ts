import { apiList, apiListObject, isRecord, rename, type Dropped } from "./shape.js";

/**
 * CloudFormation's AWS::CloudFront::* properties → the CloudFront API's shapes (CloudFormation User
 * Guide, AWS::CloudFront::Distribution DistributionConfig). The differences: lists are plain lists,
 * not `{ Quantity, Items }`; `CachedMethods` sits beside `AllowedMethods`; a few names differ
 * (`OriginCustomHeaders`, `OriginSSLProtocols`, `IPV6Enabled`, `AcmCertificateArn`); `Logging` has no
 * `Enabled` (present means on); `GeoRestriction.Locations`. Every other field keeps its API name
 * and passes through, so the model's own checks and not-emulated warnings apply unchanged.
 */

/** Legacy DistributionConfig fields CloudFormation still accepts (CNAMEs, S3Origin, CustomOrigin). */
const LEGACY = ["CNAMEs", "S3Origin", "CustomOrigin"] as const;

export function toDistributionConfig(dc: Record<string, unknown>, dropped: Dropped): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(dc)) {
    if ((LEGACY as readonly string[]).includes(k)) {
      dropped.push({ path: [k], message: `${k} is CloudFormation's legacy form, not emulated: use ${k === "CNAMEs" ? "Aliases" : "Origins"} instead` });
      continue;
    }
    switch (k) {
      case "Aliases":
        out.Aliases = apiList(v);
        break;
      case "Origins":
        out.Origins = apiList(Array.isArray(v) ? v.map(toOrigin) : v);
        break;
      case "DefaultCacheBehavior":
        out.DefaultCacheBehavior = isRecord(v) ? toCacheBehavior(v) : v;
        break;
      case "CacheBehaviors":
        out.CacheBehaviors = apiList(Array.isArray(v) ? v.map((b) => (isRecord(b) ? toCacheBehavior(b) : b)) : v);
        break;
      case "CustomErrorResponses":
        out.CustomErrorResponses = apiList(v);
        break;
      case "IPV6Enabled":
        out.IsIPV6Enabled = v;
        break;
      case "Logging":
        out.Logging = isRecord(v) ? { Enabled: true, ...v } : v;
        break;
      case "ViewerCertificate":
        out.ViewerCertificate = isRecord(v) ? rename(v, { AcmCertificateArn: "ACMCertificateArn", IamCertificateId: "IAMCertificateId" }) : v;
        break;
      case "Restrictions":
        out.Restrictions = toRestrictions(v);
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

function toOrigin(o: unknown): unknown {
  if (!isRecord(o)) return o;
  const out = rename(o, { OriginCustomHeaders: "CustomHeaders" });
  if (Array.isArray(out.CustomHeaders)) out.CustomHeaders = apiList(out.CustomHeaders);
  if (isRecord(out.CustomOriginConfig)) {
    const c = rename(out.CustomOriginConfig, { OriginSSLProtocols: "OriginSslProtocols" });
    if (Array.isArray(c.OriginSslProtocols)) c.OriginSslProtocols = apiList(c.OriginSslProtocols);
    out.CustomOriginConfig = c;
  }
  return out;
}

function toCacheBehavior(b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) {
    switch (k) {
      case "AllowedMethods":
        out.AllowedMethods = { ...apiListObject(v), ...(Array.isArray(b.CachedMethods) ? { CachedMethods: apiList(b.CachedMethods) } : {}) };
        break;
      case "CachedMethods":
        // Part of AllowedMethods in the API; without AllowedMethods CloudFormation's default (GET, HEAD) carries it.
        if (!("AllowedMethods" in b)) out.AllowedMethods = { ...apiListObject(["GET", "HEAD"]), CachedMethods: apiList(v) };
        break;
      case "TrustedSigners":
      case "TrustedKeyGroups":
        out[k] = Array.isArray(v) ? { Enabled: v.length > 0, ...apiListObject(v) } : v;
        break;
      case "LambdaFunctionAssociations":
      case "FunctionAssociations":
        out[k] = apiList(v);
        break;
      case "ForwardedValues":
        out.ForwardedValues = isRecord(v) ? toForwardedValues(v) : v;
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

function toForwardedValues(f: Record<string, unknown>): Record<string, unknown> {
  const out = { ...f };
  if (Array.isArray(out.Headers)) out.Headers = apiList(out.Headers);
  if (Array.isArray(out.QueryStringCacheKeys)) out.QueryStringCacheKeys = apiList(out.QueryStringCacheKeys);
  if (isRecord(out.Cookies) && Array.isArray(out.Cookies.WhitelistedNames))
    out.Cookies = { ...out.Cookies, WhitelistedNames: apiList(out.Cookies.WhitelistedNames) };
  return out;
}

function toRestrictions(v: unknown): unknown {
  if (!isRecord(v) || !isRecord(v.GeoRestriction)) return v;
  const { Locations, ...rest } = v.GeoRestriction;
  return { ...v, GeoRestriction: { ...rest, ...(Array.isArray(Locations) ? apiListObject(Locations) : {}) } };
}

/** CachePolicyConfig: the three `*Config` lists become `{ Quantity, Items }`. */
export function toCachePolicyConfig(c: unknown): unknown {
  if (!isRecord(c)) return c;
  const p = c.ParametersInCacheKeyAndForwardedToOrigin;
  return isRecord(p) ? { ...c, ParametersInCacheKeyAndForwardedToOrigin: toPolicyParameters(p) } : c;
}

export function toOriginRequestPolicyConfig(c: unknown): unknown {
  return isRecord(c) ? toPolicyParameters(c) : c;
}

function toPolicyParameters(p: Record<string, unknown>): Record<string, unknown> {
  const out = { ...p };
  const wrap = (config: string, field: string) => {
    const c = out[config];
    if (isRecord(c) && Array.isArray(c[field])) out[config] = { ...c, [field]: apiList(c[field]) };
  };
  wrap("HeadersConfig", "Headers");
  wrap("CookiesConfig", "Cookies");
  wrap("QueryStringsConfig", "QueryStrings");
  return out;
}

/**
 * Stack field path under a distribution → template path under `DistributionConfig` (for file:line):
 * the API's wrappers have no CloudFormation node, and a few names differ.
 */
export function distributionTemplatePath(rest: readonly (string | number)[]): (string | number)[] {
  const names: Record<string, string> = { CustomHeaders: "OriginCustomHeaders", OriginSslProtocols: "OriginSSLProtocols", IsIPV6Enabled: "IPV6Enabled" };
  const out: (string | number)[] = [];
  for (let i = 0; i < rest.length; i++) {
    const s = rest[i]!;
    if (s === "Items" || s === "Quantity") continue;
    if (s === "CachedMethods" && out[out.length - 1] === "AllowedMethods") {
      out[out.length - 1] = "CachedMethods";
      continue;
    }
    out.push(typeof s === "string" ? (names[s] ?? s) : s);
  }
  return out;
}
