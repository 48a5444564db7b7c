import { EdgeContext } from "./edge-context.js";
import type { EdgeResponse } from "./edge-response.js";
import { checkRequestSize } from "./stages/10-limits/check-request-size.js";
import { matchBehavior } from "./stages/20-behavior/match-behavior.js";
import { checkViewerPolicy } from "./stages/30-viewer-policy/check-viewer-policy.js";
import { lookupCache } from "./stages/40-cache-lookup/lookup-cache.js";
import { fetchOrigin } from "./stages/60-origin-fetch/fetch-origin.js";
import { compressResponse } from "./stages/75-compress/compress-response.js";
import { storeInCache } from "./stages/80-cache-store/store-in-cache.js";
import { applyCustomError } from "./stages/99-respond/apply-custom-error.js";
import { writeResponse } from "./stages/99-respond/write-response.js";
import { RESPOND, type Stage } from "./stages/stage.js";

/**
 * The one place the order of the CloudFront data plane is written (cloudfront.md §1.1):
 * size limits → behaviour → viewer policy → cache lookup → origin → compression → cache store → respond
 * (custom error page, then CloudFront's headers). A stage that responds skips to respond.
 */
export const STAGES: readonly { folder: string; stage: Stage }[] = [
  { folder: "10-limits", stage: checkRequestSize },
  { folder: "20-behavior", stage: matchBehavior },
  { folder: "30-viewer-policy", stage: checkViewerPolicy },
  { folder: "40-cache-lookup", stage: lookupCache },
  { folder: "60-origin-fetch", stage: fetchOrigin },
  { folder: "75-compress", stage: compressResponse },
  { folder: "80-cache-store", stage: storeInCache },
];

async function runStages(ctx: EdgeContext): Promise<void> {
  for (let i = 0; i < STAGES.length; i++) {
    let r = STAGES[i]!.stage(ctx);
    if (typeof r !== "number") r = await r;
    if (r === RESPOND) return;
  }
}

export async function runPipeline(ctx: EdgeContext): Promise<void> {
  await runStages(ctx);
  await applyCustomError(ctx, fetchErrorPage);
  writeResponse(ctx);
  if (ctx.shouldRefreshInBackground) refreshInBackground(ctx);
}

/**
 * stale-while-revalidate (cloudfront.md §4.7): after the stale copy went to the viewer, the same
 * request goes through the stages again as CloudFront's own, revalidating or replacing the object.
 */
function refreshInBackground(parent: EdgeContext): void {
  const child = new EdgeContext(parent.req, undefined, parent.plan, parent.runtime, parent.conn, parent.requestId, parent.clientIp, parent.clientPort, {
    method: "GET",
    path: parent.viewerPath,
    query: parent.query,
    isBackgroundRefresh: true,
  });
  runStages(child).then(
    () => {
      const body = child.response?.body;
      // Nobody reads this response: let it flow so the store's tee sees the end.
      if (body && !Buffer.isBuffer(body)) {
        // A broken origin stream here has no viewer to fail; it must not become an uncaught 'error'.
        body.once("error", (e) => parent.runtime.log.warn(`distribution ${parent.plan.id}: background refresh of ${parent.viewerPath} broke: ${e.message}`));
        body.resume();
      }
    },
    (e: unknown) => parent.runtime.log.warn(`distribution ${parent.plan.id}: background refresh of ${parent.viewerPath} failed: ${(e as Error).message}`),
  );
}

/** The error page is its own GET through the behaviour its path matches (cloudfront.md §9.1). */
async function fetchErrorPage(parent: EdgeContext, path: string): Promise<EdgeResponse> {
  const q = path.indexOf("?");
  const child = new EdgeContext(parent.req, undefined, parent.plan, parent.runtime, parent.conn, parent.requestId, parent.clientIp, parent.clientPort, {
    method: "GET",
    path: q === -1 ? path : path.slice(0, q),
    query: q === -1 ? "" : path.slice(q + 1),
  });
  await runStages(child);
  return child.response!;
}
