import type { Readable } from "node:stream";
import { titleCaseNameOf, titleCaseNames } from "../../../core/http/header-name-case.js";
import type { OriginPlan } from "../compile/plan.js";
import type { EdgeContext } from "../edge/edge-context.js";
import { cloudFrontHeaderValue } from "../edge/stages/60-origin-fetch/origin-request-headers.js";
import type { EdgeResponse } from "../response/edge-response.js";
import {
  FunctionValidationError,
  readRequest,
  readResponse,
  snapshotRequest,
  snapshotResponse,
  type HeaderValues,
  type RequestChanges,
  type ResponseChanges,
} from "./apply-result.js";
import type { CloudFrontFunction } from "./cloudfront-function.js";
import { headersToEvent, querystringToEvent, responseHeadersToEvent, type FunctionEvent } from "./event.js";
import { functionExecutionError, functionValidationError } from "./function-errors.js";
import type { FunctionEventType } from "./function-runtime.js";
import type { FunctionRun } from "./function-run.js";
import { isDisallowedHeader } from "./header-rules.js";
import type { OriginRequestChange } from "./modules.js";
import type { InvocationOutcome } from "./sandbox.js";
import { resolveOriginChange } from "./origin-change.js";

/**
 * A CloudFront Function at its two pipeline places (cloudfront.md §1.1 steps 9 and 18): build the
 * event from the request (and response) → invoke → apply what the function returned, or answer
 * with CloudFront's failure page (§13.4). Each run is recorded on the context for the trace.
 */

function recordRun(ctx: EdgeContext, fn: CloudFrontFunction, eventType: FunctionEventType, o: { computeUtilization: number; logs: string[] }, error?: string) {
  const run: FunctionRun = { name: fn.name, eventType, computeUtilization: o.computeUtilization, logs: o.logs };
  if (error !== undefined) run.error = error;
  // Most requests run one function: a list of exactly one (a push into the empty list would reserve 17 places).
  if (ctx.functionRuns.length === 0) ctx.functionRuns = [run];
  else ctx.functionRuns.push(run);
  if (o.logs.length > 0) for (const line of o.logs) ctx.runtime.log.debug(`function ${fn.name} (${eventType}, request ${ctx.requestId}): ${line}`);
  if (error !== undefined) ctx.runtime.log.warn(`function ${fn.name} (${eventType}) failed for request ${ctx.requestId}: ${error}`);
}

const NO_EXTRA: [string, string][] = [];

function requestEvent(ctx: EdgeContext, eventType: FunctionEventType): FunctionEvent {
  // CloudFront-* headers reach a function only when a policy of the behaviour names them (§7.4).
  const names = ctx.behavior?.recipe.cloudFrontHeaders;
  let extra: [string, string][] = NO_EXTRA;
  if (names !== undefined && names.length > 0) {
    extra = [];
    for (const name of names) {
      const v = cloudFrontHeaderValue(name, ctx);
      if (v !== undefined) extra.push([name.toLowerCase(), v]);
    }
  }
  // After a viewer-request function changed the headers, later events see its headers, no longer the raw lines.
  const { headers, cookies } = headersToEvent(
    ctx.areRequestHeadersEdited || Object.hasOwn(ctx.req, "headers") ? flatten(ctx.req.headers) : ctx.req.rawHeaders,
    ctx.host,
    extra,
  );
  return {
    version: "1.0",
    context: { distributionDomainName: ctx.plan.domain, distributionId: ctx.plan.id, eventType, requestId: ctx.requestId },
    viewer: { ip: ctx.clientIp },
    request: { method: ctx.method, uri: ctx.uri, querystring: querystringToEvent(ctx.query), headers, cookies },
  };
}

function flatten(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const raw: string[] = [];
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) raw.push(name, one);
  }
  return raw;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Viewer-request (§13.3): true when the function answered (ctx.response is set), false to go on. */
export function runViewerRequestFunction(ctx: EdgeContext, fn: CloudFrontFunction): boolean {
  const event = requestEvent(ctx, "viewer-request");
  const snapshots = snapshotRequest(event, ctx.query);
  const outcome = fn.sandbox.invoke(event, ctx.requestTime());
  if (outcome.error !== undefined) return fail(ctx, fn, "viewer-request", outcome, outcome.error, functionExecutionError);
  try {
    const v = outcome.value;
    if (!isObject(v)) throw new FunctionValidationError("the function returned neither the request nor a response object");
    if ("statusCode" in v) {
      const r = readResponse(v, "viewer-request", fn.runtime, undefined);
      recordRun(ctx, fn, "viewer-request", outcome);
      ctx.response = generatedResponse(r);
      return true;
    }
    const changes = readRequest(v, snapshots);
    const origin = resolveOrigin(ctx, fn, outcome.originChange);
    recordRun(ctx, fn, "viewer-request", outcome);
    applyRequest(ctx, changes);
    if (origin !== undefined) ctx.originOverride = origin;
    return false;
  } catch (e) {
    if (e instanceof FunctionValidationError) return fail(ctx, fn, "viewer-request", outcome, `validation: ${e.message}`, functionValidationError);
    if (e instanceof OriginChangeError) return fail(ctx, fn, "viewer-request", outcome, e.message, functionExecutionError);
    throw e;
  }
}

class OriginChangeError extends Error {}

function resolveOrigin(ctx: EdgeContext, fn: CloudFrontFunction, change: OriginRequestChange | undefined): OriginPlan | undefined {
  if (change === undefined) return undefined;
  const r = resolveOriginChange(ctx.plan, ctx.originOverride ?? ctx.behavior!.origin, change, fn);
  if (typeof r === "string") throw new OriginChangeError(r);
  return r;
}

function fail(
  ctx: EdgeContext,
  fn: CloudFrontFunction,
  eventType: FunctionEventType,
  outcome: InvocationOutcome,
  error: string,
  page: (requestId: string) => EdgeResponse,
): true {
  recordRun(ctx, fn, eventType, outcome, error);
  if (ctx.response) letFlow(ctx.response.body);
  ctx.response = page(ctx.requestId);
  return true;
}

/** The modified request goes on: uri, query string, headers and cookies (§13.2); only what changed is rewritten. */
function applyRequest(ctx: EdgeContext, c: RequestChanges): void {
  ctx.uri = c.uri;
  if (c.query !== ctx.query) {
    ctx.query = c.query;
    ctx.hasQuery = c.query !== "";
  }
  const edits = c.headerEdits;
  if (edits !== undefined) {
    let h = ctx.req.headers;
    if (edits.removed.length > 0) {
      // A new headers object rather than deletes on the old one (which would slow every later lookup).
      const next: Record<string, string | string[] | undefined> = {};
      const removed = new Set(edits.removed);
      for (const name in h) if (!removed.has(name)) next[name] = h[name];
      Object.defineProperty(ctx.req, "headers", { value: next, writable: true, configurable: true, enumerable: true });
      h = next;
    }
    // Set in place: added names extend the object, changed ones replace a value. Read-only ones are unchanged (checked).
    const set = edits.set;
    for (let i = 0; i < set.size; i++) {
      const name = set.nameAt(i);
      if (name === "host" || name === "content-length" || name === "transfer-encoding") continue;
      const values = set.valuesAt(i);
      h[name] = values.length === 1 ? values[0]! : values.join(", ");
    }
    ctx.areRequestHeadersEdited = true;
    // §13.2 "header casing on output": the names the function added or changed reach the origin Title-Case on HTTP/1.1.
    ctx.originHeaderNames = set.size === 1 ? titleCaseNameOf(set.nameAt(0)) : titleCaseNames(set.keys());
  }
  if (c.isCookieEdited) {
    const headers = ctx.req.headers;
    if (c.cookie === undefined) delete headers.cookie;
    else headers.cookie = c.cookie;
  }
}

function toResponseHeaders(values: HeaderValues, setCookies: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < values.size; i++) {
    const vs = values.valuesAt(i);
    out[values.nameAt(i)] = vs.length === 1 ? vs[0]! : vs;
  }
  if (setCookies.length) out["set-cookie"] = [...setCookies];
  return out;
}

/** §13.3: a viewer-request function's response: not cached, no viewer-response, no custom error page. */
function generatedResponse(r: ResponseChanges): EdgeResponse {
  const body = r.body ?? Buffer.alloc(0);
  const headers = toResponseHeaders(r.headers, r.setCookies);
  headers["content-length"] = String(body.length);
  delete headers["transfer-encoding"];
  return {
    status: r.status,
    ...(r.statusMessage === undefined ? {} : { statusMessage: r.statusMessage }),
    headers,
    body,
    resultType: "FunctionGeneratedResponse",
    detailedResultType: "FunctionGeneratedResponse",
    generated: true,
    bypassCustomErrors: true,
  };
}

/** Viewer-response (§13.3): the response as the function returns it. Never for origin status ≥ 400 (the stage checks). */
export function runViewerResponseFunction(ctx: EdgeContext, fn: CloudFrontFunction): void {
  const r = ctx.response!;
  const event = requestEvent(ctx, "viewer-response");
  const { headers, cookies } = responseHeadersToEvent(r.headers);
  event.response = { statusCode: r.status, statusDescription: r.statusMessage ?? "", headers, cookies };
  const before = snapshotResponse(headers, cookies);
  const outcome = fn.sandbox.invoke(event, ctx.runtime.clock.now());
  if (outcome.error !== undefined) return void fail(ctx, fn, "viewer-response", outcome, outcome.error, functionExecutionError);
  try {
    const v = outcome.value;
    if (!isObject(v) || !("statusCode" in v)) throw new FunctionValidationError("a viewer-response function must return a response object");
    const c = readResponse(v, "viewer-response", fn.runtime, before);
    recordRun(ctx, fn, "viewer-response", outcome);
    const out = toResponseHeaders(c.headers, c.setCookies);
    // What the function could not see (§14.4) stays as it was.
    for (const name in r.headers) if (name !== "set-cookie" && isDisallowedHeader(name)) out[name] = r.headers[name]!;
    let body = r.body;
    if (c.body !== undefined) {
      letFlow(r.body);
      body = c.body;
      out["content-length"] = String(c.body.length);
      delete out["transfer-encoding"];
    }
    const statusMessage = c.statusMessage !== undefined && c.statusMessage !== "" ? c.statusMessage : c.status === r.status ? r.statusMessage : undefined;
    const next: EdgeResponse = { ...r, status: c.status, headers: out, body };
    if (statusMessage === undefined) delete next.statusMessage;
    else next.statusMessage = statusMessage;
    ctx.response = next;
  } catch (e) {
    if (e instanceof FunctionValidationError) return void fail(ctx, fn, "viewer-response", outcome, `validation: ${e.message}`, functionValidationError);
    throw e;
  }
}

/**
 * A body nobody will send: left to flow to its end, so a cache store teeing it still gets the
 * whole object (80-cache-store), and a broken stream is no uncaught error.
 */
function letFlow(body: Readable | Buffer | null): void {
  if (!body || Buffer.isBuffer(body)) return;
  body.on("error", () => {});
  body.resume();
}
