import { discardBody } from "../../../../../core/http/discard-body.js";
import type { EdgeContext } from "../../edge-context.js";
import type { EdgeResponse } from "../../../response/edge-response.js";

/**
 * CustomErrorResponses (cloudfront.md §9.1): for a matching ErrorCode with a ResponsePagePath the
 * page is fetched as its own request through the behaviour matching the page path; its body is
 * served with ResponseCode. A failed page fetch returns the page fetch's own status.
 */
export function applyCustomError(ctx: EdgeContext, fetchPage: (ctx: EdgeContext, path: string) => Promise<EdgeResponse>): void | Promise<void> {
  const r = ctx.response!;
  // Synchronous unless a page is fetched: a hit (or any other response) awaits nothing here.
  if (r.status < 400 || r.bypassCustomErrors || ctx.isErrorPageFetch) return;
  const entry = ctx.plan.customErrors.get(r.status);
  if (!entry || entry.pagePath === undefined) return;
  return substitute(ctx, r, entry.pagePath, entry.responseCode, fetchPage);
}

async function substitute(
  ctx: EdgeContext,
  r: EdgeResponse,
  pagePath: string,
  responseCode: number | undefined,
  fetchPage: (ctx: EdgeContext, path: string) => Promise<EdgeResponse>,
): Promise<void> {
  discardBody(r.body);
  const page = await fetchPage(ctx, pagePath);
  if (page.status >= 400) {
    ctx.response = { ...page, resultType: "Error" };
    return;
  }
  ctx.response = {
    ...page,
    status: responseCode ?? r.status,
    statusMessage: undefined,
    // The viewer's result stays Error even when ResponseCode is 200 (§9.1 "x-edge-result-type stays Error").
    resultType: "Error",
    detailedResultType: r.detailedResultType,
    bypassCustomErrors: true,
  };
}
