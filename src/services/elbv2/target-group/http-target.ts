import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { parseHeaders, undiciErrors } from "../../../core/http/undici-parts.js";
import { ClientAbort, type ClientWatch } from "../listener/client-watch.js";
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
  /** Aborted when the client leaves or idles out; `reason` carries the status (460 or 408). */
  signal: ClientWatch;
  /** Close the target connection after this request (desync mitigation, alb.md §9). */
  reset: boolean;
}

/**
 * The client's body as the target receives it. It ends only when the client's request ended
 * cleanly: an upload the client abandoned must never reach the target as a complete request
 * (issue 8 §9), so a short body throws and undici aborts the target request instead of
 * finishing it (HTTP/2 streams end even when reset; HTTP/1.1 bodies can end short on close).
 */
async function* clientBody(req: IncomingMessage, signal: ClientWatch): AsyncGenerator<Buffer> {
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
export async function endedCleanly(req: IncomingMessage, received: number, declared: number, signal: ClientWatch): Promise<boolean> {
  await new Promise((r) => setImmediate(r));
  const stream = (req as unknown as { stream?: { rstCode?: number } }).stream;
  return !(signal.aborted || req.aborted || (stream?.rstCode ?? 0) !== 0 || (declared >= 0 && received !== declared));
}

/**
 * The exchange goes through undici's dispatch API with one handler object, the answer written
 * straight to the client's response: undici's request API added a handler, an AbortSignal and a
 * body stream per request, and a stream between the two sockets (issue 14: ALB → target at c=32).
 * Backpressure: a full client write pauses the target socket until the response drains.
 */
export function proxyToTarget(
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
  let abortTarget: ((err: Error) => void) | undefined;
  /** Why the exchange is to end before undici connected it (client gone, target deregistered). */
  let early: Error | undefined;
  const abort = (err: Error) => {
    if (abortTarget) abortTarget(err);
    else early ??= err;
  };
  const deregistered = () => abort(new undiciErrors.RequestAbortedError());
  const offClient = o.signal.onAbort(() => abort(o.signal.reason!));
  t.aborts.add(deregistered);
  t.inFlight++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    t.inFlight--;
    t.aborts.delete(deregistered);
    offClient();
  };
  const started = performance.now();
  return new Promise<TargetReply>((resolve) => {
    let answered = false;
    let resume: (() => void) | undefined;
    let waiting = false;
    const onDrain = () => {
      waiting = false;
      resume?.();
    };
    const failed = (e: unknown) => {
      release();
      // The client ended it (closed, reset the stream, idled out): nothing to answer, nothing to count.
      if (o.signal.aborted) return resolve({ status: o.signal.reason!.status, clientGone: true });
      if (e instanceof ClientAbort || (res.destroyed && !res.writableFinished))
        return resolve({ status: e instanceof ClientAbort ? e.status : 460, clientGone: true });
      const err = e as Error & { code?: string };
      const timeout = err instanceof undiciErrors.ConnectTimeoutError || err instanceof undiciErrors.HeadersTimeoutError;
      const status = timeout ? 504 : 502;
      onError(status);
      resolve({ status, connectionError: err.code === "ECONNREFUSED" || err instanceof undiciErrors.ConnectTimeoutError });
    };
    const handler: Dispatcher.DispatchHandler = {
      onConnect(a) {
        abortTarget = a;
        if (early) a(early);
      },
      onHeaders(status, rawHeaders, resumeTarget) {
        if (status < 200) return true; // 100 Continue and other interim answers
        resume = resumeTarget;
        const targetSeconds = (performance.now() - started) / 1000;
        try {
          const h = parseHeaders(rawHeaders as unknown as Buffer[]) as IncomingMessage["headers"];
          const out: Record<string, string | string[]> = {};
          const named = connectionNamedFields(h["connection"], ALB_HOP_BY_HOP);
          for (const k in h) {
            const v = h[k];
            if (v !== undefined && !ALB_HOP_BY_HOP.has(k) && !named?.has(k)) out[k] = v;
          }
          for (const [k, v] of Object.entries(decorate(h))) {
            const prev = out[k];
            out[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), ...(Array.isArray(v) ? v : [v])];
          }
          res.writeHead(status, out);
        } catch (e) {
          // A head Node will not write: undici's onError answers it (502), as any broken answer.
          abortTarget?.(e as Error);
          return false;
        }
        answered = true;
        resolve({ status, targetStatus: status, targetSeconds });
        return true;
      },
      onData(chunk) {
        if (res.write(chunk)) return true;
        if (!waiting) {
          waiting = true;
          res.once("drain", onDrain);
        }
        return false;
      },
      onComplete() {
        release();
        res.off("drain", onDrain);
        res.end();
      },
      onError(err) {
        if (!answered) return failed(err);
        // The answer broke mid-body (target reset, body timeout, client gone): the response goes too.
        release();
        res.off("drain", onDrain);
        res.destroy();
      },
    };
    try {
      t.pool!.dispatch(
        {
          method: method as Dispatcher.HttpMethod,
          path: o.path,
          headers: o.headers,
          body: hasBody ? Readable.from(clientBody(req, o.signal), { objectMode: false }) : undefined,
          reset: o.reset,
        },
        handler,
      );
    } catch (e) {
      failed(e);
    }
  });
}
