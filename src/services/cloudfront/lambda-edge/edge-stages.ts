import type { Readable } from "node:stream";
import { discardBody } from "../../../core/http/discard-body.js";
import type { LambdaEdgeAssociation } from "../compile/plan.js";
import type { EdgeContext } from "../edge/edge-context.js";
import { CONTINUE, RESPOND, type ResponseStage, type Stage, type StageResult } from "../edge/stages/stage.js";
import { originDnsError } from "../errors.js";
import type { EdgeResponse } from "../response/edge-response.js";
import { buildConfig, originRequest, responseOf, toEvent, viewerRequest } from "./build-event.js";
import { nodeHeadersFromCf, wireNamesOfCf, type NodeHeaders } from "./cf-headers.js";
import type { CfRequest } from "./event-shape.js";
import { isDisallowedHeader } from "./disallowed-headers.js";
import { invalid, invokeEdgeFunction, validationMessage } from "./invoke-edge-function.js";
import { limitsOf } from "./limits.js";
import { originBound } from "./origin-bound.js";
import { parseRequestResult } from "./parse-request-result.js";
import { parseResponseResult } from "./parse-response-result.js";
import { dropRequestBody, exposeRequestBody, replaceRequestBody } from "./request-body.js";
import { switchedOrigin } from "./switch-origin.js";
import { replaceViewerHeaders } from "./viewer-headers.js";

/**
 * The four Lambda@Edge triggers as pipeline stages (cloudfront.md §14.1), each built once per
 * behaviour from its association. Request triggers (viewer-request, origin-request) either change
 * the request and let it go on, or answer it; response triggers (origin-response, viewer-response)
 * change the response in place. Where each runs is pipeline.ts's business (§1.3); what a stage
 * still decides itself is what §14.1 says about the response it got (status ≥ 400, CloudFront's own).
 * Not for a custom error page's fetch: "the function doesn't execute … when fetching a custom error
 * page" (DG, viewer request); Choice: the origin triggers skip it too.
 */
export function buildLambdaEdgeRequestStage(a: LambdaEdgeAssociation): Stage {
  if (a.eventType === "viewer-request") return (ctx) => (ctx.isErrorPageFetch ? CONTINUE : runViewerRequest(ctx, a));
  if (a.eventType === "origin-request") return (ctx) => (ctx.isErrorPageFetch ? CONTINUE : runOriginRequest(ctx, a));
  throw new Error(`invariant: ${a.eventType} is a response trigger`);
}

export function buildLambdaEdgeResponseStage(a: LambdaEdgeAssociation): ResponseStage {
  if (a.eventType === "origin-response") return (ctx) => (ctx.isErrorPageFetch || ctx.response!.generated ? undefined : runOriginResponse(ctx, a));
  if (a.eventType === "viewer-response")
    // §14.1: not when the status is ≥ 400, nor for CloudFront's own answers (errors, redirects).
    return (ctx) =>
      ctx.isErrorPageFetch || ctx.isBackgroundRefresh || ctx.response!.status >= 400 || ctx.response!.generated ? undefined : runViewerResponse(ctx, a);
  throw new Error(`invariant: ${a.eventType} is a request trigger`);
}

const describe = (ctx: EdgeContext, a: LambdaEdgeAssociation) =>
  `distribution ${ctx.plan.id}: Lambda@Edge ${a.functionArn} (${a.eventType}) for request ${ctx.requestId}`;

async function runViewerRequest(ctx: EdgeContext, a: LambdaEdgeAssociation): Promise<StageResult> {
  const body = a.includeBody ? await exposeRequestBody(ctx, limitsOf(a.eventType).exposedBodyBytes) : undefined;
  const request = viewerRequest(ctx, body);
  const outcome = await requestOutcome(ctx, a, request);
  if (outcome !== undefined) return respondWith(ctx, outcome);
  const r = lastResult.get(ctx)!;
  ctx.uri = r.uri;
  ctx.query = r.querystring;
  ctx.hasQuery = r.querystring !== "";
  const headers = nodeHeadersFromCf(r.headers);
  if (r.body !== undefined) {
    replaceRequestBody(ctx, r.body);
    headers["content-length"] = String(r.body.length);
    delete headers["transfer-encoding"];
  }
  replaceViewerHeaders(ctx.req, headers);
  // §14.2: toward the origin each name is written as its `key` says (Title-Case without one).
  ctx.originHeaderNames = wireNamesOfCf(r.headers);
  return CONTINUE;
}

async function runOriginRequest(ctx: EdgeContext, a: LambdaEdgeAssociation): Promise<StageResult> {
  const bound = originBound(ctx);
  const body = a.includeBody ? await exposeRequestBody(ctx, limitsOf(a.eventType).exposedBodyBytes) : undefined;
  const request = originRequest(ctx, bound.origin, bound.scheme, bound.headers, bound.query, body);
  const outcome = await requestOutcome(ctx, a, request);
  if (outcome !== undefined) {
    // A generated answer is cached under the request's key (§1.3); a failure is not.
    if (outcome.resultType !== "LambdaGeneratedResponse") dontCache(ctx);
    return respondWith(ctx, outcome);
  }
  const r = lastResult.get(ctx)!;
  let origin = bound.origin;
  if (r.origin !== undefined) {
    const switched = switchedOrigin(ctx.plan, bound.origin, r.origin);
    if (switched === undefined) {
      const domain = "custom" in r.origin ? r.origin.custom.domainName : r.origin.s3.domainName;
      ctx.runtime.log.warn(
        `${describe(ctx, a)}: the function sent the request to ${domain}, which is bound to nothing local; bind it under local.origins (${domain}: http://127.0.0.1:PORT)`,
      );
      dontCache(ctx);
      return respondWith(ctx, originDnsError(ctx.requestId));
    }
    origin = switched;
  }
  const headers: NodeHeaders = { ...nodeHeadersFromCf(r.headers), ...bound.hidden };
  // Origin custom headers overwrite the request's (cloudfront.md §7.5), the switched origin's included.
  for (const [name, value] of origin.customHeaders) headers[name.toLowerCase()] = value;
  if (r.body !== undefined) {
    replaceRequestBody(ctx, r.body);
    headers["content-length"] = String(r.body.length);
    delete headers["transfer-encoding"];
  }
  ctx.originRequest = { origin, isSwitched: origin !== bound.origin, uri: r.uri, query: r.querystring, headers, headerNames: wireNamesOfCf(r.headers) };
  return CONTINUE;
}

/** The last request result of a context (kept between requestOutcome and its caller without a closure per request). */
const lastResult = new WeakMap<EdgeContext, Extract<ReturnType<typeof parseRequestResult>, { kind: "request" }>>();

/** Runs a request trigger: undefined when the request goes on (its result in `lastResult`), else the response to send. */
async function requestOutcome(ctx: EdgeContext, a: LambdaEdgeAssociation, request: CfRequest): Promise<EdgeResponse | undefined> {
  const inv = await invokeEdgeFunction(ctx, a, toEvent(buildConfig(ctx, a.eventType), request));
  if ("failure" in inv) return inv.failure;
  let r: ReturnType<typeof parseRequestResult>;
  try {
    r = parseRequestResult(a.eventType, request, inv.result, a.includeBody);
  } catch (e) {
    return invalid(ctx, describe(ctx, a), validationMessage(e));
  }
  if (r.kind === "response") return r.response;
  lastResult.set(ctx, r);
  return undefined;
}

function respondWith(ctx: EdgeContext, response: EdgeResponse): StageResult {
  dropRequestBody(ctx);
  ctx.response = response;
  return RESPOND;
}

/** A function's failure is not stored (Choice: CloudFront's error caching is for origin errors). */
function dontCache(ctx: EdgeContext): void {
  ctx.cache?.release();
  ctx.cache = undefined;
}

async function runOriginResponse(ctx: EdgeContext, a: LambdaEdgeAssociation): Promise<void> {
  const r = ctx.response!;
  const bound = originBound(ctx);
  const request: CfRequest = {
    clientIp: ctx.clientIp,
    headers: bound.headers,
    method: ctx.method,
    querystring: bound.query,
    uri: ctx.originRequest?.uri ?? ctx.uri,
  };
  const changed = await responseOutcome(ctx, a, request, r, (old) => discardBody(old));
  if (changed.resultType === "Error" && changed.detailedResultType.startsWith("Lambda")) dontCache(ctx);
  ctx.response = changed;
}

async function runViewerResponse(ctx: EdgeContext, a: LambdaEdgeAssociation): Promise<void> {
  const r = ctx.response!;
  // A replaced body still flows into the cache store when the response is being stored (80 ran first).
  ctx.response = await responseOutcome(ctx, a, viewerRequest(ctx, undefined), r, drainBody);
}

/** Runs a response trigger: the response to send instead of `r` (changed, or the failure's page). */
async function responseOutcome(
  ctx: EdgeContext,
  a: LambdaEdgeAssociation,
  request: CfRequest,
  r: EdgeResponse,
  dropOld: (body: Readable | Buffer | null) => void,
): Promise<EdgeResponse> {
  const response = responseOf(r);
  const inv = await invokeEdgeFunction(ctx, a, toEvent(buildConfig(ctx, a.eventType), request, response));
  if ("failure" in inv) {
    dropOld(r.body);
    return inv.failure;
  }
  let parsed: ReturnType<typeof parseResponseResult>;
  try {
    parsed = parseResponseResult(a.eventType, response, inv.result);
  } catch (e) {
    dropOld(r.body);
    return invalid(ctx, describe(ctx, a), validationMessage(e));
  }
  if (parsed.ignoredStatus !== undefined)
    ctx.runtime.log.warn(`${describe(ctx, a)}: a viewer-response function cannot change the status (${r.status} → ${parsed.ignoredStatus}); kept ${r.status}`);
  const headers = nodeHeadersFromCf(parsed.headers);
  // Headers the function was not shown stay as they were (§14.4).
  for (const name in r.headers) if (isDisallowedHeader(name)) headers[name] = r.headers[name]!;
  let body = r.body;
  if (parsed.body !== undefined) {
    dropOld(r.body);
    body = parsed.body;
    headers["content-length"] = String(parsed.body.length);
    delete headers["transfer-encoding"];
  }
  const out: EdgeResponse = { ...r, status: parsed.status, headers, body };
  // §14.2 `key` spelling on HTTP/1.1 for what goes straight to the viewer (a cached origin-response result keeps lower-case names).
  if (a.eventType === "viewer-response") out.headerNames = wireNamesOfCf(parsed.headers);
  else delete out.headerNames;
  if (parsed.statusDescription !== undefined) out.statusMessage = parsed.statusDescription;
  else if (parsed.status !== r.status) delete out.statusMessage;
  // X-Cache follows the status an origin-response function set (Error from cloudfront for ≥ 400).
  if ((r.resultType === "Miss" || r.resultType === "Error") && parsed.status !== r.status) {
    out.resultType = parsed.status >= 400 ? "Error" : "Miss";
    out.detailedResultType = out.resultType;
  }
  return out;
}

function drainBody(body: Readable | Buffer | null): void {
  if (!body || Buffer.isBuffer(body)) return;
  body.on("error", () => undefined);
  body.resume();
}
