import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pumpBody } from "../../../core/http/pump-body.js";
import { undiciErrors } from "../../../core/http/undici-parts.js";
import { ALB_HOP_BY_HOP, type HeaderRecord } from "../listener/forward-headers.js";
import { connectionNamedFields } from "../../../core/http/hop-by-hop.js";
import { hasRequestBody } from "../../../core/http/has-body.js";
import type { Target } from "./target-group.js";

/**
 * One request to an HTTP target over a pooled keep-alive connection (alb.md §9), bodies streamed
 * both ways. Failures map to ALB's statuses (§8.1): connect refused/reset, bad response, oversized
 * headers, deregistration delay elapsed → 502; connect timeout, idle timeout → 504.
 */
export interface TargetReply {
  /** elb_status_code; for `clientGone` the status the abort reason carries (460, or 408 on idle). */
  status: number;
  /** The client left or its body idled out: the target request was aborted, nothing was counted. */
  clientGone?: boolean;
  /** Set when the target answered. */
  targetStatus?: number;
  targetSeconds?: number;
  connectionError?: boolean;
}

export interface TargetRequest {
  /** Origin-form `path?query` (alb.md §7.4). */
  path: string;
  headers: HeaderRecord;
  /** Aborted when the client leaves or idles out; `reason` is `{ status }` (460 or 408). */
  signal: AbortSignal;
  /** Close the target connection after this request (desync mitigation, alb.md §9). */
  reset: boolean;
}

/** Aborts the target request when the client's side ends it; the reason carries the status to log. */
export class ClientAbort extends Error {
  constructor(readonly status: number) {
    super(status === 408 ? "client request body idle timeout" : "client closed the connection");
  }
}

/**
 * The client's body as the target receives it. It ends only when the client's request ended
 * cleanly: an upload the client abandoned must never reach the target as a complete request
 * (issue 8 §9), so a short body throws and undici aborts the target request instead of
 * finishing it (HTTP/2 streams end even when reset; HTTP/1.1 bodies can end short on close).
 */
async function* clientBody(req: IncomingMessage, signal: AbortSignal): AsyncGenerator<Buffer> {
  const declared = req.headers["content-length"] === undefined ? -1 : Number(req.headers["content-length"]);
  let n = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      n += chunk.length;
      yield chunk;
    }
  } catch {
    throw new ClientAbort(460);
  }
  if (!(await endedCleanly(req, n, declared, signal))) throw new ClientAbort(460);
}

/**
 * Whether a request body that ended carried everything the client meant to send. An HTTP/2
 * stream whose client went away ends its readable side like a clean end; the reset code and the
 * 'aborted' event arrive around it, so this looks once the current I/O is done.
 */
export async function endedCleanly(req: IncomingMessage, received: number, declared: number, signal: AbortSignal): Promise<boolean> {
  await new Promise((r) => setImmediate(r));
  const stream = (req as unknown as { stream?: { rstCode?: number } }).stream;
  return !(signal.aborted || req.aborted || (stream?.rstCode ?? 0) !== 0 || (declared >= 0 && received !== declared));
}

export async function proxyToTarget(
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  o: TargetRequest,
  /** Called with the target's headers before they are written; returns headers to add. */
  decorate: (targetHeaders: IncomingMessage["headers"]) => Record<string, string | string[]>,
  onError: (status: number) => void,
): Promise<TargetReply> {
  const method = req.method ?? "GET";
  const hasBody = hasRequestBody(req);
  const ac = new AbortController();
  const abort = () => ac.abort();
  const onClient = () => ac.abort(o.signal.reason);
  if (o.signal.aborted) onClient();
  else o.signal.addEventListener("abort", onClient, { once: true });
  t.aborts.add(abort);
  t.inFlight++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    t.inFlight--;
    t.aborts.delete(abort);
    o.signal.removeEventListener("abort", onClient);
  };
  const started = performance.now();
  try {
    const r = await t.pool!.request({
      method,
      path: o.path,
      headers: o.headers,
      body: hasBody ? Readable.from(clientBody(req, o.signal), { objectMode: false }) : undefined,
      signal: ac.signal,
      reset: o.reset,
    });
    const targetSeconds = (performance.now() - started) / 1000;
    const out: Record<string, string | string[]> = {};
    const named = connectionNamedFields(r.headers["connection"], ALB_HOP_BY_HOP);
    for (const k in r.headers) {
      const v = r.headers[k];
      if (v !== undefined && !ALB_HOP_BY_HOP.has(k) && !named?.has(k)) out[k] = v;
    }
    for (const [k, v] of Object.entries(decorate(r.headers as IncomingMessage["headers"]))) {
      const prev = out[k];
      out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(v) ? v : [v])];
    }
    res.writeHead(r.statusCode, out);
    // One listener per event (core/http/pump-body.ts); a failed body destroys the response there.
    pumpBody(r.body, res, release);
    return { status: r.statusCode, targetStatus: r.statusCode, targetSeconds };
  } catch (e) {
    release();
    // The client ended it (closed, reset the stream, idled out): nothing to answer, nothing to count.
    if (o.signal.aborted) return { status: o.signal.reason instanceof ClientAbort ? o.signal.reason.status : 460, clientGone: true };
    if (e instanceof ClientAbort || (res.destroyed && !res.writableFinished)) return { status: e instanceof ClientAbort ? e.status : 460, clientGone: true };
    const err = e as Error & { code?: string };
    const timeout = err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.HeadersTimeoutError;
    const status = timeout ? 504 : 502;
    onError(status);
    return { status, connectionError: err.code === "ECONNREFUSED" || err instanceof undiciErrors.ConnectTimeoutError };
  }
}
