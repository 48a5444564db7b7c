import type { CloudFrontFunction } from "../../../functions/index.js";
import { reportFunctionRuns, runViewerResponseFunction } from "../../../functions/index.js";
import type { ResponseStage } from "../stage.js";

/**
 * A viewer-response CloudFront Function (cloudfront.md §1.1 step 18, §13.3): on hits and misses
 * alike, never when the origin's status is 400 or more (§13.3 [doc]); pipeline.ts already keeps
 * it away from viewer-request answers and CloudFront's own redirects and errors (§1.3).
 */
export function viewerResponseCloudFrontFunction(fn: CloudFrontFunction): ResponseStage {
  return (ctx) => {
    if (ctx.response!.status >= 400) return;
    const from = ctx.functionRuns.length;
    runViewerResponseFunction(ctx, fn);
    reportFunctionRuns(ctx, from);
  };
}
