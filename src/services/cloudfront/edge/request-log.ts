import type { ServerResponse } from "node:http";
import { EDGE_REQUEST, type EdgeRequestEvent } from "../../../core/trace.js";
import type { EdgeContext } from "./edge-context.js";

/**
 * The access-log event of a viewer request (cloudfront.md §16.1), made cheap (issue 14): when
 * someone listens, the request keeps only what cannot be read later (the connection's byte count
 * and TLS facts, at its start); no listener of its own is added to the response (the service's
 * in-flight count already listens for the end of every response and calls `publishRequestLog`);
 * and the event's fields are getters over the request, computed when a subscriber formats its line
 * (the text line reads 11 of 31). Subscribers read the event during `publish` and copy what they keep.
 */
const LOGGED: unique symbol = Symbol("edgeparity cloudfront request log");
type Logged = ServerResponse & { [LOGGED]?: EdgeContext };

type TlsFacts = { getProtocol?: () => string | null; getCipher?: () => { name: string } | null };

/** At the start of a viewer request, when EDGE_REQUEST has subscribers: what its log line needs from then. */
export function beginRequestLog(ctx: EdgeContext, res: ServerResponse): void {
  const req = ctx.req;
  const h2 = (req as unknown as { stream?: { session?: { socket?: unknown } } }).stream?.session?.socket;
  const socket = (h2 ?? req.socket) as { bytesWritten?: number } & TlsFacts;
  if (h2 !== undefined) ctx.isCountingBodyBytes = true;
  else {
    // HTTP/1.x: the connection's bytes written before this response (keep-alive carries earlier ones).
    ctx.logSocket = socket;
    ctx.logBytesBefore = socket.bytesWritten ?? 0;
  }
  // Read now: after the response the socket may be detached or gone (HTTP/2, Connection: close).
  if (ctx.protocol === "https") {
    ctx.logTlsProtocol = socket.getProtocol?.() ?? "-";
    ctx.logTlsCipher = socket.getCipher?.()?.name ?? "-";
  }
  (res as Logged)[LOGGED] = ctx;
}

/** When a viewer response has closed (finished or not): its access-log event, if the request began one. */
export function publishRequestLog(res: ServerResponse): void {
  const ctx = (res as Logged)[LOGGED];
  if (ctx === undefined) return;
  EDGE_REQUEST.publish(new EdgeRequestRecord(ctx, ctx.runtime.clock.now(), performance.now() - ctx.startedAt));
}

/** EdgeRequestEvent over a finished request: times fixed at the close, every other field read when asked. */
class EdgeRequestRecord implements EdgeRequestEvent {
  readonly #ctx: EdgeContext;
  readonly #res: ServerResponse;
  readonly time: number;
  readonly ms: number;
  readonly status: number;
  /** HTTP/1.x sc-bytes: the connection's count now (the next keep-alive response adds to it). */
  readonly #bytesWritten: number;

  constructor(ctx: EdgeContext, time: number, ms: number) {
    this.#ctx = ctx;
    const res = ctx.res!;
    this.#res = res;
    this.time = time;
    this.ms = ms;
    this.status = res.writableFinished ? res.statusCode : 0;
    this.#bytesWritten = ctx.logSocket?.bytesWritten ?? 0;
  }
  get distributionId(): string {
    return this.#ctx.plan.id;
  }
  get distributionDomain(): string {
    return this.#ctx.plan.domain;
  }
  get method(): string {
    return this.#ctx.method;
  }
  get host(): string {
    return this.#ctx.host;
  }
  get path(): string {
    return this.#ctx.viewerPath;
  }
  get query(): string {
    return this.#ctx.query;
  }
  get behavior(): string {
    return this.#ctx.behavior?.pathPattern ?? "-";
  }
  get resultType(): string {
    return this.#ctx.response?.resultType ?? "Error";
  }
  get detailedResultType(): string {
    return this.#ctx.response?.detailedResultType ?? "ClientCommError";
  }
  get originId(): string {
    return this.#ctx.originId;
  }
  get requestId(): string {
    return this.#ctx.requestId;
  }
  get clientIp(): string {
    return this.#ctx.clientIp;
  }
  get clientPort(): number {
    return this.#ctx.clientPort;
  }
  get protocol(): "http" | "https" {
    return this.#ctx.protocol;
  }
  get httpVersion(): string {
    return this.#ctx.httpVersion;
  }
  /**
   * sc-bytes (cloudfront.md §16.1): on HTTP/1.x the connection's byte count since the request
   * began; on HTTP/2 this stream's counted body bytes plus its header block (the session's count
   * covers every stream).
   */
  get bytesSent(): number {
    const ctx = this.#ctx;
    const res = this.#res;
    if (ctx.isCountingBodyBytes) return (res.headersSent ? headerBytes(res) : 0) + ctx.sentBodyBytes;
    return this.#bytesWritten - ctx.logBytesBefore;
  }
  get bytesReceived(): number {
    return Number(this.#ctx.req.headers["content-length"] ?? 0);
  }
  get userAgent(): string {
    return String(this.#ctx.req.headers["user-agent"] ?? "-");
  }
  get referer(): string {
    return String(this.#ctx.req.headers.referer ?? "-");
  }
  get forwardedFor(): string {
    return String(this.#ctx.req.headers["x-forwarded-for"] ?? "-");
  }
  get contentType(): string {
    return this.#sent("content-type");
  }
  get contentLength(): string {
    return this.#sent("content-length");
  }
  /**
   * A response header as sent (cloudfront.md §16.1 sc-content-type / sc-content-len). Node keeps no
   * copy of headers given to HTTP/1.1 `writeHead`, so the edge response the pipeline wrote is the
   * fallback (the same values finalize-headers.ts writes for these two names).
   */
  #sent(name: string): string {
    const v = this.#res.getHeader(name) ?? this.#ctx.response?.headers[name];
    return v === undefined ? "-" : Array.isArray(v) ? v.join(",") : String(v);
  }
  get tlsProtocol(): string {
    return this.#ctx.logTlsProtocol;
  }
  get tlsCipher(): string {
    return this.#ctx.logTlsCipher;
  }
  get functions(): EdgeRequestEvent["functions"] {
    const runs = this.#ctx.functionRuns;
    return runs.length ? runs.map(({ logs: _logs, ...run }) => run) : undefined;
  }
}

/** An HTTP/2 response's header block, as its HTTP/1.1 text would count it (HPACK makes it smaller on the wire). */
function headerBytes(res: ServerResponse): number {
  let n = 12; // ":status: 200" and its separator
  for (const [k, v] of Object.entries(res.getHeaders())) for (const one of Array.isArray(v) ? v : [v]) n += k.length + String(one).length + 4;
  return n;
}
