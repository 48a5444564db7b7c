import type { CachePolicyConfig, OriginRequestPolicyConfig } from "./policies.js";
import type { ResponseHeadersPolicyConfig } from "./response-headers-policy.js";

/**
 * AWS managed policies by their real IDs and settings (cloudfront.md §5.1, §5.2, §5.3). The IDs are
 * global constants in every AWS account; a behaviour may name one by ID or by its `Managed-` name.
 */

type Params = CachePolicyConfig["ParametersInCacheKeyAndForwardedToOrigin"];

function cachePolicy(name: string, min: number, def: number, max: number, p: Partial<Params> & { gzip: boolean; br: boolean }): CachePolicyConfig {
  return {
    Name: name,
    MinTTL: min,
    DefaultTTL: def,
    MaxTTL: max,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: p.gzip,
      EnableAcceptEncodingBrotli: p.br,
      HeadersConfig: p.HeadersConfig ?? { HeaderBehavior: "none" },
      CookiesConfig: p.CookiesConfig ?? { CookieBehavior: "none" },
      QueryStringsConfig: p.QueryStringsConfig ?? { QueryStringBehavior: "none" },
    },
  };
}

const list = <T extends string>(...items: T[]) => ({ Quantity: items.length, Items: items });

const USE_ORIGIN_HEADERS = list("Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

export const MANAGED_CACHE_POLICIES: ReadonlyMap<string, CachePolicyConfig> = new Map([
  [
    "2e54312d-136d-493c-8eb9-b001f22f67d2",
    cachePolicy("Amplify", 2, 2, 600, {
      gzip: true,
      br: true,
      HeadersConfig: { HeaderBehavior: "whitelist", Headers: list("Authorization", "CloudFront-Viewer-Country", "Host") },
      CookiesConfig: { CookieBehavior: "all" },
      QueryStringsConfig: { QueryStringBehavior: "all" },
    }),
  ],
  ["4135ea2d-6df8-44a3-9df3-4b5a84be39ad", cachePolicy("CachingDisabled", 0, 0, 0, { gzip: false, br: false })],
  ["658327ea-f89d-4fab-a63d-7e88639e58f6", cachePolicy("CachingOptimized", 1, 86400, 31536000, { gzip: true, br: true })],
  ["b2884449-e4de-46a7-ac36-70bc7f1ddd6d", cachePolicy("CachingOptimizedForUncompressedObjects", 1, 86400, 31536000, { gzip: false, br: false })],
  [
    "08627262-05a9-4f76-9ded-b50ca2e3a84f",
    cachePolicy("Elemental-MediaPackage", 0, 86400, 31536000, {
      gzip: true,
      br: false,
      HeadersConfig: { HeaderBehavior: "whitelist", Headers: list("Origin") },
      QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: list("aws.manifestfilter", "start", "end", "m") },
    }),
  ],
  [
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
    cachePolicy("UseOriginCacheControlHeaders", 0, 0, 31536000, {
      gzip: true,
      br: true,
      HeadersConfig: { HeaderBehavior: "whitelist", Headers: USE_ORIGIN_HEADERS },
      CookiesConfig: { CookieBehavior: "all" },
    }),
  ],
  [
    "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
    cachePolicy("UseOriginCacheControlHeaders-QueryStrings", 0, 0, 31536000, {
      gzip: true,
      br: true,
      HeadersConfig: { HeaderBehavior: "whitelist", Headers: USE_ORIGIN_HEADERS },
      CookiesConfig: { CookieBehavior: "all" },
      QueryStringsConfig: { QueryStringBehavior: "all" },
    }),
  ],
]);

function orp(
  name: string,
  h: OriginRequestPolicyConfig["HeadersConfig"],
  c: OriginRequestPolicyConfig["CookiesConfig"]["CookieBehavior"],
  q: OriginRequestPolicyConfig["QueryStringsConfig"]["QueryStringBehavior"],
): OriginRequestPolicyConfig {
  return { Name: name, HeadersConfig: h, CookiesConfig: { CookieBehavior: c }, QueryStringsConfig: { QueryStringBehavior: q } };
}

/** The CloudFront headers AllViewerAndCloudFrontHeaders-2022-06 adds (cloudfront.md §5.2). */
const CLOUDFRONT_2022_06 = list(
  "CloudFront-Forwarded-Proto",
  "CloudFront-Is-Android-Viewer",
  "CloudFront-Is-Desktop-Viewer",
  "CloudFront-Is-IOS-Viewer",
  "CloudFront-Is-Mobile-Viewer",
  "CloudFront-Is-SmartTV-Viewer",
  "CloudFront-Is-Tablet-Viewer",
  "CloudFront-Viewer-Address",
  "CloudFront-Viewer-ASN",
  "CloudFront-Viewer-City",
  "CloudFront-Viewer-Country",
  "CloudFront-Viewer-Country-Name",
  "CloudFront-Viewer-Country-Region",
  "CloudFront-Viewer-Country-Region-Name",
  "CloudFront-Viewer-Http-Version",
  "CloudFront-Viewer-Latitude",
  "CloudFront-Viewer-Longitude",
  "CloudFront-Viewer-Metro-Code",
  "CloudFront-Viewer-Postal-Code",
  "CloudFront-Viewer-Time-Zone",
  "CloudFront-Viewer-TLS",
);

export const MANAGED_ORIGIN_REQUEST_POLICIES: ReadonlyMap<string, OriginRequestPolicyConfig> = new Map([
  ["216adef6-5c7f-47e4-b989-5492eafa07d3", orp("AllViewer", { HeaderBehavior: "allViewer" }, "all", "all")],
  [
    "33f36d7e-f396-46d9-90e0-52428a34d9dc",
    orp("AllViewerAndCloudFrontHeaders-2022-06", { HeaderBehavior: "allViewerAndWhitelistCloudFront", Headers: CLOUDFRONT_2022_06 }, "all", "all"),
  ],
  ["b689b0a8-53d0-40ab-baf2-68738e2966ac", orp("AllViewerExceptHostHeader", { HeaderBehavior: "allExcept", Headers: list("Host") }, "all", "all")],
  ["59781a5b-3903-41f3-afcb-af62929ccde1", orp("CORS-CustomOrigin", { HeaderBehavior: "whitelist", Headers: list("Origin") }, "none", "none")],
  [
    "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    orp(
      "CORS-S3Origin",
      { HeaderBehavior: "whitelist", Headers: list("Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method") },
      "none",
      "none",
    ),
  ],
  [
    "775133bc-15f2-49f9-abea-afb2e0bf67d2",
    orp(
      "Elemental-MediaTailor-PersonalizedManifests",
      {
        HeaderBehavior: "whitelist",
        Headers: list("Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method", "User-Agent", "X-Forwarded-For"),
      },
      "none",
      "all",
    ),
  ],
  ["bf0718e1-ba1e-49d1-88b1-f726733018ae", orp("HostHeaderOnly", { HeaderBehavior: "whitelist", Headers: list("Host") }, "none", "none")],
  [
    "acba4595-bd28-49b8-b9fe-13317c0390fa",
    orp("UserAgentRefererHeaders", { HeaderBehavior: "whitelist", Headers: list("User-Agent", "Referer") }, "none", "none"),
  ],
]);

/** Managed policies that (per current docs, cloudfront.md §5.2) withhold S3's response-* query overrides from S3 origins. */
export const ORP_WITHHOLDING_S3_RESPONSE_OVERRIDES: ReadonlySet<string> = new Set([
  "216adef6-5c7f-47e4-b989-5492eafa07d3",
  "33f36d7e-f396-46d9-90e0-52428a34d9dc",
  "b689b0a8-53d0-40ab-baf2-68738e2966ac",
  "775133bc-15f2-49f9-abea-afb2e0bf67d2",
]);

/** Resolves a policy reference that may be an ID, a managed name (`CachingOptimized`) or its API name (`Managed-CachingOptimized`). */
export function findManaged<T extends { Name: string }>(table: ReadonlyMap<string, T>, ref: string): { id: string; config: T } | undefined {
  const byId = table.get(ref);
  if (byId) return { id: ref, config: byId };
  const bare = ref.startsWith("Managed-") ? ref.slice("Managed-".length) : ref;
  for (const [id, config] of table) if (config.Name === bare) return { id, config };
  return undefined;
}

/**
 * Managed response headers policies (cloudfront.md §5.3). UNCONFIRMED there: the preflight
 * policies' AccessControlAllowHeaders (the documented header list has no Access-Control-Allow-Headers,
 * so none is sent), AccessControlAllowCredentials (false) and AccessControlMaxAgeSec (absent).
 */
const SIMPLE_CORS: ResponseHeadersPolicyConfig["CorsConfig"] = {
  AccessControlAllowOrigins: list("*"),
  AccessControlAllowHeaders: list(),
  // Documented as Access-Control-Allow-Origin only: no method list even on a preflight.
  AccessControlAllowMethods: list(),
  AccessControlAllowCredentials: false,
  OriginOverride: false,
};
const PREFLIGHT_CORS: ResponseHeadersPolicyConfig["CorsConfig"] = {
  AccessControlAllowOrigins: list("*"),
  AccessControlAllowHeaders: list(),
  AccessControlAllowMethods: list("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"),
  AccessControlAllowCredentials: false,
  AccessControlExposeHeaders: list("*"),
  OriginOverride: false,
};
const SECURITY_HEADERS: ResponseHeadersPolicyConfig["SecurityHeadersConfig"] = {
  ReferrerPolicy: { Override: false, ReferrerPolicy: "strict-origin-when-cross-origin" },
  StrictTransportSecurity: { Override: false, AccessControlMaxAgeSec: 31536000, IncludeSubdomains: false, Preload: false },
  ContentTypeOptions: { Override: true },
  FrameOptions: { Override: false, FrameOption: "SAMEORIGIN" },
  XSSProtection: { Override: false, Protection: true, ModeBlock: true },
};

export const MANAGED_RESPONSE_HEADERS_POLICIES: ReadonlyMap<string, ResponseHeadersPolicyConfig> = new Map<string, ResponseHeadersPolicyConfig>([
  ["60669652-455b-4ae9-85a4-c4c02393f86c", { Name: "SimpleCORS", CorsConfig: SIMPLE_CORS }],
  ["5cc3b908-e619-4b99-88e5-2cf7f45965bd", { Name: "CORS-With-Preflight", CorsConfig: PREFLIGHT_CORS }],
  ["67f7725c-6f97-4210-82d7-5512b31e9d03", { Name: "SecurityHeadersPolicy", SecurityHeadersConfig: SECURITY_HEADERS }],
  ["e61eb60c-9c35-4d20-a928-2b84e02af89c", { Name: "CORS-and-SecurityHeadersPolicy", CorsConfig: SIMPLE_CORS, SecurityHeadersConfig: SECURITY_HEADERS }],
  [
    "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
    { Name: "CORS-with-preflight-and-SecurityHeadersPolicy", CorsConfig: PREFLIGHT_CORS, SecurityHeadersConfig: SECURITY_HEADERS },
  ],
]);
