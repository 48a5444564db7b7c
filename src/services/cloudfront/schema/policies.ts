import { z } from "zod";
import { awsList } from "../../../model/aws-list.js";

/** CachePolicyConfig and OriginRequestPolicyConfig exactly as the CloudFront API spells them (cloudfront.md §4.1, §5.2). */

const names = awsList(z.string().min(1));

export const CachePolicyConfigSchema = z
  .object({
    Comment: z.string().optional(),
    Name: z.string().min(1),
    DefaultTTL: z.number().int().min(0).default(86400),
    MaxTTL: z.number().int().min(0).default(31536000),
    MinTTL: z.number().int().min(0),
    ParametersInCacheKeyAndForwardedToOrigin: z
      .object({
        EnableAcceptEncodingGzip: z.boolean(),
        EnableAcceptEncodingBrotli: z.boolean().default(false),
        HeadersConfig: z.object({ HeaderBehavior: z.enum(["none", "whitelist"]), Headers: names.optional() }).strict(),
        CookiesConfig: z.object({ CookieBehavior: z.enum(["none", "whitelist", "allExcept", "all"]), Cookies: names.optional() }).strict(),
        QueryStringsConfig: z
          .object({
            QueryStringBehavior: z.enum(["none", "whitelist", "allExcept", "all"]),
            QueryStrings: names.optional(),
          })
          .strict(),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // cloudfront.md §4.1: MinTTL ≤ DefaultTTL ≤ MaxTTL is enforced by the API.
    if (c.MinTTL > c.DefaultTTL) ctx.addIssue({ code: "custom", path: ["DefaultTTL"], message: "DefaultTTL must be greater than or equal to MinTTL" });
    if (c.DefaultTTL > c.MaxTTL) ctx.addIssue({ code: "custom", path: ["MaxTTL"], message: "MaxTTL must be greater than or equal to DefaultTTL" });
    const p = c.ParametersInCacheKeyAndForwardedToOrigin;
    // cloudfront.md §4.1 quotas: 10 headers, 10 cookies, 10 query strings per policy.
    const tooMany = (items: readonly string[] | undefined, path: string[], code: string, what: string) => {
      if ((items?.length ?? 0) > POLICY_ITEM_QUOTA)
        ctx.addIssue({ code: "custom", path, message: `${code}: The number of ${what} in the cache policy exceeds the maximum (${POLICY_ITEM_QUOTA}).` });
    };
    tooMany(p.HeadersConfig.Headers?.Items, ["ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig", "Headers"], "TooManyHeadersInCachePolicy", "headers");
    tooMany(p.CookiesConfig.Cookies?.Items, ["ParametersInCacheKeyAndForwardedToOrigin", "CookiesConfig", "Cookies"], "TooManyCookiesInCachePolicy", "cookies");
    tooMany(
      p.QueryStringsConfig.QueryStrings?.Items,
      ["ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig", "QueryStrings"],
      "TooManyQueryStringsInCachePolicy",
      "query strings",
    );
    // cloudfront.md §7.2: these CloudFront headers can reach an origin only through an origin request policy.
    (p.HeadersConfig.Headers?.Items ?? []).forEach((h, i) => {
      if (ORIGIN_REQUEST_POLICY_ONLY.has(h.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: ["ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig", "Headers", "Items", i],
          message: `InvalidArgument: The parameter Headers contains ${h}, which can be used only in an origin request policy.`,
        });
    });
    // cloudfront.md §4.4: with all TTLs 0 (caching disabled) the API refuses any cache-key parameter,
    // in the words it uses for EnableAcceptEncodingGzip ("… is invalid for policy with caching disabled").
    if (c.MinTTL === 0 && c.DefaultTTL === 0 && c.MaxTTL === 0) {
      const invalid = (field: string, isSet: boolean) => {
        if (isSet)
          ctx.addIssue({
            code: "custom",
            path: ["ParametersInCacheKeyAndForwardedToOrigin", field],
            message: `InvalidArgument: The parameter ${field} is invalid for policy with caching disabled.`,
          });
      };
      invalid("EnableAcceptEncodingGzip", p.EnableAcceptEncodingGzip);
      invalid("EnableAcceptEncodingBrotli", p.EnableAcceptEncodingBrotli);
      invalid("HeadersConfig", p.HeadersConfig.HeaderBehavior !== "none");
      invalid("CookiesConfig", p.CookiesConfig.CookieBehavior !== "none");
      invalid("QueryStringsConfig", p.QueryStringsConfig.QueryStringBehavior !== "none");
    }
  });

/** cloudfront.md §7.2: CloudFront headers that cannot be in a cache key. */
const ORIGIN_REQUEST_POLICY_ONLY = new Set([
  "cloudfront-viewer-address",
  "cloudfront-viewer-asn",
  "cloudfront-viewer-tls",
  "cloudfront-viewer-ja3-fingerprint",
  "cloudfront-viewer-ja4-fingerprint",
]);

/** Headers, cookies and query strings per policy (cloudfront.md §4.1, DG "Quotas"). */
const POLICY_ITEM_QUOTA = 10;
export type CachePolicyConfig = z.infer<typeof CachePolicyConfigSchema>;

export const OriginRequestPolicyConfigSchema = z
  .object({
    Comment: z.string().optional(),
    Name: z.string().min(1),
    HeadersConfig: z
      .object({
        HeaderBehavior: z.enum(["none", "whitelist", "allViewer", "allViewerAndWhitelistCloudFront", "allExcept"]),
        Headers: names.optional(),
      })
      .strict(),
    CookiesConfig: z.object({ CookieBehavior: z.enum(["none", "whitelist", "all", "allExcept"]), Cookies: names.optional() }).strict(),
    QueryStringsConfig: z
      .object({
        QueryStringBehavior: z.enum(["none", "whitelist", "all", "allExcept"]),
        QueryStrings: names.optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const items = c.HeadersConfig.Headers?.Items ?? [];
    // cloudfront.md §7.2: Authorization reaches the origin only through the cache key (or an
    // AllViewer* behaviour); Accept-Encoding only through the cache policy's gzip/br flags.
    const isListing = c.HeadersConfig.HeaderBehavior === "whitelist" || c.HeadersConfig.HeaderBehavior === "allViewerAndWhitelistCloudFront";
    items.forEach((h, i) => {
      const lower = h.toLowerCase();
      if (isListing && (lower === "authorization" || lower === "accept-encoding"))
        ctx.addIssue({
          code: "custom",
          path: ["HeadersConfig", "Headers", "Items", i],
          message: `InvalidArgument: The parameter Headers contains ${h} that is not allowed in an origin request policy; include it in the cache policy instead.`,
        });
    });
    if (items.length > POLICY_ITEM_QUOTA)
      ctx.addIssue({
        code: "custom",
        path: ["HeadersConfig", "Headers"],
        message: `TooManyHeadersInOriginRequestPolicy: The number of headers in the origin request policy exceeds the maximum (${POLICY_ITEM_QUOTA}).`,
      });
  });
export type OriginRequestPolicyConfig = z.infer<typeof OriginRequestPolicyConfigSchema>;
