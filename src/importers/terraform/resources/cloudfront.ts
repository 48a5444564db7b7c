import { apiList, block, blocks, compact, isSet, opt, sortedSet, withDefaults, type Values } from "./values.js";

/**
 * aws_cloudfront_* arguments → the CloudFront API's shapes (Terraform AWS provider docs,
 * aws_cloudfront_distribution, _cache_policy, _origin_request_policy, _origin_access_control).
 * Blocks the provider requires but whose "nothing" value is AWS's default — `restrictions` with
 * restriction_type none, `viewer_certificate` with the default certificate — map to absent fields.
 * Terraform sets (origins, error responses, methods) come out sorted, as a plan lists them.
 */

/** Arguments read here or meaningless locally (Terraform's own switches, tags): never "not emulated". */
export const DISTRIBUTION_ARGS = new Set([
  "enabled",
  "comment",
  "default_root_object",
  "aliases",
  "http_version",
  "is_ipv6_enabled",
  "price_class",
  "web_acl_id",
  "logging_config",
  "restrictions",
  "viewer_certificate",
  "origin",
  "origin_group",
  "default_cache_behavior",
  "ordered_cache_behavior",
  "custom_error_response",
  "retain_on_delete",
  "wait_for_deployment",
  "tags",
  "tags_all",
  "staging",
  "continuous_deployment_policy_id",
]);

/** Provider defaults of aws_cloudfront_distribution arguments (provider docs, Argument Reference). */
const DISTRIBUTION_DEFAULTS = { http_version: "http2", is_ipv6_enabled: false, price_class: "PriceClass_All", staging: false, retain_on_delete: false };
const ORIGIN_DEFAULTS = { connection_attempts: 3, connection_timeout: 10 };
const CUSTOM_ORIGIN_DEFAULTS = { origin_keepalive_timeout: 5, origin_read_timeout: 30 };
const BEHAVIOR_DEFAULTS = { compress: false, smooth_streaming: false };

/** Stack list index → the block index it came from, per list (sorted sets reorder). */
export type IndexMaps = Map<string, number[]>;

export function toDistributionConfig(v0: Values, indexes: IndexMaps): Values {
  const v = withDefaults(v0, DISTRIBUTION_DEFAULTS);
  const origins = sortBy(blocks(v.origin), (o) => String(o.origin_id), indexes, "Origins");
  const errors = sortBy(blocks(v.custom_error_response), (e) => Number(e.error_code), indexes, "CustomErrorResponses");
  const groups = sortBy(blocks(v.origin_group), (g) => String(g.origin_id), indexes, "OriginGroups");
  const logging = block(v.logging_config);
  return compact({
    Enabled: v.enabled,
    Comment: opt(v.comment),
    DefaultRootObject: opt(v.default_root_object),
    Aliases: apiList(sortedSet(v.aliases)),
    HttpVersion: v.http_version,
    IsIPV6Enabled: v.is_ipv6_enabled === true ? true : undefined,
    PriceClass: v.price_class === "PriceClass_All" ? undefined : opt(v.price_class),
    WebACLId: opt(v.web_acl_id),
    Logging: logging
      ? compact({ Enabled: true, Bucket: opt(logging.bucket), Prefix: opt(logging.prefix), IncludeCookies: logging.include_cookies === true })
      : undefined,
    Restrictions: toRestrictions(block(v.restrictions)),
    ViewerCertificate: toViewerCertificate(block(v.viewer_certificate)),
    Origins: apiList(origins.map(toOrigin)),
    OriginGroups: apiList(groups.map(toOriginGroup)),
    DefaultCacheBehavior: toBehavior(block(v.default_cache_behavior) ?? {}),
    CacheBehaviors: apiList(blocks(v.ordered_cache_behavior).map((b) => ({ PathPattern: b.path_pattern, ...toBehavior(b) }))),
    CustomErrorResponses: apiList(
      errors.map((e) =>
        compact({
          ErrorCode: e.error_code,
          ResponsePagePath: opt(e.response_page_path),
          ResponseCode: isSet(e.response_code) ? String(e.response_code) : undefined,
          ErrorCachingMinTTL: e.error_caching_min_ttl ?? undefined,
        }),
      ),
    ),
    Staging: v.staging === true ? true : undefined,
    ContinuousDeploymentPolicyId: opt(v.continuous_deployment_policy_id),
  });
}

function sortBy(list: Values[], key: (v: Values) => string | number, indexes: IndexMaps, name: string): Values[] {
  const tagged = list.map((v, i) => ({ v, i })).sort((a, b) => (key(a.v) < key(b.v) ? -1 : key(a.v) > key(b.v) ? 1 : 0));
  indexes.set(
    name,
    tagged.map((t) => t.i),
  );
  return tagged.map((t) => t.v);
}

function toRestrictions(r: Values | undefined): Values | undefined {
  const geo = block(r?.geo_restriction);
  if (!geo) return undefined;
  const locations = sortedSet(geo.locations);
  if (geo.restriction_type === "none" && !locations) return undefined;
  return { GeoRestriction: compact({ RestrictionType: geo.restriction_type, Quantity: locations?.length ?? 0, Items: locations }) };
}

function toViewerCertificate(c: Values | undefined): Values | undefined {
  if (!c) return undefined;
  if (c.cloudfront_default_certificate === true && !isSet(c.acm_certificate_arn) && !isSet(c.iam_certificate_id)) return undefined;
  return compact({
    CloudFrontDefaultCertificate: c.cloudfront_default_certificate === true ? true : undefined,
    ACMCertificateArn: opt(c.acm_certificate_arn),
    IAMCertificateId: opt(c.iam_certificate_id),
    SSLSupportMethod: opt(c.ssl_support_method),
    MinimumProtocolVersion: opt(c.minimum_protocol_version),
  });
}

function toOrigin(o0: Values): Values {
  const o = withDefaults(o0, ORIGIN_DEFAULTS);
  const custom = block(o.custom_origin_config);
  const s3 = block(o.s3_origin_config);
  const shield = block(o.origin_shield);
  const headers = blocks(o.custom_header)
    .map((h) => ({ HeaderName: h.name, HeaderValue: h.value }))
    .sort((a, b) => (String(a.HeaderName) < String(b.HeaderName) ? -1 : 1));
  const c = custom ? withDefaults(custom, CUSTOM_ORIGIN_DEFAULTS) : undefined;
  return compact({
    Id: o.origin_id,
    DomainName: o.domain_name,
    OriginPath: opt(o.origin_path),
    CustomHeaders: apiList(headers),
    // The provider sends an empty S3OriginConfig when an origin has neither config (an S3 origin with OAC).
    S3OriginConfig:
      s3 || (!custom && !isSet(o.vpc_origin_config)) ? { OriginAccessIdentity: (s3?.origin_access_identity as string | undefined) ?? "" } : undefined,
    CustomOriginConfig: c
      ? compact({
          HTTPPort: c.http_port,
          HTTPSPort: c.https_port,
          OriginProtocolPolicy: c.origin_protocol_policy,
          OriginSslProtocols: apiList(sortedSet(c.origin_ssl_protocols)),
          OriginReadTimeout: c.origin_read_timeout,
          OriginKeepaliveTimeout: c.origin_keepalive_timeout,
          IpAddressType: opt(c.ip_address_type),
        })
      : undefined,
    VpcOriginConfig: opt(o.vpc_origin_config),
    ConnectionAttempts: o.connection_attempts,
    ConnectionTimeout: o.connection_timeout,
    ResponseCompletionTimeout: o.response_completion_timeout ?? undefined,
    OriginShield: shield ? compact({ Enabled: shield.enabled, OriginShieldRegion: opt(shield.origin_shield_region) }) : undefined,
    OriginAccessControlId: opt(o.origin_access_control_id),
  });
}

function toOriginGroup(g: Values): Values {
  const criteria = block(g.failover_criteria);
  return compact({
    Id: g.origin_id,
    FailoverCriteria: { StatusCodes: apiList(sortedSet(criteria?.status_codes)) ?? { Quantity: 0, Items: [] } },
    Members: apiList(blocks(g.member).map((m) => ({ OriginId: m.origin_id }))) ?? { Quantity: 0, Items: [] },
    SelectionCriteria: opt(g.selection_criteria),
  });
}

function toBehavior(b0: Values): Values {
  const b = withDefaults(b0, BEHAVIOR_DEFAULTS);
  const fv = block(b.forwarded_values);
  const cookies = block(fv?.cookies);
  const allowed = sortedSet(b.allowed_methods);
  const cached = sortedSet(b.cached_methods);
  const signers = Array.isArray(b.trusted_signers) ? b.trusted_signers : [];
  const keyGroups = Array.isArray(b.trusted_key_groups) ? b.trusted_key_groups : [];
  return compact({
    TargetOriginId: b.target_origin_id,
    ViewerProtocolPolicy: b.viewer_protocol_policy,
    AllowedMethods: allowed ? compact({ Quantity: allowed.length, Items: allowed, CachedMethods: apiList(cached) }) : undefined,
    Compress: b.compress,
    SmoothStreaming: b.smooth_streaming === true ? true : undefined,
    CachePolicyId: opt(b.cache_policy_id),
    OriginRequestPolicyId: opt(b.origin_request_policy_id),
    ResponseHeadersPolicyId: opt(b.response_headers_policy_id),
    RealtimeLogConfigArn: opt(b.realtime_log_config_arn),
    FieldLevelEncryptionId: opt(b.field_level_encryption_id),
    TrustedSigners: signers.length ? { Enabled: true, Quantity: signers.length, Items: signers } : undefined,
    TrustedKeyGroups: keyGroups.length ? { Enabled: true, Quantity: keyGroups.length, Items: keyGroups } : undefined,
    FunctionAssociations: apiList(
      blocks(b.function_association)
        .map((f) => ({ EventType: f.event_type, FunctionARN: f.function_arn }))
        .sort((x, y) => (String(x.EventType) < String(y.EventType) ? -1 : 1)),
    ),
    LambdaFunctionAssociations: apiList(
      blocks(b.lambda_function_association)
        .map((f) => compact({ EventType: f.event_type, LambdaFunctionARN: f.lambda_arn, IncludeBody: f.include_body === true ? true : undefined }))
        .sort((x, y) => (String(x.EventType) < String(y.EventType) ? -1 : 1)),
    ),
    ForwardedValues: fv
      ? compact({
          QueryString: fv.query_string === true,
          Cookies: compact({ Forward: cookies?.forward ?? "none", WhitelistedNames: apiList(sortedSet(cookies?.whitelisted_names)) }),
          Headers: apiList(sortedSet(fv.headers)),
          QueryStringCacheKeys: apiList(
            Array.isArray(fv.query_string_cache_keys) && fv.query_string_cache_keys.length ? fv.query_string_cache_keys : undefined,
          ),
        })
      : undefined,
    // TTLs belong to the legacy cache settings; with a cache policy the provider writes 0s that mean nothing.
    ...(fv ? { MinTTL: b.min_ttl ?? 0, DefaultTTL: b.default_ttl ?? 86400, MaxTTL: b.max_ttl ?? 31536000 } : {}),
  });
}

const POLICY_DEFAULTS = { default_ttl: 86400, max_ttl: 31536000, min_ttl: 0 };

export function toCachePolicyConfig(v0: Values): Values {
  const v = withDefaults(v0, POLICY_DEFAULTS);
  const p = block(v.parameters_in_cache_key_and_forwarded_to_origin) ?? {};
  return compact({
    Name: v.name,
    Comment: opt(v.comment),
    MinTTL: v.min_ttl,
    DefaultTTL: v.default_ttl,
    MaxTTL: v.max_ttl,
    ParametersInCacheKeyAndForwardedToOrigin: compact({
      EnableAcceptEncodingGzip: p.enable_accept_encoding_gzip === true,
      EnableAcceptEncodingBrotli: p.enable_accept_encoding_brotli === true,
      ...policyParameters(p),
    }),
  });
}

export function toOriginRequestPolicyConfig(v: Values): Values {
  return compact({ Name: v.name, Comment: opt(v.comment), ...policyParameters(v) });
}

function policyParameters(p: Values): Values {
  const part = (config: string, behavior: string, listName: string, behaviorField: string, itemsField: string) => {
    const c = block(p[config]);
    const items = sortedSet(block(c?.[listName])?.items);
    return compact({ [behaviorField]: c?.[behavior] ?? "none", [itemsField]: apiList(items) });
  };
  return {
    HeadersConfig: part("headers_config", "header_behavior", "headers", "HeaderBehavior", "Headers"),
    CookiesConfig: part("cookies_config", "cookie_behavior", "cookies", "CookieBehavior", "Cookies"),
    QueryStringsConfig: part("query_strings_config", "query_string_behavior", "query_strings", "QueryStringBehavior", "QueryStrings"),
  };
}

export function toOriginAccessControlConfig(v0: Values): Values {
  // The provider's default description (provider docs, aws_cloudfront_origin_access_control).
  const v = withDefaults(v0, { description: "Managed by Terraform" });
  return compact({
    Name: v.name,
    Description: opt(v.description),
    SigningProtocol: v.signing_protocol,
    SigningBehavior: v.signing_behavior,
    OriginAccessControlOriginType: v.origin_access_control_origin_type,
  });
}

/** Stack field names → Terraform argument names, for file:line of a model warning. */
const NAMES: Record<string, string> = {
  Origins: "origin",
  OriginGroups: "origin_group",
  CacheBehaviors: "ordered_cache_behavior",
  DefaultCacheBehavior: "default_cache_behavior",
  CustomErrorResponses: "custom_error_response",
  CustomOriginConfig: "custom_origin_config",
  S3OriginConfig: "s3_origin_config",
  OriginSslProtocols: "origin_ssl_protocols",
  HTTPPort: "http_port",
  HTTPSPort: "https_port",
  WebACLId: "web_acl_id",
  ViewerCertificate: "viewer_certificate",
  Logging: "logging_config",
  IsIPV6Enabled: "is_ipv6_enabled",
  CustomHeaders: "custom_header",
  FunctionAssociations: "function_association",
  LambdaFunctionAssociations: "lambda_function_association",
  ForwardedValues: "forwarded_values",
  ParametersInCacheKeyAndForwardedToOrigin: "parameters_in_cache_key_and_forwarded_to_origin",
  MinTTL: "min_ttl",
  DefaultTTL: "default_ttl",
  MaxTTL: "max_ttl",
  LambdaFunctionARN: "lambda_arn",
  FunctionARN: "function_arn",
  OriginAccessControlId: "origin_access_control_id",
  ResponseHeadersPolicyId: "response_headers_policy_id",
  GeoRestriction: "geo_restriction",
};

/** `["Origins","Items",1,"CustomOriginConfig","OriginSslProtocols"]` → `["origin",0,"custom_origin_config",0,"origin_ssl_protocols"]`. */
export function toArgumentPath(rest: readonly (string | number)[], indexes: IndexMaps): (string | number)[] {
  const out: (string | number)[] = [];
  let list: string | undefined;
  for (const s of rest) {
    if (s === "Items" || s === "Quantity") continue;
    if (typeof s === "number") {
      out.push(list ? (indexes.get(list)?.[s] ?? s) : s);
      list = undefined;
      continue;
    }
    const name = NAMES[s] ?? s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
    out.push(name);
    if (s === "Origins" || s === "CustomErrorResponses" || s === "OriginGroups") list = s;
    // A single nested block (`custom_origin_config`) is a one-element list.
    else if (/config$|^default_cache_behavior$|^forwarded_values$|^parameters/.test(name) && name !== "origin_ssl_protocols") out.push(0);
  }
  return out;
}

/**
 * `{ items = [...] }` (a Terraform set) → `{ Items }` sorted as a plan lists it. Response headers
 * policy lists are written without Quantity, as CloudFormation spells them, so the Terraform and
 * CloudFormation imports of one policy give one model (the schema derives Quantity).
 */
function itemsList(v: unknown): { Items: unknown[] } | undefined {
  return listOf(sortedSet(block(v)?.items));
}

const listOf = (items: unknown[] | undefined) => (items && items.length ? { Items: items } : undefined);

const boolOf = (v: unknown) => (typeof v === "boolean" ? v : undefined);

/**
 * aws_cloudfront_response_headers_policy → ResponseHeadersPolicyConfig (provider docs,
 * aws_cloudfront_response_headers_policy; API:ResponseHeadersPolicyConfig). Every nested
 * `items` is a Terraform set: header lists come out sorted, custom headers by header name.
 */
export function toResponseHeadersPolicyConfig(v: Values): Values {
  const cors = block(v.cors_config);
  const sec = block(v.security_headers_config);
  const timing = block(v.server_timing_headers_config);
  const byHeader = (a: Values, b: Values) => (String(a.Header) < String(b.Header) ? -1 : String(a.Header) > String(b.Header) ? 1 : 0);
  const custom = blocks(block(v.custom_headers_config)?.items)
    .map((h) => ({ Header: h.header, Value: h.value ?? "", Override: h.override === true }))
    .sort(byHeader);
  const remove = blocks(block(v.remove_headers_config)?.items)
    .map((h) => ({ Header: h.header }))
    .sort(byHeader);
  const part = (name: string, map: (b: Values) => Values) => {
    const b = block(sec?.[name]);
    return b ? compact(map(b)) : undefined;
  };
  const security = sec
    ? compact({
        XSSProtection: part("xss_protection", (b) => ({
          Override: b.override === true,
          Protection: b.protection === true,
          ModeBlock: boolOf(b.mode_block),
          ReportUri: opt(b.report_uri),
        })),
        FrameOptions: part("frame_options", (b) => ({ Override: b.override === true, FrameOption: b.frame_option })),
        ReferrerPolicy: part("referrer_policy", (b) => ({ Override: b.override === true, ReferrerPolicy: b.referrer_policy })),
        ContentSecurityPolicy: part("content_security_policy", (b) => ({ Override: b.override === true, ContentSecurityPolicy: b.content_security_policy })),
        ContentTypeOptions: part("content_type_options", (b) => ({ Override: b.override === true })),
        StrictTransportSecurity: part("strict_transport_security", (b) => ({
          Override: b.override === true,
          IncludeSubdomains: boolOf(b.include_subdomains),
          Preload: boolOf(b.preload),
          AccessControlMaxAgeSec: b.access_control_max_age_sec,
        })),
      })
    : undefined;
  return compact({
    Name: v.name,
    Comment: opt(v.comment),
    CorsConfig: cors
      ? compact({
          AccessControlAllowOrigins: itemsList(cors.access_control_allow_origins) ?? { Items: [] },
          AccessControlAllowHeaders: itemsList(cors.access_control_allow_headers) ?? { Items: [] },
          AccessControlAllowMethods: itemsList(cors.access_control_allow_methods) ?? { Items: [] },
          AccessControlAllowCredentials: cors.access_control_allow_credentials === true,
          AccessControlExposeHeaders: itemsList(cors.access_control_expose_headers),
          AccessControlMaxAgeSec: cors.access_control_max_age_sec ?? undefined,
          OriginOverride: cors.origin_override === true,
        })
      : undefined,
    SecurityHeadersConfig: security && Object.keys(security).length ? security : undefined,
    ServerTimingHeadersConfig: timing ? compact({ Enabled: timing.enabled === true, SamplingRate: timing.sampling_rate ?? undefined }) : undefined,
    CustomHeadersConfig: listOf(custom),
    RemoveHeadersConfig: listOf(remove),
  });
}
