import { withWireNames } from "../../../../../core/http/header-name-case.js";
import { isTraced, publishTrace } from "../../../../../core/trace.js";
import { originConnectError, originInvalidResponse, originReadTimeout } from "../../../errors.js";
import type { EdgeContext } from "../../edge-context.js";
import { RESPOND, type StageResult } from "../stage.js";
import type { OriginPlan } from "../../../compile/plan.js";
import type { EdgeResponse } from "../../../response/edge-response.js";
import { OriginFetchError } from "./origin-client.js";
import { fetchWithFailover } from "./origin-group.js";
import { buildOriginHeaders, buildOriginQuery } from "./origin-request-headers.js";
import { signOac } from "./sign-oac.js";
import { forwardUpload } from "./forward-upload.js";

/**
 * Sends the request to the behaviour's origin and puts its response (streaming) in ctx.response.
 * Refused connections → 502; unanswered connects (SYN dropped) and read timeouts → 504
 * (cloudfront.md §9.3, §9.5, §10.3; Choice on the 502/504 message pairing, spec §17 item 11).
 */
export async function fetchOrigin(ctx: EdgeContext): Promise<StageResult> {
  // An origin-request function's switched origin goes where it says; otherwise an origin a viewer-request
  // CloudFront Function picked replaces the behaviour's; either way without its group (§10.7).
  const chosen = ctx.originRequest;
  const override = ctx.originOverride;
  const group = chosen?.isSwitched || override ? undefined : ctx.behavior!.originGroup;
  const origin = chosen?.isSwitched ? chosen.origin : (override ?? chosen?.origin ?? ctx.behavior!.origin);
  ctx.response = group ? await fetchWithFailover(ctx.method, group, (o) => fetchFrom(ctx, o)) : await fetchFrom(ctx, origin);
  // The response phase takes it from here (pipeline.ts).
  return RESPOND;
}

async function fetchFrom(ctx: EdgeContext, origin: OriginPlan): Promise<EdgeResponse> {
  const b = ctx.behavior!;
  const scheme = origin.protocolPolicy === "match-viewer" ? ctx.protocol : origin.protocolPolicy === "https-only" ? "https" : "http";
  const client = ctx.runtime.originClient(origin, scheme);
  // The request an origin-request function returned is sent as it is (for the origin it was built for).
  const chosen = ctx.originRequest !== undefined && (ctx.originRequest.isSwitched || origin === ctx.originRequest.origin) ? ctx.originRequest : undefined;
  const query = chosen ? chosen.query : buildOriginQuery(ctx.query, b);
  const path = origin.originPath + (chosen ? chosen.uri : ctx.uri) + (query === "" ? "" : `?${query}`);
  const m = ctx.method;
  const hasBody = !ctx.isErrorPageFetch && m !== "GET" && m !== "HEAD" && (ctx.requestBody !== undefined || ctx.hasRequestBody);
  ctx.originId = origin.id;
  const originHeaders = ctx.isErrorPageFetch
    ? errorPageHeaders(ctx, client.endpoint.hostHeader)
    : chosen
      ? { ...chosen.headers }
      : buildOriginHeaders(ctx, b, origin, client.endpoint);
  // Revalidating an expired object: its validators replace the viewer's (cloudfront.md §4.7).
  const conditional = ctx.cache?.conditional;
  if (conditional !== undefined) {
    delete originHeaders["if-none-match"];
    delete originHeaders["if-modified-since"];
    Object.assign(originHeaders, conditional);
  }
  if (!hasBody) dropUnsentFraming(m, originHeaders);
  if (origin.oac) await signOac(origin.oac, m, path, originHeaders, ctx.runtime.clock.now());
  const upload = hasBody ? forwardUpload(ctx.requestBody ?? ctx.req, ctx.res) : undefined;
  ctx.stopUpload = upload?.stop;
  const traced = isTraced("attempt");
  const sent = traced ? performance.now() : 0;
  if (isTraced("origin")) traceOrigin(ctx, origin, scheme, path);
  // Headers an edge function set are spelt as CloudFront writes them on HTTP/1.1 (cloudfront.md §13.2, §14.2).
  const wireNames = ctx.isErrorPageFetch ? undefined : chosen ? chosen.headerNames : ctx.originHeaderNames;
  try {
    ctx.originSentAt = performance.now();
    const reply = await client.request(
      {
        method: m,
        path,
        headers: wireNames !== undefined ? withWireNames(originHeaders, wireNames) : originHeaders,
        body: upload ? upload.body : null,
        idempotent: m === "GET" || m === "HEAD" || m === "OPTIONS",
      },
      ctx.viewerGone,
    );
    ctx.originFirstByteAt = performance.now();
    const headers: Record<string, string | string[]> = {};
    for (const k in reply.headers) {
      const v = reply.headers[k];
      if (v !== undefined) headers[k] = v;
    }
    if (b.recipe.stripsSetCookie) delete headers["set-cookie"];
    if (traced) traceAttempt(ctx, origin, `answered ${reply.status} in ${(performance.now() - sent).toFixed(1)} ms (headers)`, reply.status);
    // The origin's answer is complete: whatever of the upload it did not read is drained, and no
    // origin reads it any more (write-response.ts then holds the answer until it is drained).
    if (upload)
      reply.onComplete = () => {
        upload.stop();
        ctx.stopUpload = undefined;
      };
    return {
      status: reply.status,
      headers,
      body: reply.body,
      resultType: reply.status >= 400 ? "Error" : "Miss",
      detailedResultType: reply.status >= 400 ? "Error" : "Miss",
      generated: false,
    };
  } catch (e) {
    upload?.stop();
    const kind = e instanceof OriginFetchError ? e.kind : "invalid";
    ctx.runtime.log.debug(`distribution ${ctx.plan.id}: origin ${origin.id} ${kind} failure for ${m} ${path}: ${(e as Error).cause ?? e}`);
    const answer =
      kind === "timeout" || kind === "blocked"
        ? originReadTimeout(ctx.requestId)
        : kind === "connect"
          ? originConnectError(ctx.requestId)
          : originInvalidResponse(ctx.requestId);
    if (traced)
      traceAttempt(
        ctx,
        origin,
        `${kind} failure after ${(performance.now() - sent).toFixed(1)} ms (${String((e as Error).cause ?? (e as Error).message)}) → CloudFront answers ${answer.status}`,
        answer.status,
      );
    return answer;
  }
}

/**
 * The origin client sends no Content-Length for an empty body of a method without one (RFC 9110
 * §8.6: "SHOULD NOT send a Content-Length header field when the request message does not contain
 * content and the method semantics do not anticipate such data"; undici follows it for every method
 * but POST, PUT and PATCH). What is signed must be what is sent (cloudfront.md §10.4): a DELETE's
 * `Content-Length: 0` signed but not sent made S3 answer SignatureDoesNotMatch (issue 9).
 */
const SENDS_EMPTY_LENGTH = new Set(["POST", "PUT", "PATCH"]);

function dropUnsentFraming(method: string, headers: Record<string, string | string[]>): void {
  if (headers["content-length"] !== undefined && !SENDS_EMPTY_LENGTH.has(method)) delete headers["content-length"];
}

/** A custom error page is fetched as a plain GET from CloudFront itself. */
function errorPageHeaders(ctx: EdgeContext, host: string): Record<string, string> {
  return { host, "user-agent": "Amazon CloudFront", via: ctx.plan.via, "x-amz-cf-id": ctx.requestId, "x-forwarded-for": ctx.clientIp };
}

/** Which origin, how it is reached and whether OAC signs (issue 15); for a group, which member and why. */
function traceOrigin(ctx: EdgeContext, origin: OriginPlan, scheme: string, path: string): void {
  const group = ctx.behavior!.originGroup;
  const member =
    group === undefined ? "" : origin === group.primary ? ` (origin group ${group.id}: primary)` : ` (origin group ${group.id}: failover to the secondary)`;
  const oac = origin.oac ? `, signed with OAC (SigningBehavior ${origin.oac.signingBehavior})` : "";
  publishTrace("origin", ctx.traceId, "cloudfront", `${origin.id}${member}: ${ctx.method} ${scheme}://${origin.domainName}${path}${oac}`, {
    data: { originId: origin.id, domain: origin.domainName, failover: group !== undefined && origin === group.secondary },
  });
}

function traceAttempt(ctx: EdgeContext, origin: OriginPlan, what: string, status: number): void {
  const group = ctx.behavior!.originGroup;
  const failover =
    group !== undefined && origin === group.primary && (ctx.method === "GET" || ctx.method === "HEAD" || ctx.method === "OPTIONS")
      ? group.failoverStatusCodes.has(status) || status >= 502
        ? `; ${status} is a failover status for origin group ${group.id}`
        : ""
      : "";
  publishTrace("attempt", ctx.traceId, "cloudfront", `${origin.id} ${what}${failover}`, { data: { originId: origin.id, status } });
}
