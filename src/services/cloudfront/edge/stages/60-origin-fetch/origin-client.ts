import type { Socket } from "node:net";
import { Readable } from "node:stream";
import type * as Undici from "undici";
import type { Dispatcher } from "undici";
import type { GoneSignal } from "../../../../../core/http/gone-signal.js";
import type { MemorySocket } from "../../../../../core/http/memory-socket.js";
import { buildConnector, parseHeaders, Pool, undiciErrors } from "../../../../../core/http/undici-parts.js";
import type { OriginEndpoint, OriginPlan } from "../../../compile/plan.js";

/**
 * One keep-alive pool per (origin, scheme), made once at start (never per request). Applies the
 * origin's ConnectionTimeout, OriginReadTimeout and OriginKeepaliveTimeout (cloudfront.md §10.2–10.3)
 * with native timers, so each lasts what is configured: undici's own timers tick every ~0.5 s and
 * made every attempt up to half a second longer.
 */

export interface OriginRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Readable | null;
  /** GET/HEAD may be retried after a read timeout; other methods are not (cloudfront.md §10.3). */
  idempotent: boolean;
}

export interface OriginReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  /** Called once the origin's whole response has arrived (read or not): it needs no more of the upload. */
  onComplete?: () => void;
}

/**
 * connect: refused / reset / TLS failure (502); blocked: no answer to the SYN within
 * ConnectionTimeout, a firewall or a full backlog (504, DG "HTTP 504 status code (Gateway
 * Timeout)", cloudfront.md §9.5); timeout: OriginReadTimeout (504); invalid: a broken response (502).
 */
export type OriginFailure = "connect" | "blocked" | "timeout" | "invalid";

export class OriginFetchError extends Error {
  constructor(
    readonly kind: OriginFailure,
    options: { cause: unknown },
  ) {
    super(`origin ${kind} failure`, options);
  }
}

/** OriginReadTimeout passed: no response byte (or no request body byte) for that long. */
class OriginReadTimeoutError extends Error {
  constructor(ms: number) {
    super(`no data from the origin for ${ms} ms (OriginReadTimeout)`);
  }
}

export class OriginClient {
  readonly #pool: Pool;

  constructor(
    readonly origin: OriginPlan,
    readonly endpoint: OriginEndpoint,
    ca: string | undefined,
  ) {
    this.#pool = new Pool(endpoint.connectUrl, {
      connect:
        endpoint.connectInMemory === undefined
          ? connectWithTls(origin, endpoint, ca)
          : endpoint.connectUrl.startsWith("https:")
            ? connectWithTls(origin, endpoint, ca, endpoint.connectInMemory)
            : connectInMemory(endpoint.connectInMemory),
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: origin.keepAliveMs,
      keepAliveMaxTimeout: origin.keepAliveMs,
    });
  }

  async request(r: OriginRequest, signal?: GoneSignal<Error>): Promise<OriginReply> {
    const attempts = this.origin.connectionAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#dispatch(r, signal);
      } catch (cause) {
        const kind = classify(cause);
        // Connect failures are retried up to ConnectionAttempts; read timeouts only for GET/HEAD.
        const retry = attempt < attempts && (kind === "connect" || kind === "blocked" || (kind === "timeout" && r.idempotent)) && r.body === null;
        if (!retry || signal?.aborted) throw new OriginFetchError(kind, { cause });
      }
    }
  }

  /**
   * One attempt. The read timer starts when the request is written to a connected socket, restarts
   * on every request-body chunk sent and every response chunk received, and aborts the exchange when
   * it fires (cloudfront.md §10.3: "applies to first byte and gaps between packets").
   */
  #dispatch(r: OriginRequest, signal: GoneSignal<Error> | undefined): Promise<OriginReply> {
    const readMs = this.origin.readTimeoutMs;
    return new Promise<OriginReply>((resolve, reject) => {
      let abort: ((err: Error) => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      let body: Readable | undefined;
      let finished = false;
      // One timer per attempt, restarted in place (`refresh`): a new one per chunk cost a timer
      // object and two list operations each (issue 14).
      const arm = () => {
        if (timer === undefined) timer = setTimeout(() => abort?.(new OriginReadTimeoutError(readMs)), readMs);
        else timer.refresh();
      };
      const stop = () => {
        finished = true;
        clearTimeout(timer);
        offSignal?.();
      };
      const onSignal = () => abort?.(signal!.reason ?? new Error("aborted"));
      const offSignal = signal?.onAbort(onSignal);
      let resume: (() => void) | undefined;
      let reply: OriginReply | undefined;
      const handler: Dispatcher.DispatchHandler = {
        onConnect(a) {
          abort = a;
          if (signal?.aborted) return a(new Error("aborted"));
          arm();
        },
        onBodySent() {
          if (!finished) arm();
        },
        onHeaders(status, rawHeaders, res) {
          if (status < 200) return true; // 100 Continue and other interim answers
          arm();
          resume = res;
          const headers = parseHeaders(rawHeaders as unknown as Buffer[]) as Record<string, string | string[] | undefined>;
          body = new Readable({
            read: () => resume?.(),
            destroy: (err, cb) => {
              // The consumer went away (viewer abort): the origin request goes with it (cloudfront.md §10.3).
              if (!finished) {
                stop();
                abort?.(err ?? new Error("response body destroyed"));
              }
              cb(err);
            },
          });
          reply = { status, headers, body };
          resolve(reply);
          return true;
        },
        onData(chunk) {
          arm();
          return body!.push(chunk);
        },
        onComplete() {
          stop();
          body?.push(null);
          reply?.onComplete?.();
        },
        onError(err) {
          const wasFinished = finished;
          stop();
          if (body === undefined) reject(err);
          else if (!wasFinished) body.destroy(err);
        },
      };
      this.#pool.dispatch(
        { method: r.method as Dispatcher.HttpMethod, path: r.path, headers: r.headers, body: r.body ?? undefined, origin: this.endpoint.connectUrl },
        handler,
      );
    });
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/**
 * A TCP (or TLS) connection per attempt, given up after the origin's ConnectionTimeout: undici's
 * connect timeout is switched off; ours is a plain setTimeout per attempt. With `inMemory`, TLS
 * runs over an in-memory connection to an origin door of this process (undici's `httpSocket`).
 */
function connectWithTls(origin: OriginPlan, endpoint: OriginEndpoint, ca: string | undefined, inMemory?: () => MemorySocket): Undici.buildConnector.connector {
  const connectMs = origin.connectionTimeoutMs;
  const base = buildConnector({ timeout: 0, servername: endpoint.servername, ...(ca ? { ca } : {}) });
  return (opts, cb) => {
    if (inMemory) {
      try {
        opts = { ...opts, httpSocket: inMemory() as unknown as Socket };
      } catch (e) {
        return queueMicrotask(() => cb(e as Error, null));
      }
    }
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket.destroy();
      cb(new undiciErrors.ConnectTimeoutError(`connect to ${endpoint.connectUrl} timed out after ${connectMs} ms (ConnectionTimeout)`), null);
    }, connectMs);
    // undici's connector returns the socket it opens (its typings say void).
    const socket = (base as unknown as (o: typeof opts, c: Parameters<typeof base>[1]) => { destroy(): void })(opts, (err, s) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (err) cb(err, null);
      else cb(null, s!);
    });
    return socket as never;
  };
}

/**
 * A connection to an origin door of this process without the loopback hop (issue 14). It is
 * there at once or refused (a door that closed): no SYN to lose, so ConnectionTimeout never runs
 * out. Answered in a microtask, as undici expects a connector to answer after it returns.
 */
function connectInMemory(open: () => MemorySocket): Undici.buildConnector.connector {
  return (_opts, cb) => {
    let socket: MemorySocket;
    try {
      socket = open();
    } catch (e) {
      return queueMicrotask(() => cb(e as Error, null));
    }
    queueMicrotask(() => cb(null, socket as unknown as Socket));
  };
}

function classify(e: unknown): OriginFailure {
  if (e instanceof OriginReadTimeoutError) return "timeout";
  if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) return "timeout";
  if (e instanceof undiciErrors.ConnectTimeoutError) return "blocked";
  const code = (e as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EHOSTUNREACH" || code === "ENOTFOUND" || code === "EPIPE") return "connect";
  if (e instanceof undiciErrors.SocketError) return "connect";
  if (
    code?.startsWith("ERR_TLS") ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "CERT_HAS_EXPIRED" ||
    code === "ERR_TLS_CERT_ALTNAME_INVALID"
  )
    return "connect";
  return "invalid";
}
