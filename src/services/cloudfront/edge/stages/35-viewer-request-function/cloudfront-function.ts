import type { CloudFrontFunction } from "../../../functions/index.js";
import { reportFunctionRuns, runViewerRequestFunction } from "../../../functions/index.js";
import { CONTINUE, RESPOND, type Stage } from "../stage.js";

/**
 * A viewer-request CloudFront Function (cloudfront.md §1.1 step 9, §13.3): synchronous, so a
 * cache hit behind it still awaits nothing. Its generated response (or CloudFront's failure page)
 * skips the cache and the viewer-response function (§1.3).
 */
export function viewerRequestCloudFrontFunction(fn: CloudFrontFunction): Stage {
  // A custom error page is CloudFront's own fetch of ResponsePagePath: no viewer function runs for it.
  return (ctx) => {
    if (ctx.isErrorPageFetch) return CONTINUE;
    const from = ctx.functionRuns.length;
    const answered = runViewerRequestFunction(ctx, fn);
    reportFunctionRuns(ctx, from);
    return answered ? RESPOND : CONTINUE;
  };
}
