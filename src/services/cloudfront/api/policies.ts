import { listItems } from "../../../model/aws-list.js";
import type { Stack } from "../../../model/stack.js";
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES } from "../schema/managed-policies.js";
import { OriginAccessControlConfigSchema } from "../schema/origin-access-control.js";
import { CachePolicyConfigSchema, OriginRequestPolicyConfigSchema } from "../schema/policies.js";
import { ResponseHeadersPolicyConfigSchema } from "../schema/response-headers-policy.js";
import { noSuchCachePolicy, noSuchOriginAccessControl, noSuchOriginRequestPolicy, noSuchResponseHeadersPolicy } from "./api-errors.js";
import { configResourceOperations, configResourceOut, customResources, managedResources, type ConfigResourceKind } from "./config-resources.js";
import { page, xmlAnswer, type Operation } from "./operation.js";

/**
 * Cache policies, origin request policies (List with `Type=managed|custom`, managed ones from
 * schema/managed-policies.ts) and origin access controls (API Reference: CreateCachePolicy …
 * ListOriginAccessControls), and response headers policies (CreateResponseHeadersPolicy …
 * ListResponseHeadersPolicies; managed ones from the same catalogue the edge applies).
 */

function behaviors(live: Stack) {
  return Object.values(live.distributions).flatMap((dc) => [dc.DefaultCacheBehavior, ...listItems(dc.CacheBehaviors)]);
}

const CACHE_POLICY: ConfigResourceKind = {
  section: "cachePolicies",
  path: "/cache-policy",
  root: "CachePolicy",
  configRoot: "CachePolicyConfig",
  name: "CachePolicy",
  schema: CachePolicyConfigSchema,
  idStyle: "uuid",
  updateAtConfig: false,
  timeField: "LastModifiedTime",
  managed: MANAGED_CACHE_POLICIES,
  noSuch: noSuchCachePolicy,
  alreadyExists: [
    "CachePolicyAlreadyExists",
    "A cache policy with this name already exists. You must provide a unique name. To modify an existing cache policy, use UpdateCachePolicy.",
  ],
  inUse: ["CachePolicyInUse", "Cannot delete the cache policy because it is attached to one or more cache behaviors."],
  isUsed: (live, id) => behaviors(live).some((b) => b.CachePolicyId === id),
};

const ORIGIN_REQUEST_POLICY: ConfigResourceKind = {
  section: "originRequestPolicies",
  path: "/origin-request-policy",
  root: "OriginRequestPolicy",
  configRoot: "OriginRequestPolicyConfig",
  name: "OriginRequestPolicy",
  schema: OriginRequestPolicyConfigSchema,
  idStyle: "uuid",
  updateAtConfig: false,
  timeField: "LastModifiedTime",
  managed: MANAGED_ORIGIN_REQUEST_POLICIES,
  noSuch: noSuchOriginRequestPolicy,
  alreadyExists: [
    "OriginRequestPolicyAlreadyExists",
    "An origin request policy with this name already exists. You must provide a unique name. To modify an existing origin request policy, use UpdateOriginRequestPolicy.",
  ],
  inUse: ["OriginRequestPolicyInUse", "Cannot delete the origin request policy because it is attached to one or more cache behaviors."],
  isUsed: (live, id) => behaviors(live).some((b) => b.OriginRequestPolicyId === id),
};

const RESPONSE_HEADERS_POLICY: ConfigResourceKind = {
  section: "responseHeadersPolicies",
  path: "/response-headers-policy",
  root: "ResponseHeadersPolicy",
  configRoot: "ResponseHeadersPolicyConfig",
  name: "ResponseHeadersPolicy",
  schema: ResponseHeadersPolicyConfigSchema,
  idStyle: "uuid",
  updateAtConfig: false,
  timeField: "LastModifiedTime",
  managed: MANAGED_RESPONSE_HEADERS_POLICIES,
  noSuch: noSuchResponseHeadersPolicy,
  alreadyExists: [
    "ResponseHeadersPolicyAlreadyExists",
    "A response headers policy with this name already exists. You must provide a unique name. To modify an existing response headers policy, use UpdateResponseHeadersPolicy.",
  ],
  inUse: [
    "ResponseHeadersPolicyInUse",
    "Cannot delete the response headers policy because it is attached to one or more cache behaviors in a CloudFront distribution.",
  ],
  isUsed: (live, id) => behaviors(live).some((b) => b.ResponseHeadersPolicyId === id),
};

const ORIGIN_ACCESS_CONTROL: ConfigResourceKind = {
  section: "originAccessControls",
  path: "/origin-access-control",
  root: "OriginAccessControl",
  configRoot: "OriginAccessControlConfig",
  name: "OriginAccessControl",
  schema: OriginAccessControlConfigSchema,
  idStyle: "resource",
  updateAtConfig: true,
  noSuch: noSuchOriginAccessControl,
  alreadyExists: ["OriginAccessControlAlreadyExists", "An origin access control with the same name already exists."],
  inUse: ["OriginAccessControlInUse", "Cannot delete the origin access control because it's in use by one or more distributions."],
  isUsed: (live, id) => Object.values(live.distributions).some((dc) => listItems(dc.Origins).some((o) => o.OriginAccessControlId === id)),
};

/** ListCachePolicies / ListOriginRequestPolicies: `Type` filters managed or custom; both by default. */
function listPolicies(kind: ConfigResourceKind, listRoot: string): Operation["run"] {
  return async (call, _p, ctx) => {
    const type = call.query.get("Type");
    const all = [
      ...(type === "custom" ? [] : managedResources(kind).map((f) => ({ type: "managed", f }))),
      ...(type === "managed" ? [] : customResources(kind, ctx).map((f) => ({ type: "custom", f }))),
    ];
    const p = page(all, (x) => x.f.id, call);
    return xmlAnswer(200, listRoot, {
      ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
      MaxItems: p.maxItems,
      Items: p.items.map((x) => ({ Type: x.type, [kind.root]: configResourceOut(kind, ctx, x.f) })),
    });
  };
}

const listOriginAccessControls: Operation["run"] = async (call, _p, ctx) => {
  const p = page(customResources(ORIGIN_ACCESS_CONTROL, ctx), (f) => f.id, call);
  return xmlAnswer(200, "OriginAccessControlList", {
    Marker: p.marker,
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    IsTruncated: p.nextMarker !== undefined,
    Items: p.items.map((f) => ({ Id: f.id, Description: "", ...f.config })),
  });
};

export const POLICY_OPERATIONS: readonly Operation[] = [
  ...configResourceOperations(CACHE_POLICY),
  { name: "ListCachePolicies", method: "GET", path: "/cache-policy", run: listPolicies(CACHE_POLICY, "CachePolicyList") },
  ...configResourceOperations(ORIGIN_REQUEST_POLICY),
  { name: "ListOriginRequestPolicies", method: "GET", path: "/origin-request-policy", run: listPolicies(ORIGIN_REQUEST_POLICY, "OriginRequestPolicyList") },
  ...configResourceOperations(RESPONSE_HEADERS_POLICY),
  {
    name: "ListResponseHeadersPolicies",
    method: "GET",
    path: "/response-headers-policy",
    run: listPolicies(RESPONSE_HEADERS_POLICY, "ResponseHeadersPolicyList"),
  },
  ...configResourceOperations(ORIGIN_ACCESS_CONTROL),
  { name: "ListOriginAccessControls", method: "GET", path: "/origin-access-control", run: listOriginAccessControls },
];
