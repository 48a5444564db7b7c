import { createServer, ServerResponse, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttp2Server, type Http2Server, type Http2ServerRequest, type Http2Session } from "node:http2";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Log } from "../core/log.js";
import type { ConnectionInfo, GatewayRejection, HostPolicy } from "../core/service.js";
import { hostName } from "./host-router.js";

/**
 * The HTTP layer shared by the gateway ports and the origin doors: one HTTP/1.1 server and one
 * HTTP/2 server that take already-accepted sockets. Steps per request: normalise (Host from
 * `:authority`, RFC 9113 §8.3.1) → dispatch inside one catch point. Whatever the parser refuses is
 * answered in the language of the host it was for (HostPolicy.rejectRequest), and no request can
 * end the process.
 */
export interface HttpFront {
  /** Serve an accepted plain or TLS socket over HTTP/1.1. */
  acceptHttp1(socket: Socket, conn: ConnectionInfo): void;
  /** Serve a TLS socket that negotiated `h2`. */
  acceptHttp2(socket: TLSSocket, conn: ConnectionInfo): void;
  close(): Promise<void>;
}

export type Dispatch = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => void;

/** Large enough for AWS's own limits (CloudFront 20,480 B, ALB 64 KB per line) to be enforced by each service. */
export const MAX_HEADER_SIZE = 65536;
/**
 * HTTP/2 counts 32 bytes of overhead per header line (RFC 9113 §6.5.2), so a head of many short
 * lines needs more room than its bytes; the services' own limits (CloudFront 20,480 B) decide.
 */
const MAX_HEADER_LIST_H2 = 256 * 1024;
/** HTTP/2 header pairs: far above what the services' byte limits allow, so those limits decide. */
const MAX_HEADER_PAIRS = 20_000;

export function createHttpFront(o: { dispatch: Dispatch; policyFor(host: string | undefined): HostPolicy | undefined; log: Log }): HttpFront {
  const { log } = o;
  const connOf = new WeakMap<Socket, ConnectionInfo>();
  const sessionConn = new WeakMap<Http2Session, ConnectionInfo>();
  let pendingH2: ConnectionInfo | undefined;

  const dispatch = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => {
    try {
      normaliseRequest(req);
      maybeApplyIdleTimeout(req, res, o.policyFor(req.headers.host === undefined ? undefined : hostName(req.headers.host)));
      o.dispatch(req, res, conn);
    } catch (err) {
      // Last resort: every service has its own catch point; this one only stops a bug from ending the process.
      log.error(`gateway: ${req.method} ${req.headers.host ?? "-"}${req.url ?? ""} failed inside edgeparity: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8", connection: "close" });
        res.end("edgeparity: internal error (logged)\n");
      } else res.destroy();
    }
  };

  const h1 = createServer({ maxHeaderSize: MAX_HEADER_SIZE, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) =>
    inTurn(res, () => dispatch(req, res, connOf.get(req.socket) ?? PLAIN)),
  );
  // Node's default of 2,000 raw entries silently drops the rest of a larger head, so the services'
  // byte limits could never see it (issue 8 §9: 5,000 small headers passed the 20,480-byte limit).
  h1.maxHeadersCount = 0;
  h1.keepAliveTimeout = 60_000;
  // Expect values other than 100-continue: Node answers 417 unless someone listens; the services
  // decide (S3 ignores them, s3.md).
  h1.on("checkExpectation", (req, res) => dispatch(req, res, connOf.get(req.socket) ?? PLAIN));
  // CONNECT is an ordinary method to CloudFront, ALB and S3 (each answers it with its own error);
  // Node hands it over as a raw socket, so give it a response object and dispatch it like any request.
  h1.on("connect", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (head.length) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once("finish", () => {
      res.detachSocket(socket);
      socket.end();
    });
    socket.once("error", () => socket.destroy());
    dispatch(req, res, connOf.get(socket) ?? PLAIN);
  });
  h1.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => rejectMalformed(err, socket, o.policyFor, log));

  const h2: Http2Server = createHttp2Server({ settings: { maxHeaderListSize: MAX_HEADER_LIST_H2 }, maxHeaderListPairs: MAX_HEADER_PAIRS }, (req, res) => {
    const conn = sessionConn.get((req as Http2ServerRequest).stream.session!) ?? PLAIN;
    dispatch(req as unknown as IncomingMessage, res as unknown as ServerResponse, conn);
  });
  h2.on("checkExpectation", (req: Http2ServerRequest, res: unknown) =>
    dispatch(req as unknown as IncomingMessage, res as ServerResponse, sessionConn.get(req.stream.session!) ?? PLAIN),
  );
  // The session is created synchronously inside emit("connection"), so the pending info is its own.
  h2.on("session", (session: Http2Session) => {
    if (pendingH2) sessionConn.set(session, pendingH2);
    session.on("error", (e) => log.debug(`gateway: HTTP/2 session error: ${e.message}`));
  });
  h2.on("sessionError", (e: Error) => log.debug(`gateway: HTTP/2 session error: ${e.message}`));
  h2.on("streamError" as never, () => {});

  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  return {
    acceptHttp1(socket, conn) {
      track(socket);
      connOf.set(socket, conn);
      h1.emit("connection", socket);
    },
    acceptHttp2(socket, conn) {
      track(socket);
      pendingH2 = conn;
      try {
        h2.emit("connection", socket);
      } finally {
        pendingH2 = undefined;
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(h1), closeServer(h2)]);
    },
  };
}

const PLAIN: ConnectionInfo = Object.freeze({ protocol: "http" });

/**
 * HTTP/1.x pipelining, served one request at a time (RFC 9112 §9.3.2): Node parses and emits a
 * pipelined request at once, so without this a second request reached the origin while the first
 * response was about to close the connection, and was then never answered (issue 8 §9: HTTP/1.0
 * keep-alive). Node gives a response its socket only when the ones before it are done, so a
 * response without a socket waits for it; one whose connection closes first never runs.
 */
function inTurn(res: ServerResponse, run: () => void): void {
  if (res.socket) return run();
  res.once("socket", run);
}

/**
 * One request shape for every service: over HTTP/2 the Host is `:authority` (RFC 9113 §8.3.1: it
 * takes precedence over a `host` field), written into both `headers` and `rawHeaders`.
 */
export function normaliseRequest(req: IncomingMessage): void {
  if (req.httpVersionMajor !== 2) return;
  const authority = req.headers[":authority"];
  if (typeof authority !== "string" || authority === "") return;
  if (req.headers.host === authority) return;
  req.headers.host = authority;
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === "host") raw.splice(i, 2);
  raw.push("host", authority);
}

/**
 * A host's own idle timeout (ALB `idle_timeout.timeout_seconds`, alb.md §9) replaces the gateway's
 * keep-alive timeout after its response. While a request runs, the service times it (a stalled
 * body, a slow target → its own 408/504), so the socket timer must not cut it first.
 */
function maybeApplyIdleTimeout(req: IncomingMessage, res: ServerResponse, policy: HostPolicy | undefined): void {
  const ms = policy?.idleTimeoutMs;
  if (ms === undefined) return;
  if (req.httpVersionMajor === 2) {
    (req as unknown as Http2ServerRequest).stream.session?.setTimeout(ms, () => (req as unknown as Http2ServerRequest).stream.session?.close());
    return;
  }
  const socket = req.socket;
  // Node re-arms its keep-alive timer when the response finishes; ours is set after it.
  res.once("finish", () => {
    if (!socket.destroyed) socket.setTimeout(ms);
  });
}

/** The Host a request the parser refused was for: its Host line if the bytes carry one, else the TLS SNI. */
export function hostOfRejected(raw: Buffer | undefined, socket: Socket): string | undefined {
  if (raw) {
    const text = raw.toString("latin1", 0, Math.min(raw.length, MAX_HEADER_SIZE * 2));
    const m = /\r?\nhost[ \t]*:[ \t]*([^\r\n]*)/i.exec(text);
    if (m?.[1]) return hostName(m[1].trim());
  }
  const sni = (socket as Partial<TLSSocket>).servername;
  return typeof sni === "string" && sni ? sni.toLowerCase() : undefined;
}

function rejectMalformed(
  err: NodeJS.ErrnoException & { rawPacket?: Buffer },
  socket: Socket,
  policyFor: (host: string | undefined) => HostPolicy | undefined,
  log: Log,
): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const why: GatewayRejection =
    err.code === "HPE_HEADER_OVERFLOW"
      ? "head-too-large"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "timeout"
        : err.code === "HPE_INVALID_METHOD"
          ? "method"
          : "malformed";
  const host = hostOfRejected(err.rawPacket, socket);
  const detail = err.code ?? err.message;
  log.debug(`gateway: answered a request the HTTP parser refused (${detail}) for host ${host ?? "-"}`);
  let response: string | undefined;
  try {
    response = policyFor(host)?.rejectRequest?.(why, detail);
  } catch (e) {
    log.error(`gateway: rejectRequest for ${host} failed: ${(e as Error).stack ?? String(e)}`);
  }
  socket.end(response ?? plainRejection(why));
}

function plainRejection(why: GatewayRejection): string {
  const [status, body] =
    why === "head-too-large"
      ? ["431 Request Header Fields Too Large", "Request header fields too large.\n"]
      : why === "timeout"
        ? ["408 Request Timeout", "Request timeout.\n"]
        : ["400 Bad Request", "Bad request.\n"];
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export function closeServer(s: Server | Http2Server | { close(cb: (err?: Error) => void): unknown; listening?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if ((s as { listening?: boolean }).listening === false) return resolve();
    s.close(() => resolve());
  });
}
