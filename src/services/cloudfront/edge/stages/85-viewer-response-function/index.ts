import type { BehaviorPlan } from "../../../compile/plan.js";
import { buildLambdaEdgeResponseStage } from "../../../lambda-edge/index.js";
import type { ResponseStage } from "../stage.js";
import { viewerResponseCloudFrontFunction } from "./cloudfront-function.js";

/** The behaviour's viewer-response function: a CloudFront Function or a Lambda@Edge function, never both (cloudfront.md §13.4). */
export function buildViewerResponseFunction(b: BehaviorPlan | undefined): ResponseStage | undefined {
  const cff = b?.functions["viewer-response"];
  if (cff) return viewerResponseCloudFrontFunction(cff);
  const lambdaEdge = b?.lambdaEdge?.["viewer-response"];
  return lambdaEdge ? buildLambdaEdgeResponseStage(lambdaEdge) : undefined;
}
