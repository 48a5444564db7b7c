import type { ResponseHeadersPlan } from "../../../compile/response-headers-policy.js";
import type { EdgeContext } from "../../edge-context.js";
import type { ResponseStage } from "../stage.js";
import { applyCors } from "./cors.js";
import { serverTimingValue, shouldSendServerTiming } from "./server-timing.js";

/**
 * The behaviour's response headers policy on whatever response goes to the viewer — origin answer,
 * cache hit, CloudFront's own error or redirect, a custom error page, a function's answer
 * (cloudfront.md §6.1) — in the order AWS documents: RemoveHeadersConfig first, then the security
 * and custom headers (each kept from the origin unless Override), CORS for CORS requests, and
 * Server-Timing (§6.4). The headers are applied on the way out, never stored in the cache: a hit's
 * headers object is the cached one, so a new object is built.
 */
export function buildResponseHeadersStage(plan: ResponseHeadersPlan): ResponseStage {
  return (ctx) => applyResponseHeadersPolicy(ctx, plan);
}

export function applyResponseHeadersPolicy(ctx: EdgeContext, plan: ResponseHeadersPlan): void {
  const r = ctx.response!;
  const out: Record<string, string | string[]> = {};
  const src = r.headers;
  for (const name in src) if (!plan.remove.has(name)) out[name] = src[name]!;
  // §6.4: a removed Server is replaced by CloudFront's own (Date is written by the server anyway).
  if (plan.remove.has("server") && src["server"] !== undefined) out["server"] = "CloudFront";
  for (const s of plan.set) if (s.override || out[s.name] === undefined) out[s.name] = s.value;
  if (plan.cors) applyCors(ctx, plan.cors, out);
  if (plan.serverTimingRate !== undefined && shouldSendServerTiming(ctx, plan.serverTimingRate)) {
    const ours = serverTimingValue(ctx, r);
    // §6.4: on a miss the origin's Server-Timing joins CloudFront's in one header; a hit carries
    // only CloudFront's metrics.
    const origin = ctx.responseSource === "origin" ? src["server-timing"] : undefined;
    out["server-timing"] = origin === undefined ? ours : `${Array.isArray(origin) ? origin.join(",") : origin},${ours}`;
  }
  ctx.response = { ...r, headers: out };
}
