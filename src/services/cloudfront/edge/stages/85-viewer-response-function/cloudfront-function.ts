import { titleCaseNames } from "../../../../../core/http/header-name-case.js";
import type { CloudFrontFunction } from "../../../functions/index.js";
import { isDisallowedHeader, reportFunctionRuns, runViewerResponseFunction } from "../../../functions/index.js";
import type { ResponseStage } from "../stage.js";

/**
 * A viewer-response CloudFront Function (cloudfront.md §1.1 step 18, §13.3): on hits and misses
 * alike, never when the origin's status is 400 or more (§13.3 [doc]); pipeline.ts already keeps
 * it away from viewer-request answers and CloudFront's own redirects and errors (§1.3). The
 * response it returns has its header names written Title-Case on HTTP/1.1 (§13.2: the function
 * saw them lower-case, CloudFront capitalises what comes back), except the ones it could not see.
 */
export function viewerResponseCloudFrontFunction(fn: CloudFrontFunction): ResponseStage {
  return (ctx) => {
    if (ctx.response!.status >= 400) return;
    const from = ctx.functionRuns.length;
    runViewerResponseFunction(ctx, fn);
    reportFunctionRuns(ctx, from);
    if (ctx.functionRuns.at(-1)?.error !== undefined) return;
    const r = ctx.response!;
    r.headerNames = titleCaseNames(Object.keys(r.headers).filter((name) => !isDisallowedHeader(name)));
  };
}
