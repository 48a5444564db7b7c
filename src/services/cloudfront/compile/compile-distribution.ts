import { indexByFirstSegment } from "../../../core/first-segment-index.js";
import { listItems } from "../../../model/aws-list.js";
import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig, Origin } from "../schema/distribution-config.js";
import {
  findManaged,
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
  ORP_WITHHOLDING_S3_RESPONSE_OVERRIDES,
} from "../schema/managed-policies.js";
import type { CachePolicyConfig, OriginRequestPolicyConfig } from "../schema/policies.js";
import type { ResponseHeadersPolicyConfig } from "../schema/response-headers-policy.js";
import { compileResponseHeadersPolicy, type ResponseHeadersPlan } from "./response-headers-policy.js";
import { compileCacheKey, compileLegacyCacheKey } from "./cache-key.js";
import { recipeFromForwardedValues, recipeFromPolicies } from "./forwarding.js";
import { compilePathPattern, normalizePathPattern } from "./path-pattern.js";
import { parseEdgeFunctionArn } from "../schema/lambda-function-associations.js";
import { functionNameOf } from "../schema/functions.js";
import type { CloudFrontFunction } from "../functions/index.js";
import type {
  BehaviorFunctions,
  BehaviorPlan,
  CustomErrorPlan,
  DistributionPlan,
  LambdaEdgeAssociation,
  LambdaEdgeAssociations,
  OacSigning,
  OriginEndpoint,
  OriginGroupPlan,
  OriginPlan,
} from "./plan.js";

export interface CompileInput {
  name: string;
  id: string;
  domain: string;
  config: DistributionConfig;
  cachePolicies: Readonly<Record<string, CachePolicyConfig>>;
  originRequestPolicies: Readonly<Record<string, OriginRequestPolicyConfig>>;
  /** Custom response headers policies by Id (cloudfront.md §6); absent = none. */
  responseHeadersPolicies?: Readonly<Record<string, ResponseHeadersPolicyConfig>>;
  /** Binding: where an origin's DomainName really lives, per scheme. Throws BINDING_MISSING. */
  resolveOrigin(origin: Origin, path: string): { http: OriginEndpoint; https: OriginEndpoint; oac?: OacSigning };
  viaHex: string;
  /** Every origin domain the stack binds (cloudfront.md §10.7: where an origin-request function may switch to). */
  originEndpoints?: ReadonlyMap<string, { http: OriginEndpoint; https: OriginEndpoint }>;
  /** The stack's CloudFront Functions by name, compiled (FunctionAssociations name them by ARN or name). */
  functions?: ReadonlyMap<string, CloudFrontFunction>;
}

const NO_FUNCTIONS: ReadonlyMap<string, CloudFrontFunction> = new Map();
const ALL_METHODS = ["GET", "HEAD"];

export function compileDistribution(input: CompileInput): DistributionPlan {
  const dc = input.config;
  const origins = new Map<string, OriginPlan>();
  listItems(dc.Origins).forEach((o, i) => {
    const endpoints = input.resolveOrigin(o, `distributions.${input.name}.Origins.Items[${i}].DomainName`);
    const custom = o.CustomOriginConfig;
    origins.set(o.Id, {
      id: o.Id,
      domainName: o.DomainName.toLowerCase(),
      originPath: o.OriginPath,
      isS3: o.S3OriginConfig !== undefined,
      // S3 REST origins follow the viewer's protocol (cloudfront.md §10.1).
      protocolPolicy: custom?.OriginProtocolPolicy ?? "match-viewer",
      customHeaders: listItems(o.CustomHeaders).map((h) => [h.HeaderName, h.HeaderValue] as const),
      connectionAttempts: o.ConnectionAttempts,
      connectionTimeoutMs: o.ConnectionTimeout * 1000,
      // S3 origins: response timeout is not configurable (§10.1); 30 s like the custom default.
      readTimeoutMs: (custom?.OriginReadTimeout ?? o.S3OriginConfig?.OriginReadTimeout ?? 30) * 1000,
      keepAliveMs: (custom?.OriginKeepaliveTimeout ?? 5) * 1000,
      ports: { http: custom?.HTTPPort ?? 80, https: custom?.HTTPSPort ?? 443 },
      ...endpoints,
    });
  });
  // Origin groups: primary and secondary member, failover status codes (cloudfront.md §10.6).
  const groups = new Map<string, OriginGroupPlan>();
  for (const g of listItems(dc.OriginGroups)) {
    const [first, second] = listItems(g.Members);
    const primary = origins.get(first?.OriginId ?? "");
    const secondary = origins.get(second?.OriginId ?? "");
    if (!primary || !secondary) throw new Error(`invariant: origin group ${g.Id} members were validated`);
    groups.set(g.Id, Object.freeze({ id: g.Id, primary, secondary, failoverStatusCodes: new Set(listItems(g.FailoverCriteria.StatusCodes)) }));
  }

  // One compiled plan per policy Id, shared by the behaviours naming it (by ID or by name).
  const headerPlans = new Map<string, ResponseHeadersPlan>();
  const responseHeadersPolicy = (ref: string | undefined): ResponseHeadersPlan | undefined => {
    if (ref === undefined) return undefined;
    const own = input.responseHeadersPolicies?.[ref];
    const found = own ? { id: ref, config: own } : findManaged(MANAGED_RESPONSE_HEADERS_POLICIES, ref);
    if (!found) throw new Error(`invariant: ResponseHeadersPolicyId ${ref} was validated`);
    let plan = headerPlans.get(found.id);
    if (!plan) headerPlans.set(found.id, (plan = compileResponseHeadersPolicy(found.id, found.config)));
    return plan;
  };

  const compileBehavior = (b: CacheBehavior | DefaultCacheBehavior, pattern: string, index: number): BehaviorPlan => {
    const originGroup = groups.get(b.TargetOriginId);
    const origin = originGroup?.primary ?? origins.get(b.TargetOriginId);
    if (!origin) throw new Error(`invariant: TargetOriginId ${b.TargetOriginId} was validated`);
    const allowed = b.AllowedMethods?.Items ?? ALL_METHODS;
    const cached = b.AllowedMethods?.CachedMethods?.Items ?? ALL_METHODS;
    let cachePolicy: CachePolicyConfig;
    let recipe;
    let cachePolicyId: string | undefined;
    let cacheKey;
    let orpId: string | undefined;
    if (b.CachePolicyId !== undefined) {
      const found = input.cachePolicies[b.CachePolicyId]
        ? { id: b.CachePolicyId, config: input.cachePolicies[b.CachePolicyId]! }
        : findManaged(MANAGED_CACHE_POLICIES, b.CachePolicyId);
      if (!found) throw new Error(`invariant: CachePolicyId ${b.CachePolicyId} was validated`);
      cachePolicy = found.config;
      cachePolicyId = found.id;
      let orp: OriginRequestPolicyConfig | undefined;
      if (b.OriginRequestPolicyId !== undefined) {
        const f = input.originRequestPolicies[b.OriginRequestPolicyId]
          ? { id: b.OriginRequestPolicyId, config: input.originRequestPolicies[b.OriginRequestPolicyId]! }
          : findManaged(MANAGED_ORIGIN_REQUEST_POLICIES, b.OriginRequestPolicyId);
        orp = f?.config;
        orpId = f?.id;
      }
      recipe = recipeFromPolicies(cachePolicy, orp);
      cacheKey = compileCacheKey(cachePolicy);
    } else {
      const fv = b.ForwardedValues!;
      recipe = recipeFromForwardedValues(fv);
      // Legacy TTL defaults 0 / 86400 / 31536000 (cloudfront.md §4.10).
      cachePolicy = {
        Name: "(legacy ForwardedValues)",
        MinTTL: b.MinTTL ?? 0,
        DefaultTTL: b.DefaultTTL ?? 86400,
        MaxTTL: b.MaxTTL ?? 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: false,
          EnableAcceptEncodingBrotli: false,
          HeadersConfig: { HeaderBehavior: "none" },
          CookiesConfig: { CookieBehavior: "none" },
          QueryStringsConfig: { QueryStringBehavior: fv.QueryString ? "all" : "none" },
        },
      };
      cacheKey = compileLegacyCacheKey(fv, cachePolicy.MaxTTL);
    }
    return {
      pathPattern: pattern,
      matches: compilePathPattern(pattern),
      index,
      origin,
      viewerProtocolPolicy: b.ViewerProtocolPolicy,
      allowedMethods: new Set(allowed),
      cachedMethods: new Set(cached),
      cachePolicy,
      cachePolicyId,
      recipe,
      cacheKey,
      originGroup,
      withholdsS3ResponseOverrides: orpId !== undefined && ORP_WITHHOLDING_S3_RESPONSE_OVERRIDES.has(orpId),
      compress: b.Compress,
      lambdaEdge: compileLambdaEdge(b),
      responseHeadersPolicy: responseHeadersPolicy(b.ResponseHeadersPolicyId),
      functions: behaviorFunctions(b, input.functions ?? NO_FUNCTIONS),
    };
  };

  const behaviors = listItems(dc.CacheBehaviors).map((b, i) => compileBehavior(b, b.PathPattern, i));
  behaviors.push(compileBehavior(dc.DefaultCacheBehavior, "*", behaviors.length));

  const customErrors = new Map<number, CustomErrorPlan>();
  for (const r of listItems(dc.CustomErrorResponses)) {
    customErrors.set(r.ErrorCode, {
      errorCode: r.ErrorCode,
      pagePath: r.ResponsePagePath,
      responseCode: r.ResponseCode ? Number(r.ResponseCode) : undefined,
      // cloudfront.md §4.6: ErrorCachingMinTTL defaults to 10 s.
      errorCachingMinTtl: r.ErrorCachingMinTTL ?? 10,
    });
  }

  return Object.freeze({
    name: input.name,
    id: input.id,
    domain: input.domain,
    aliases: listItems(dc.Aliases).map((a) => a.toLowerCase()),
    ...(typeof dc.ViewerCertificate?.["ACMCertificateArn"] === "string" ? { certificateArn: dc.ViewerCertificate["ACMCertificateArn"] } : {}),
    enabled: dc.Enabled,
    defaultRootPath: dc.DefaultRootObject ? `/${dc.DefaultRootObject}` : "",
    behaviors,
    behaviorsFor: indexByFirstSegment(behaviors, (b) => [normalizePathPattern(b.pathPattern)]),
    origins,
    customErrors,
    via: `1.1 ${input.viaHex}.cloudfront.net (CloudFront)`,
    pop: "LOC50-C1",
    originEndpoints: input.originEndpoints ?? new Map([...origins.values()].map((o) => [o.domainName, { http: o.http, https: o.https }])),
  });
}

/** A behaviour's LambdaFunctionAssociations by EventType (validated: numbered-version ARNs, one per event). */
function compileLambdaEdge(b: CacheBehavior | DefaultCacheBehavior): LambdaEdgeAssociations | undefined {
  const items = listItems(b.LambdaFunctionAssociations);
  if (items.length === 0) return undefined;
  const out: Partial<Record<LambdaEdgeAssociation["eventType"], LambdaEdgeAssociation>> = {};
  for (const a of items) {
    const arn = parseEdgeFunctionArn(a.LambdaFunctionARN);
    if (!arn) throw new Error(`invariant: LambdaFunctionARN ${a.LambdaFunctionARN} was validated`);
    out[a.EventType] = Object.freeze({
      eventType: a.EventType,
      functionArn: a.LambdaFunctionARN,
      functionName: arn.functionName,
      includeBody: a.IncludeBody === true,
    });
  }
  return Object.freeze(out);
}

function behaviorFunctions(b: CacheBehavior | DefaultCacheBehavior, functions: ReadonlyMap<string, CloudFrontFunction>): BehaviorFunctions {
  const out: BehaviorFunctions = {};
  for (const a of listItems(b.FunctionAssociations)) {
    const fn = functions.get(functionNameOf(a.FunctionARN));
    if (!fn) throw new Error(`invariant: FunctionARN ${a.FunctionARN} was validated`);
    out[a.EventType] = fn;
  }
  return Object.freeze(out);
}
