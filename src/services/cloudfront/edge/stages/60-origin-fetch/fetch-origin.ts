import { originConnectError, originInvalidResponse, originReadTimeout } from "../../../errors.js";
import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, type StageResult } from "../stage.js";
import { OriginFetchError } from "./origin-client.js";
import { buildOriginHeaders, buildOriginQuery } from "./origin-request-headers.js";

/**
 * Sends the request to the behaviour's origin and puts its response (streaming) in ctx.response.
 * Connect failures → 502, read timeouts → 504 (cloudfront.md §9.3, §10.3; Choice on the
 * 502/504 message pairing, spec §17 item 11).
 */
export async function fetchOrigin(ctx: EdgeContext): Promise<StageResult> {
  const b = ctx.behavior!;
  const origin = b.origin;
  const scheme = origin.protocolPolicy === "match-viewer" ? ctx.protocol : origin.protocolPolicy === "https-only" ? "https" : "http";
  const client = ctx.runtime.originClient(origin, scheme);
  const query = buildOriginQuery(ctx.query, b);
  const path = origin.originPath + ctx.uri + (query === "" ? "" : `?${query}`);
  const m = ctx.method;
  const hasBody =
    !ctx.isErrorPageFetch &&
    m !== "GET" &&
    m !== "HEAD" &&
    (ctx.req.headers["content-length"] !== undefined || ctx.req.headers["transfer-encoding"] !== undefined);
  ctx.originId = origin.id;
  try {
    const reply = await client.request({
      method: m,
      path,
      headers: ctx.isErrorPageFetch ? errorPageHeaders(ctx, client.endpoint.hostHeader) : buildOriginHeaders(ctx, b, client.endpoint),
      body: hasBody ? ctx.req : null,
      idempotent: m === "GET" || m === "HEAD" || m === "OPTIONS",
    });
    const headers: Record<string, string | string[]> = {};
    for (const k in reply.headers) {
      const v = reply.headers[k];
      if (v !== undefined) headers[k] = v;
    }
    ctx.response = {
      status: reply.status,
      headers,
      body: reply.body,
      resultType: reply.status >= 400 ? "Error" : "Miss",
      detailedResultType: reply.status >= 400 ? "Error" : "Miss",
      generated: false,
    };
  } catch (e) {
    const kind = e instanceof OriginFetchError ? e.kind : "invalid";
    ctx.runtime.log.debug(`distribution ${ctx.plan.id}: origin ${origin.id} ${kind} failure for ${m} ${path}: ${(e as Error).cause ?? e}`);
    ctx.response =
      kind === "timeout" ? originReadTimeout(ctx.requestId) : kind === "connect" ? originConnectError(ctx.requestId) : originInvalidResponse(ctx.requestId);
  }
  return CONTINUE;
}

/** A custom error page is fetched as a plain GET from CloudFront itself. */
function errorPageHeaders(ctx: EdgeContext, host: string): Record<string, string> {
  return { host, "user-agent": "Amazon CloudFront", via: ctx.plan.via, "x-amz-cf-id": ctx.requestId, "x-forwarded-for": ctx.clientIp };
}
