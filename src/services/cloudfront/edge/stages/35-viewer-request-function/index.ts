import type { BehaviorPlan } from "../../../compile/plan.js";
import { buildLambdaEdgeRequestStage } from "../../../lambda-edge/index.js";
import type { Stage } from "../stage.js";
import { viewerRequestCloudFrontFunction } from "./cloudfront-function.js";

/**
 * The behaviour's viewer-request function: a CloudFront Function or a Lambda@Edge function,
 * never both (cloudfront.md §13.4 "Combination"; the schema refuses a behaviour with both).
 * No association: no stage, so the slot costs nothing.
 */
export function buildViewerRequestFunction(b: BehaviorPlan | undefined): Stage | undefined {
  const cff = b?.functions["viewer-request"];
  if (cff) return viewerRequestCloudFrontFunction(cff);
  const lambdaEdge = b?.lambdaEdge?.["viewer-request"];
  return lambdaEdge ? buildLambdaEdgeRequestStage(lambdaEdge) : undefined;
}
