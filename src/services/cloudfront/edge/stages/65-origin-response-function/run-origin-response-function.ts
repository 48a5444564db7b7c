import type { BehaviorPlan } from "../../../compile/plan.js";
import { buildLambdaEdgeResponseStage } from "../../../lambda-edge/index.js";
import type { ResponseStage } from "../stage.js";

/**
 * Origin-response Lambda@Edge (cloudfront.md §1.1 step 14, §14.1): every origin response, 4xx/5xx
 * included, before it is cached, so its changes are what later hits serve. Absent when the
 * behaviour associates no function.
 */
export function buildOriginResponseFunction(b: BehaviorPlan | undefined): ResponseStage | undefined {
  const a = b?.lambdaEdge?.["origin-response"];
  return a ? buildLambdaEdgeResponseStage(a) : undefined;
}
