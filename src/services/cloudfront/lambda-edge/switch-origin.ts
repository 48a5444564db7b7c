import type { DistributionPlan, OriginPlan } from "../compile/plan.js";
import type { CfOrigin } from "./event-shape.js";

/**
 * The origin an origin-request function switched to (cloudfront.md §10.7): it need not be one of
 * the distribution's origins, but locally its domain must be bound — to an origin of a
 * distribution of this stack or a `local.origins` entry (DistributionPlan.originEndpoints). Its
 * timeouts and custom headers come from the function; connection attempts and timeout from the
 * behaviour's origin. One OriginPlan per distinct origin object, so requests share its pool.
 * Divergence from AWS: the port the function names is not dialled; the local binding's is.
 */
const MEMO = new WeakMap<DistributionPlan, Map<string, OriginPlan>>();
const MEMO_LIMIT = 256;

export function switchedOrigin(plan: DistributionPlan, base: OriginPlan, o: CfOrigin): OriginPlan | undefined {
  const key = JSON.stringify(o);
  let memo = MEMO.get(plan);
  if (memo === undefined) MEMO.set(plan, (memo = new Map()));
  const known = memo.get(key);
  if (known) return known;
  const c = "custom" in o ? o.custom : undefined;
  const s3 = "s3" in o ? o.s3 : undefined;
  const domainName = (c?.domainName ?? s3!.domainName).toLowerCase();
  const endpoints = plan.originEndpoints.get(domainName);
  if (endpoints === undefined) return undefined;
  const configured = [...plan.origins.values()].find((x) => x.domainName === domainName);
  const headers = c?.customHeaders ?? s3!.customHeaders;
  const customHeaders: (readonly [string, string])[] = [];
  for (const name in headers) for (const e of headers[name]!) customHeaders.push([e.key ?? name, e.value]);
  const origin: OriginPlan = Object.freeze({
    id: configured?.id ?? domainName,
    domainName,
    originPath: c?.path ?? s3!.path,
    isS3: s3 !== undefined,
    // S3 origins follow the viewer's protocol (cloudfront.md §10.1).
    protocolPolicy: c ? (c.protocol === "https" ? "https-only" : "http-only") : "match-viewer",
    customHeaders,
    connectionAttempts: base.connectionAttempts,
    connectionTimeoutMs: base.connectionTimeoutMs,
    readTimeoutMs: (c?.readTimeout ?? 30) * 1000,
    keepAliveMs: (c?.keepaliveTimeout ?? 5) * 1000,
    ports: { http: c?.port ?? 80, https: c?.port ?? 443 },
    ...endpoints,
  });
  if (memo.size < MEMO_LIMIT) memo.set(key, origin);
  return origin;
}
