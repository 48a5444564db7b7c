import { includes } from "../../../compile/forwarding.js";
import type { EdgeContext } from "../../edge-context.js";
import type { EdgeResponse } from "../../../response/edge-response.js";

/** Hop-by-hop and HTTP/2-forbidden response headers; CloudFront also removes Trailer and Upgrade (cloudfront.md §7.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "trailer", "upgrade", "proxy-authenticate", "proxy-connection", "http2-settings"]);

/** The response headers the viewer receives (cloudfront.md §7.1, §4.8). */
export function finalizeHeaders(ctx: EdgeContext, r: EdgeResponse): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in r.headers) {
    if (HOP_BY_HOP.has(name)) continue;
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
