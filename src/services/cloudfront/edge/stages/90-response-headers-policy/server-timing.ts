import type { EdgeResponse } from "../../../response/edge-response.js";
import type { EdgeContext } from "../../edge-context.js";

/**
 * ServerTimingHeadersConfig (cloudfront.md §6.4). A request is sampled at SamplingRate percent;
 * `Pragma: server-timing` asks for the header whatever the rate. The draw comes from the request id
 * (random per request, core/ids.ts), so no randomness is taken here and a test with fixed ids is
 * repeatable. Metrics in AWS's order: upstream (when the origin was asked), the cache result, the
 * POP, the request id, the hit layer (hits), the time to the viewer's first byte.
 * Approximated: DNS is 0 (origins are bound locally) and connect is 0 (pooled keep-alive
 * connections; the pool does not report a new connection's handshake); there is one layer, EDGE.
 */
export function shouldSendServerTiming(ctx: EdgeContext, rate: number): boolean {
  const pragma = ctx.req.headers.pragma;
  if (pragma !== undefined && PRAGMA_SERVER_TIMING.test(pragma)) return true;
  if (rate >= 100) return true;
  if (rate <= 0) return false;
  return (drawFromId(ctx.requestId) / 0x1000000) * 100 < rate;
}

const PRAGMA_SERVER_TIMING = /(?:^|[\s,])server-timing(?:$|[\s,;=])/i;

/** 24 bits from the first four base64url characters of the request id. */
function drawFromId(id: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = (v << 6) | B64URL.indexOf(id[i] ?? "A");
  return v < 0 ? 0 : v & 0xffffff;
}
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const ms = (a: number, b: number) => Math.max(0, Math.round(b - a));

export function serverTimingValue(ctx: EdgeContext, r: EdgeResponse): string {
  const parts: string[] = [];
  const sent = ctx.originSentAt;
  const fbl = ctx.originFirstByteAt;
  if (sent !== undefined && fbl !== undefined) {
    parts.push('cdn-upstream-layer;desc="EDGE"', "cdn-upstream-dns;dur=0", "cdn-upstream-connect;dur=0", `cdn-upstream-fbl;dur=${ms(sent, fbl)}`);
  }
  const cache =
    r.resultType === "Hit"
      ? "cdn-cache-hit"
      : r.resultType === "RefreshHit"
        ? "cdn-cache-refresh"
        : ctx.responseSource === "origin" || ctx.responseSource === "origin-request-function"
          ? "cdn-cache-miss"
          : undefined;
  if (cache) parts.push(cache);
  parts.push(`cdn-pop;desc="${ctx.plan.pop}"`, `cdn-rid;desc="${ctx.requestId}"`);
  if (r.resultType === "Hit") parts.push('cdn-hit-layer;desc="EDGE"');
  parts.push(`cdn-downstream-fbl;dur=${ms(ctx.startedAt, performance.now())}`);
  return parts.join(",");
}
