import { badRequest, httpsRequired, methodNotAllowed, redirectToHttps } from "../../../errors.js";
import { isTraced, publishTrace } from "../../../../../core/trace.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, RESPOND, type StageResult } from "../stage.js";

/**
 * Viewer protocol policy, then allowed methods, then GET-with-body (cloudfront.md §3).
 * Choice: protocol before methods (spec §1.1 leaves the order UNCONFIRMED).
 */
export function checkViewerPolicy(ctx: EdgeContext): StageResult {
  if (ctx.isErrorPageFetch) return CONTINUE;
  const r = decideViewerPolicy(ctx);
  if (isTraced("viewerPolicy")) traceViewerPolicy(ctx, r);
  return r;
}

function decideViewerPolicy(ctx: EdgeContext): StageResult {
  const b = ctx.behavior!;
  if (ctx.protocol === "http" && b.viewerProtocolPolicy !== "allow-all") {
    if (b.viewerProtocolPolicy === "https-only") {
      ctx.response = httpsRequired(ctx.requestId);
      return RESPOND;
    }
    const m = ctx.method;
    if (m === "GET" || m === "HEAD") {
      ctx.response = redirectToHttps(301, httpsLocation(ctx));
    } else if (ctx.httpVersion === "1.0") {
      // §3.1: other methods over HTTP/1.0 cannot be redirected safely.
      ctx.response = httpsRequired(ctx.requestId);
    } else {
      ctx.response = redirectToHttps(307, httpsLocation(ctx));
    }
    return RESPOND;
  }
  if (!b.allowedMethods.has(ctx.method)) {
    ctx.response = methodNotAllowed(ctx.requestId);
    return RESPOND;
  }
  // Judged by the announced framing only: an HTTP/2 GET may end its stream with an empty DATA frame.
  if (ctx.method === "GET" && ctx.announcesRequestBody) {
    ctx.response = badRequest(ctx.requestId);
    return RESPOND;
  }
  return CONTINUE;
}

function httpsLocation(ctx: EdgeContext): string {
  // Host without the local HTTP port; the HTTPS port replaces it (443 in AWS, our HTTPS port here).
  const host = ctx.host.replace(/:\d+$/, "");
  const port = ctx.runtime.httpsPort === 443 ? "" : `:${ctx.runtime.httpsPort}`;
  return `https://${host}${port}${ctx.viewerPath}${ctx.hasQuery ? `?${ctx.query}` : ""}`;
}

/** The verdict in words: which rule refused the request, or what let it through (issue 15). */
function traceViewerPolicy(ctx: EdgeContext, r: StageResult): void {
  const b = ctx.behavior!;
  const methods = [...b.allowedMethods].join(",");
  let message: string;
  if (r === CONTINUE) message = `${ctx.method} over ${ctx.protocol} allowed (ViewerProtocolPolicy ${b.viewerProtocolPolicy}, AllowedMethods ${methods})`;
  else {
    const status = ctx.response!.status;
    message =
      ctx.protocol === "http" && b.viewerProtocolPolicy !== "allow-all"
        ? `ViewerProtocolPolicy ${b.viewerProtocolPolicy} refuses ${ctx.method} over http → ${status}`
        : !b.allowedMethods.has(ctx.method)
          ? `AllowedMethods ${methods} has no ${ctx.method} → ${status}`
          : `a GET with a body is refused → ${status}`;
  }
  publishTrace("viewerPolicy", ctx.traceId, "cloudfront", message, { data: { verdict: r === CONTINUE ? "allowed" : "refused" } });
}
