import { closestNames, didYouMean } from "../../../core/did-you-mean.js";
import { listItems } from "../../../model/aws-list.js";
import type { DistributionConfig } from "./distribution-config.js";
import { validateLambdaAssociations } from "./lambda-function-associations.js";
import { findManaged, MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES } from "./managed-policies.js";

/**
 * Cross-field checks CloudFront's API makes on CreateDistribution, with its error code in front so
 * a user recognises the message from AWS. Each returns `[path, message]` pairs.
 */
export type ConfigIssue = [path: (string | number)[], message: string];

/** cloudfront.md §3.2: the only three AllowedMethods sets, and which CachedMethods each permits. */
const METHOD_SETS = ["GET,HEAD", "GET,HEAD,OPTIONS", "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT"];
const CACHED_SETS = ["GET,HEAD", "GET,HEAD,OPTIONS"];

/** cloudfront.md §2: allowed path-pattern characters (`&` stored as `&amp;`). */
const PATH_PATTERN_CHARS = /^[A-Za-z0-9_\-.*$/~"'@:+&?]*$/;

const key = (methods: readonly string[]) => [...new Set(methods)].sort().join(",");

export interface PolicyCatalog {
  cachePolicies: ReadonlySet<string>;
  originRequestPolicies: ReadonlySet<string>;
  responseHeadersPolicies: ReadonlySet<string>;
}

/** cloudfront.md §7.5: headers CloudFront cannot add as origin custom headers (plus X-Amz-*, X-Edge-*). */
const FORBIDDEN_ORIGIN_HEADERS = new Set([
  "cache-control",
  "connection",
  "content-length",
  "cookie",
  "host",
  "if-match",
  "if-modified-since",
  "if-none-match",
  "if-range",
  "if-unmodified-since",
  "max-forwards",
  "pragma",
  "proxy-authorization",
  "proxy-connection",
  "range",
  "request-range",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
  "x-real-ip",
]);
const MAX_ORIGIN_CUSTOM_HEADERS = 10;

const MAX_CACHE_BEHAVIORS = 75;
const MAX_ALIASES = 100;

export function validateDistribution(dc: DistributionConfig, catalog: PolicyCatalog): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // CloudFront DG "Quotas": 75 cache behaviours and 100 alternate domain names per distribution.
  if (listItems(dc.CacheBehaviors).length > MAX_CACHE_BEHAVIORS)
    issues.push([["CacheBehaviors"], `TooManyCacheBehaviors: You cannot create more cache behaviors for the distribution (at most ${MAX_CACHE_BEHAVIORS}).`]);
  if (listItems(dc.Aliases).length > MAX_ALIASES)
    issues.push([["Aliases"], `TooManyDistributionCNAMEs: Your request contains more CNAMEs than are allowed per distribution (at most ${MAX_ALIASES}).`]);
  const originIds = new Set<string>();
  listItems(dc.Origins).forEach((o, i) => {
    if (originIds.has(o.Id)) issues.push([["Origins", "Items", i, "Id"], `InvalidArgument: origin Id '${o.Id}' is used more than once`]);
    originIds.add(o.Id);
    if (!o.S3OriginConfig && !o.CustomOriginConfig && !o.VpcOriginConfig) {
      issues.push([["Origins", "Items", i], "InvalidOrigin: an origin needs S3OriginConfig, CustomOriginConfig or VpcOriginConfig"]);
    }
    if (o.S3OriginConfig && o.CustomOriginConfig) {
      issues.push([["Origins", "Items", i], "InvalidOrigin: an origin cannot have both S3OriginConfig and CustomOriginConfig"]);
    }
    const headers = listItems(o.CustomHeaders);
    if (headers.length > MAX_ORIGIN_CUSTOM_HEADERS)
      issues.push([
        ["Origins", "Items", i, "CustomHeaders"],
        `TooManyOriginCustomHeaders: Your request contains too many origin custom headers (at most ${MAX_ORIGIN_CUSTOM_HEADERS}).`,
      ]);
    headers.forEach((h, j) => {
      const lower = h.HeaderName.toLowerCase();
      if (FORBIDDEN_ORIGIN_HEADERS.has(lower) || lower.startsWith("x-amz-") || lower.startsWith("x-edge-"))
        issues.push([
          ["Origins", "Items", i, "CustomHeaders", "Items", j, "HeaderName"],
          `InvalidArgument: The parameter HeaderName : ${h.HeaderName} is not allowed (CloudFront cannot add it to origin requests, cloudfront.md §7.5).`,
        ]);
    });
  });
  if (listItems(dc.Origins).length === 0) issues.push([["Origins"], "InvalidArgument: a distribution needs at least one origin"]);
  listItems(dc.OriginGroups).forEach((g, i) => {
    if (originIds.has(g.Id)) issues.push([["OriginGroups", "Items", i, "Id"], `InvalidArgument: origin group Id '${g.Id}' is also an origin Id`]);
    const members = listItems(g.Members);
    if (members.length !== 2)
      issues.push([["OriginGroups", "Items", i, "Members"], "InvalidOriginGroup: an origin group has exactly two members (cloudfront.md §10.6)"]);
    members.forEach((m, j) => {
      if (!originIds.has(m.OriginId))
        issues.push([["OriginGroups", "Items", i, "Members", "Items", j, "OriginId"], `NoSuchOrigin: origin group member '${m.OriginId}' names no origin`]);
    });
    listItems(g.FailoverCriteria.StatusCodes).forEach((c, j) => {
      if (![400, 403, 404, 416, 500, 502, 503, 504].includes(c)) {
        issues.push([
          ["OriginGroups", "Items", i, "FailoverCriteria", "StatusCodes", "Items", j],
          `InvalidArgument: ${c} is not a failover status code (400, 403, 404, 416, 500, 502, 503, 504)`,
        ]);
      }
    });
    originIds.add(g.Id);
  });

  const behaviors: { path: (string | number)[]; b: DistributionConfig["DefaultCacheBehavior"] }[] = [
    { path: ["DefaultCacheBehavior"], b: dc.DefaultCacheBehavior },
  ];
  const patterns = new Map<string, number>();
  listItems(dc.CacheBehaviors).forEach((b, i) => {
    const path = ["CacheBehaviors", "Items", i];
    behaviors.push({ path, b });
    if (b.PathPattern.length === 0 || b.PathPattern.length > 255)
      issues.push([[...path, "PathPattern"], "InvalidArgument: PathPattern must be 1–255 characters"]);
    if (!PATH_PATTERN_CHARS.test(b.PathPattern))
      issues.push([
        [...path, "PathPattern"],
        `InvalidArgument: PathPattern '${b.PathPattern}' contains a character CloudFront does not allow (A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + & ?)`,
      ]);
    // Leading slash is optional, so '/a/*' and 'a/*' are the same pattern (cloudfront.md §2).
    const norm = b.PathPattern.startsWith("/") ? b.PathPattern : `/${b.PathPattern}`;
    const prev = patterns.get(norm);
    if (prev !== undefined) issues.push([[...path, "PathPattern"], `InvalidArgument: PathPattern '${b.PathPattern}' duplicates CacheBehaviors.Items[${prev}]`]);
    else patterns.set(norm, i);
  });

  for (const { path, b } of behaviors) {
    if (!originIds.has(b.TargetOriginId)) {
      issues.push([
        [...path, "TargetOriginId"],
        `NoSuchOrigin: TargetOriginId '${b.TargetOriginId}' names no origin or origin group${didYouMean(b.TargetOriginId, originIds)} (have: ${[...originIds].join(", ") || "none"})`,
      ]);
    }
    if (b.AllowedMethods) {
      const allowed = key(b.AllowedMethods.Items);
      if (b.AllowedMethods.Quantity !== undefined && b.AllowedMethods.Quantity !== b.AllowedMethods.Items.length) {
        issues.push([
          [...path, "AllowedMethods", "Quantity"],
          `Quantity is ${b.AllowedMethods.Quantity} but Items has ${b.AllowedMethods.Items.length} element(s)`,
        ]);
      }
      if (!METHOD_SETS.includes(allowed)) {
        issues.push([
          [...path, "AllowedMethods", "Items"],
          "InvalidArgument: AllowedMethods must be [GET, HEAD], [GET, HEAD, OPTIONS] or [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE] (cloudfront.md §3.2)",
        ]);
      }
      const cached = b.AllowedMethods.CachedMethods?.Items;
      if (cached) {
        const ck = key(cached);
        if (!CACHED_SETS.includes(ck) || cached.some((m) => !b.AllowedMethods!.Items.includes(m))) {
          issues.push([
            [...path, "AllowedMethods", "CachedMethods", "Items"],
            "InvalidArgument: CachedMethods must be [GET, HEAD] or [GET, HEAD, OPTIONS] and a subset of AllowedMethods",
          ]);
        }
      }
    }
    if (b.CachePolicyId !== undefined) {
      if (!catalog.cachePolicies.has(b.CachePolicyId) && !findManaged(MANAGED_CACHE_POLICIES, b.CachePolicyId)) {
        issues.push([
          [...path, "CachePolicyId"],
          `NoSuchCachePolicy: '${b.CachePolicyId}' is neither an AWS managed cache policy nor one under cachePolicies${didYouMeanPolicy(b.CachePolicyId, MANAGED_CACHE_POLICIES, catalog.cachePolicies)}`,
        ]);
      }
      if (b.ForwardedValues) issues.push([[...path, "ForwardedValues"], "InvalidArgument: a behaviour with CachePolicyId cannot also set ForwardedValues"]);
      for (const f of ["MinTTL", "DefaultTTL", "MaxTTL"] as const) {
        if (b[f] !== undefined) issues.push([[...path, f], `InvalidArgument: a behaviour with CachePolicyId cannot also set ${f}`]);
      }
    } else if (!b.ForwardedValues) {
      issues.push([[...path], "InvalidArgument: a behaviour needs CachePolicyId or (legacy) ForwardedValues"]);
    }
    if (b.OriginRequestPolicyId !== undefined) {
      if (!catalog.originRequestPolicies.has(b.OriginRequestPolicyId) && !findManaged(MANAGED_ORIGIN_REQUEST_POLICIES, b.OriginRequestPolicyId)) {
        issues.push([
          [...path, "OriginRequestPolicyId"],
          `NoSuchOriginRequestPolicy: '${b.OriginRequestPolicyId}' is neither an AWS managed origin request policy nor one under originRequestPolicies${didYouMeanPolicy(b.OriginRequestPolicyId, MANAGED_ORIGIN_REQUEST_POLICIES, catalog.originRequestPolicies)}`,
        ]);
      }
      if (b.CachePolicyId === undefined)
        issues.push([
          [...path, "OriginRequestPolicyId"],
          "InvalidArgument: an origin request policy requires a cache policy on the same behaviour (cloudfront.md §4.1)",
        ]);
    }
    if (b.ResponseHeadersPolicyId !== undefined) {
      if (!catalog.responseHeadersPolicies.has(b.ResponseHeadersPolicyId) && !findManaged(MANAGED_RESPONSE_HEADERS_POLICIES, b.ResponseHeadersPolicyId))
        issues.push([
          [...path, "ResponseHeadersPolicyId"],
          `NoSuchResponseHeadersPolicy: '${b.ResponseHeadersPolicyId}' is neither an AWS managed response headers policy nor one under responseHeadersPolicies${didYouMean(b.ResponseHeadersPolicyId, policyNames(MANAGED_RESPONSE_HEADERS_POLICIES, catalog.responseHeadersPolicies))}`,
        ]);
    }
  }

  if (dc.DefaultRootObject.startsWith("/"))
    issues.push([["DefaultRootObject"], "InvalidDefaultRootObject: DefaultRootObject is an object name without a leading / (e.g. index.html)"]);
  const codes = new Set<number>();
  listItems(dc.CustomErrorResponses).forEach((r, i) => {
    const path = ["CustomErrorResponses", "Items", i];
    if (codes.has(r.ErrorCode)) issues.push([[...path, "ErrorCode"], `InvalidArgument: ErrorCode ${r.ErrorCode} is configured twice`]);
    codes.add(r.ErrorCode);
    if ((r.ResponsePagePath === undefined) !== (r.ResponseCode === undefined || r.ResponseCode === "")) {
      issues.push([[...path], "InvalidArgument: ResponsePagePath and ResponseCode are given together or not at all"]);
    }
    if (r.ResponsePagePath !== undefined && !r.ResponsePagePath.startsWith("/"))
      issues.push([[...path, "ResponsePagePath"], "InvalidArgument: ResponsePagePath must begin with /"]);
    if (r.ResponseCode && !["200", "400", "403", "404", "405", "414", "416", "500", "501", "502", "503", "504"].includes(r.ResponseCode)) {
      issues.push([[...path, "ResponseCode"], `InvalidArgument: ResponseCode ${r.ResponseCode} is not allowed (200 or one of the ErrorCode values)`]);
    }
  });
  issues.push(...validateLambdaAssociations(dc));
  return issues;
}

/** What a behaviour may name: managed policies by ID and by `Managed-<Name>`, and the stack's own. */
function policyNames(managed: ReadonlyMap<string, { Name: string }>, own: ReadonlySet<string>): string[] {
  return [...own, ...[...managed].flatMap(([id, p]) => [id, p.Name.startsWith("Managed-") ? p.Name : `Managed-${p.Name}`])];
}

/** did-you-mean over managed names and IDs and the stack's own policies; a managed ID is shown with its name. */
function didYouMeanPolicy(typed: string, managed: ReadonlyMap<string, { Name: string }>, own: ReadonlySet<string>): string {
  const names = closestNames(typed, policyNames(managed, own));
  if (names.length === 0) return "";
  const label = (n: string) => {
    const p = managed.get(n);
    return p ? `'${n}' (${p.Name.startsWith("Managed-") ? p.Name : `Managed-${p.Name}`})` : `'${n}'`;
  };
  return ` (did you mean ${names.map(label).join(" or ")}?)`;
}
