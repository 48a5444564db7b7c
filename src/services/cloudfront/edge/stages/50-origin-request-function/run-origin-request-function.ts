import type { BehaviorPlan } from "../../../compile/plan.js";
import { buildLambdaEdgeRequestStage } from "../../../lambda-edge/index.js";
import type { Stage } from "../stage.js";

/**
 * Origin-request Lambda@Edge (cloudfront.md §1.1 step 12, §14.1): only on the way to the origin (a
 * miss or an expired object); it may change the request and its origin, or answer it (an answer
 * that is cached, §1.3). Absent when the behaviour associates no function.
 */
export function buildOriginRequestFunction(b: BehaviorPlan | undefined): Stage | undefined {
  const a = b?.lambdaEdge?.["origin-request"];
  return a ? buildLambdaEdgeRequestStage(a) : undefined;
}
