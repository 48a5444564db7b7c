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
  });
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
  .strict();
export type OriginRequestPolicyConfig = z.infer<typeof OriginRequestPolicyConfigSchema>;
