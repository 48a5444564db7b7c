import { discardBody } from "../../../../../core/http/discard-body.js";
import type { OriginGroupPlan, OriginPlan } from "../../../compile/plan.js";
import type { EdgeResponse } from "../../../response/edge-response.js";

/**
 * Origin group failover (cloudfront.md §10.6): every request tries the primary first (no
 * stickiness); GET, HEAD and OPTIONS go on to the secondary when the primary answers with a
 * FailoverCriteria status code, or cannot be reached / times out (after its ConnectionAttempts ×
 * ConnectionTimeout or OriginReadTimeout, §10.3). Other methods never fail over.
 */
export async function fetchWithFailover(
  method: string,
  group: OriginGroupPlan,
  fetchOne: (origin: OriginPlan) => Promise<EdgeResponse>,
): Promise<EdgeResponse> {
  const first = await fetchOne(group.primary);
  if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") return first;
  // A generated response here is CloudFront's own 502/504: the primary could not be reached or timed out.
  const shouldFailOver = first.generated ? first.status >= 500 : group.failoverStatusCodes.has(first.status);
  if (!shouldFailOver) return first;
  discardBody(first.body);
  return fetchOne(group.secondary);
}
