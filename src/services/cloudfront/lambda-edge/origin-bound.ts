import type { OriginPlan } from "../compile/plan.js";
import type { EdgeContext } from "../edge/edge-context.js";
import { buildOriginHeaders, buildOriginQuery } from "../edge/stages/60-origin-fetch/origin-request-headers.js";
import { casingOf, cfHeadersFromRecord, type CfHeaders, type NodeHeaders } from "./cf-headers.js";
import { isDisallowedHeader } from "./disallowed-headers.js";

/**
 * The request as CloudFront would send it to the behaviour's origin (cloudfront.md §7, §14.2:
 * origin events see the origin-bound headers — `Host` of the origin, `User-Agent: Amazon
 * CloudFront`, `Via`, `X-Forwarded-For` — and the query string the behaviour forwards). The
 * headers the function may not see (X-Amz-Cf-Id, §14.4) are kept aside and sent anyway; the
 * origin's custom headers are not among `headers` (the origin object carries them).
 */
export interface OriginBound {
  origin: OriginPlan;
  scheme: "http" | "https";
  headers: CfHeaders;
  hidden: NodeHeaders;
  query: string;
}

export function originBound(ctx: EdgeContext): OriginBound {
  if (ctx.originRequest !== undefined) {
    const o = ctx.originRequest;
    const { shown, hidden } = split(o.headers, o.origin);
    return { origin: o.origin, scheme: schemeOf(o.origin, ctx), headers: cfHeadersFromRecord(shown, casingOf(ctx.req.rawHeaders)), hidden, query: o.query };
  }
  const b = ctx.behavior!;
  const origin = b.origin;
  const scheme = schemeOf(origin, ctx);
  const all = buildOriginHeaders(ctx, b, origin, ctx.runtime.originClient(origin, scheme).endpoint);
  // A revalidation's validators replace the viewer's (cloudfront.md §4.7), as the origin stage does.
  const conditional = ctx.cache?.conditional;
  if (conditional !== undefined) {
    delete all["if-none-match"];
    delete all["if-modified-since"];
    Object.assign(all, conditional);
  }
  const { shown, hidden } = split(all, origin);
  return { origin, scheme, headers: cfHeadersFromRecord(shown, casingOf(ctx.req.rawHeaders)), hidden, query: buildOriginQuery(ctx.query, b) };
}

function split(all: NodeHeaders, origin: OriginPlan): { shown: NodeHeaders; hidden: NodeHeaders } {
  const custom = new Set(origin.customHeaders.map(([n]) => n.toLowerCase()));
  const shown: NodeHeaders = {};
  const hidden: NodeHeaders = {};
  for (const name in all) {
    if (isDisallowedHeader(name)) hidden[name] = all[name]!;
    else if (!custom.has(name)) shown[name] = all[name]!;
  }
  return { shown, hidden };
}

export function schemeOf(origin: OriginPlan, ctx: EdgeContext): "http" | "https" {
  return origin.protocolPolicy === "match-viewer" ? ctx.protocol : origin.protocolPolicy === "https-only" ? "https" : "http";
}
