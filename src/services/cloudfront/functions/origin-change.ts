import type { DistributionPlan, OriginPlan } from "../compile/plan.js";
import type { CloudFrontFunction } from "./cloudfront-function.js";
import type { OriginRequestChange } from "./modules.js";

/**
 * Runtime 2.0's origin helpers in a viewer-request function (cloudfront.md §10.7):
 * `selectRequestOriginById(id)` picks another origin of the distribution; `updateRequestOrigin`
 * changes settings of the request's origin, unspecified ones inherited. The result is cached per
 * (origin, change), so a function that always makes the same change reuses one origin pool.
 *
 * Divergence from AWS: `domainName` may only name a domain an origin of this distribution has
 * (edgeparity must know where it lives locally); `originAccessControlConfig`, `originShield`,
 * `sni` and `customOriginConfig.sslProtocols` are accepted and not applied.
 * Returns the origin, or why the change cannot be made (an execution error, §13.4).
 */
const MEMO = new WeakMap<OriginPlan, Map<string, OriginPlan | string>>();
const MEMO_LIMIT = 64;

export function resolveOriginChange(plan: DistributionPlan, current: OriginPlan, change: OriginRequestChange, _fn: CloudFrontFunction): OriginPlan | string {
  let origin = current;
  if (change.selectOriginId !== undefined) {
    const picked = plan.origins.get(change.selectOriginId);
    if (!picked) return `selectRequestOriginById: no origin with id '${change.selectOriginId}' in distribution ${plan.id}`;
    origin = picked;
  }
  if (change.update === undefined) return origin;
  const key = JSON.stringify(change.update);
  let memo = MEMO.get(origin);
  if (!memo) MEMO.set(origin, (memo = new Map()));
  let r = memo.get(key);
  if (r === undefined) {
    r = updateOrigin(plan, origin, change.update);
    if (memo.size < MEMO_LIMIT) memo.set(key, r);
  }
  return r;
}

function seconds(v: unknown, what: string, min: number, max: number): number | string {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) return `updateRequestOrigin: ${what} must be an integer from ${min} to ${max}`;
  return v * 1000;
}

function updateOrigin(plan: DistributionPlan, base: OriginPlan, u: Record<string, unknown>): OriginPlan | string {
  const next: { -readonly [K in keyof OriginPlan]: OriginPlan[K] } = { ...base };
  if (u.domainName !== undefined) {
    const domain = String(u.domainName).toLowerCase();
    const same = [...plan.origins.values()].find((o) => o.domainName === domain);
    if (!same)
      return `updateRequestOrigin: domainName '${domain}' is not an origin of distribution ${plan.id}, so edgeparity does not know where it is locally`;
    Object.assign(next, { domainName: same.domainName, http: same.http, https: same.https, isS3: same.isS3 });
  }
  if (u.originPath !== undefined) {
    const p = String(u.originPath);
    if (p !== "" && (!p.startsWith("/") || p.endsWith("/"))) return "updateRequestOrigin: originPath must begin with / and not end with /";
    next.originPath = p;
  }
  if (u.customHeaders !== undefined) {
    if (u.customHeaders === null || typeof u.customHeaders !== "object") return "updateRequestOrigin: customHeaders must be an object";
    next.customHeaders = Object.entries(u.customHeaders as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const);
  }
  if (u.connectionAttempts !== undefined) {
    const n = u.connectionAttempts;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 3) return "updateRequestOrigin: connectionAttempts must be 1, 2 or 3";
    next.connectionAttempts = n;
  }
  const t = u.timeouts as Record<string, unknown> | undefined;
  if (t !== undefined) {
    if (t.readTimeout !== undefined) {
      const v = seconds(t.readTimeout, "timeouts.readTimeout", 1, 120);
      if (typeof v === "string") return v;
      next.readTimeoutMs = v;
    }
    if (t.connectionTimeout !== undefined) {
      const v = seconds(t.connectionTimeout, "timeouts.connectionTimeout", 1, 10);
      if (typeof v === "string") return v;
      next.connectionTimeoutMs = v;
    }
    if (t.keepAliveTimeout !== undefined) {
      const v = seconds(t.keepAliveTimeout, "timeouts.keepAliveTimeout", 1, 120);
      if (typeof v === "string") return v;
      next.keepAliveMs = v;
    }
  }
  const custom = u.customOriginConfig as Record<string, unknown> | undefined;
  if (custom?.protocol !== undefined) {
    if (custom.protocol !== "http" && custom.protocol !== "https") return 'updateRequestOrigin: customOriginConfig.protocol must be "http" or "https"';
    next.protocolPolicy = custom.protocol === "http" ? "http-only" : "https-only";
  }
  if (u.hostHeader !== undefined) {
    const host = String(u.hostHeader);
    next.http = { ...next.http, hostHeader: host };
    next.https = { ...next.https, hostHeader: host };
  }
  return Object.freeze(next);
}
