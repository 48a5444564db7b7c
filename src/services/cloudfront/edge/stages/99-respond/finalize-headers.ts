import { connectionNamedFields, hopByHopWith } from "../../../../../core/http/hop-by-hop.js";
import { includes } from "../../../compile/forwarding.js";
import type { EdgeContext } from "../../edge-context.js";
import type { EdgeResponse } from "../../../response/edge-response.js";

/**
 * Removed toward the viewer besides RFC 9110's hop-by-hop fields (core/http/hop-by-hop.ts):
 * `Trailer` (cloudfront.md §7.1), `Proxy-Authenticate` (the origin's proxy challenge is for
 * CloudFront's hop, RFC 9110 §11.7.1) and `HTTP2-Settings` (connection-specific, RFC 7540 §3.2.1).
 */
const VIEWER_REMOVED = hopByHopWith(["trailer", "proxy-authenticate", "http2-settings"]);

/** The response headers the viewer receives (cloudfront.md §7.1, §4.8). */
export function finalizeHeaders(ctx: EdgeContext, r: EdgeResponse): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = connectionNamedFields(r.headers["connection"], VIEWER_REMOVED);
  for (const name in r.headers) {
    if (VIEWER_REMOVED.has(name) || named?.has(name)) continue;
    if (name === "vary") {
      const kept = filterVary(ctx, r.headers[name]!);
      if (kept) out["vary"] = kept;
      continue;
    }
    out[name] = r.headers[name]!;
  }
  if (r.generated) out["server"] = "CloudFront";
  // Via replaces the origin's (cloudfront.md §7.1).
  out["via"] = ctx.plan.via;
  out["x-cache"] = `${r.resultType} from cloudfront`;
  out["x-amz-cf-pop"] = ctx.plan.pop;
  out["x-amz-cf-id"] = ctx.requestId;
  if (r.age !== undefined) out["age"] = String(r.age);
  return out;
}

/** §4.8: Vary keeps Accept-Encoding, Cookie, `*` and headers CloudFront forwards; others are removed. */
function filterVary(ctx: EdgeContext, value: string | string[]): string {
  const recipe = ctx.behavior?.recipe;
  const kept: string[] = [];
  const deviceHeaders = recipe?.cloudFrontHeaders.some((h) => /^cloudfront-is-.*-viewer$/i.test(h)) ?? false;
  for (const part of (Array.isArray(value) ? value.join(",") : value).split(",")) {
    const name = part.trim();
    if (name === "") continue;
    const lower = name.toLowerCase();
    if (
      lower === "accept-encoding" ||
      lower === "cookie" ||
      name === "*" ||
      (lower === "user-agent" && deviceHeaders) ||
      (recipe !== undefined && (includes(recipe.headers, lower) || recipe.cloudFrontHeaders.some((h) => h.toLowerCase() === lower)))
    ) {
      kept.push(name);
    }
  }
  return kept.join(", ");
}
