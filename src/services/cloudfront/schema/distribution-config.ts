import { z } from "zod";
import { awsList } from "../../../model/aws-list.js";

/**
 * DistributionConfig exactly as the CloudFront API (and `aws cloudfront create-distribution`)
 * spells it. Objects are strict: a misspelt field is an error, never silently dropped. Fields that
 * are accepted but not emulated are reported by `not-emulated.ts`.
 */

const METHOD = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "OPTIONS", "DELETE"]);

const CustomHeaderSchema = z.object({ HeaderName: z.string().min(1), HeaderValue: z.string() }).strict();

export const OriginCustomHeadersSchema = awsList(CustomHeaderSchema);

const S3OriginConfigSchema = z.object({ OriginAccessIdentity: z.string().default(""), OriginReadTimeout: z.number().int().optional() }).strict();

const CustomOriginConfigSchema = z
  .object({
    HTTPPort: z.number().int().default(80),
    HTTPSPort: z.number().int().default(443),
    OriginProtocolPolicy: z.enum(["http-only", "match-viewer", "https-only"]),
    OriginSslProtocols: awsList(z.enum(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"])).optional(),
    // cloudfront.md §10.3: 30 s default, 1–60 (higher only through a quota increase).
    OriginReadTimeout: z.number().int().min(1).max(180).default(30),
    OriginKeepaliveTimeout: z.number().int().min(1).max(180).default(5),
    IpAddressType: z.enum(["ipv4", "ipv6", "dualstack"]).optional(),
  })
  .strict();

export const OriginSchema = z
  .object({
    Id: z.string().min(1),
    DomainName: z.string().min(1),
    OriginPath: z
      .string()
      .default("")
      .refine((p) => p === "" || (p.startsWith("/") && !p.endsWith("/")), {
        message: "OriginPath must begin with / and must not end with / (cloudfront.md §10.2)",
      }),
    CustomHeaders: OriginCustomHeadersSchema.optional(),
    S3OriginConfig: S3OriginConfigSchema.optional(),
    CustomOriginConfig: CustomOriginConfigSchema.optional(),
    VpcOriginConfig: z.unknown().optional(),
    ConnectionAttempts: z.number().int().min(1).max(3).default(3),
    ConnectionTimeout: z.number().int().min(1).max(10).default(10),
    ResponseCompletionTimeout: z.number().int().optional(),
    OriginShield: z.object({ Enabled: z.boolean(), OriginShieldRegion: z.string().optional() }).strict().optional(),
    OriginAccessControlId: z.string().default(""),
  })
  .strict();
export type Origin = z.infer<typeof OriginSchema>;

const OriginGroupSchema = z
  .object({
    Id: z.string().min(1),
    FailoverCriteria: z.object({ StatusCodes: awsList(z.number().int()) }).strict(),
    Members: awsList(z.object({ OriginId: z.string() }).strict()),
    SelectionCriteria: z.enum(["default", "media-quality-based"]).optional(),
  })
  .strict();
export type OriginGroup = z.infer<typeof OriginGroupSchema>;

const AllowedMethodsSchema = z
  .object({
    Quantity: z.number().int().optional(),
    Items: z.array(METHOD),
    CachedMethods: awsList(METHOD).optional(),
  })
  .strict();

const ForwardedValuesSchema = z
  .object({
    QueryString: z.boolean(),
    Cookies: z.object({ Forward: z.enum(["none", "whitelist", "all"]), WhitelistedNames: awsList(z.string()).optional() }).strict(),
    Headers: awsList(z.string()).optional(),
    QueryStringCacheKeys: awsList(z.string()).optional(),
  })
  .strict();
export type ForwardedValues = z.infer<typeof ForwardedValuesSchema>;

const FunctionAssociationSchema = z.object({ FunctionARN: z.string(), EventType: z.enum(["viewer-request", "viewer-response"]) }).strict();
const LambdaAssociationSchema = z
  .object({
    LambdaFunctionARN: z.string(),
    EventType: z.enum(["viewer-request", "viewer-response", "origin-request", "origin-response"]),
    IncludeBody: z.boolean().optional(),
  })
  .strict();

const behaviorFields = {
  TargetOriginId: z.string().min(1),
  TrustedSigners: z
    .object({ Enabled: z.boolean(), Quantity: z.number().int().optional(), Items: z.array(z.string()).optional() })
    .strict()
    .optional(),
  TrustedKeyGroups: z
    .object({ Enabled: z.boolean(), Quantity: z.number().int().optional(), Items: z.array(z.string()).optional() })
    .strict()
    .optional(),
  ViewerProtocolPolicy: z.enum(["allow-all", "https-only", "redirect-to-https"]),
  AllowedMethods: AllowedMethodsSchema.optional(),
  SmoothStreaming: z.boolean().optional(),
  Compress: z.boolean().default(false),
  LambdaFunctionAssociations: awsList(LambdaAssociationSchema).optional(),
  FunctionAssociations: awsList(FunctionAssociationSchema).optional(),
  FieldLevelEncryptionId: z.string().optional(),
  RealtimeLogConfigArn: z.string().optional(),
  CachePolicyId: z.string().optional(),
  OriginRequestPolicyId: z.string().optional(),
  ResponseHeadersPolicyId: z.string().optional(),
  GrpcConfig: z.object({ Enabled: z.boolean() }).strict().optional(),
  ForwardedValues: ForwardedValuesSchema.optional(),
  MinTTL: z.number().int().min(0).optional(),
  DefaultTTL: z.number().int().min(0).optional(),
  MaxTTL: z.number().int().min(0).optional(),
};

export const DefaultCacheBehaviorSchema = z.object(behaviorFields).strict();
export const CacheBehaviorSchema = z.object({ PathPattern: z.string(), ...behaviorFields }).strict();
export type DefaultCacheBehavior = z.infer<typeof DefaultCacheBehaviorSchema>;
export type CacheBehavior = z.infer<typeof CacheBehaviorSchema>;

const ERROR_CODES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504] as const;

const CustomErrorResponseSchema = z
  .object({
    ErrorCode: z
      .number()
      .int()
      .refine((c) => (ERROR_CODES as readonly number[]).includes(c), {
        message: `ErrorCode must be one of ${ERROR_CODES.join(", ")} (cloudfront.md §9.1)`,
      }),
    ResponsePagePath: z.string().optional(),
    ResponseCode: z.union([z.string(), z.number()]).transform(String).optional(),
    ErrorCachingMinTTL: z.number().int().min(0).optional(),
  })
  .strict();
export type CustomErrorResponse = z.infer<typeof CustomErrorResponseSchema>;

export const DistributionConfigSchema = z
  .object({
    CallerReference: z.string().default("edgeparity"),
    Aliases: awsList(z.string()).optional(),
    DefaultRootObject: z.string().default(""),
    Origins: awsList(OriginSchema),
    OriginGroups: awsList(OriginGroupSchema).optional(),
    DefaultCacheBehavior: DefaultCacheBehaviorSchema,
    CacheBehaviors: awsList(CacheBehaviorSchema).optional(),
    CustomErrorResponses: awsList(CustomErrorResponseSchema).optional(),
    Comment: z.string().default(""),
    Logging: z
      .object({ Enabled: z.boolean(), IncludeCookies: z.boolean().optional(), Bucket: z.string().optional(), Prefix: z.string().optional() })
      .strict()
      .optional(),
    PriceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All", "None"]).optional(),
    Enabled: z.boolean().default(true),
    ViewerCertificate: z.record(z.unknown()).optional(),
    Restrictions: z
      .object({
        GeoRestriction: z
          .object({
            RestrictionType: z.enum(["none", "whitelist", "blacklist"]),
            Quantity: z.number().int().optional(),
            Items: z.array(z.string()).optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    WebACLId: z.string().optional(),
    HttpVersion: z.enum(["http1.1", "http2", "http3", "http2and3"]).default("http2"),
    IsIPV6Enabled: z.boolean().optional(),
    ContinuousDeploymentPolicyId: z.string().optional(),
    Staging: z.boolean().optional(),
    AnycastIpListId: z.string().optional(),
    TenantConfig: z.unknown().optional(),
    ConnectionMode: z.string().optional(),
  })
  .strict();
export type DistributionConfig = z.infer<typeof DistributionConfigSchema>;
export type DistributionConfigInput = z.input<typeof DistributionConfigSchema>;
