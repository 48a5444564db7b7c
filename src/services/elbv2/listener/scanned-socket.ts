import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import { MethodRewriter } from "./method-rewrite.js";

/**
 * One client connection of a listener's HTTP/1.1 server. Its bytes pass the method scanner
 * (method-rewrite.ts) on the socket itself before Node's parser reads them.
 *
 * This used to be a `Duplex` wrapped around the socket. That wrapper cost a stream hop per read
 * and per write. A bare node:http server behind the same wrapper used ×1.7 the CPU per 1 KiB
 * answer (bench/README.md, "Per-hop latency"). Now the scanner rewrites each chunk where the socket
 * pushes it to its readers, and Node's parser reads the socket through `data` events. The parser
 * cannot take the socket's handle in C++ (`consume`), because that would skip the scanner. Writes,
 * addresses, TLS facts and byte counts are the socket's own.
 *
 * The connection also owns its idle timeout (alb.md §9: no byte either way for
 * `idle_timeout.timeout_seconds`). A head that stalls is answered by `onHeadTimeout` (ALB's 408),
 * and an idle keep-alive connection is closed. While a request is being answered (`busy`), the
 * request's own watch (request-idle-timeout.ts) and the target's timeouts decide instead. Node's own
 * `timeout` handler (which destroys the socket) is removed. Its keep-alive and headers timers are
 * not used: the server sets them to 0.
 */
export interface ScannedConnection {
  readonly rewriter: MethodRewriter;
  /** Requests on this connection not yet answered. */
  busy: number;
}

/** Node 20's private fields this relies on; checked where they are used. */
interface NodeSocketInternals {
  _handle?: { _consumed?: boolean } | null;
  push(chunk: unknown, encoding?: BufferEncoding): boolean;
}

/**
 * Hands a client socket to the listener's HTTP/1.1 server with the scanner in front of its
 * readers and the idle timeout in place of Node's. The connection is in `connections` (until it
 * closes) before the server sees the socket, so its requests always find it.
 */
export function acceptScanned(
  server: HttpServer,
  socket: Socket,
  connections: Map<Socket, ScannedConnection>,
  o: { maxHead: number; idleMs: number; onHeadTimeout: () => string },
): void {
  const connection = scanRequests(socket, o.maxHead);
  connections.set(socket, connection);
  socket.once("close", () => connections.delete(socket));
  server.emit("connection", socket);
  ensureParserReadsEvents(socket);
  watchIdle(socket, connection, o.idleMs, o.onHeadTimeout);
}

/** Before the socket is given to the server: the scanner in front of its readers. */
function scanRequests(socket: Socket, maxHead: number): ScannedConnection {
  const connection: ScannedConnection = { rewriter: new MethodRewriter(maxHead), busy: 0 };
  const s = socket as unknown as NodeSocketInternals;
  // Node's HTTP server skips `consume` for a handle marked consumed. It then reads through `data`
  // events, so every chunk goes through `push` below.
  if (s._handle) s._handle._consumed = true;
  const push = s.push;
  s.push = function (this: Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!Buffer.isBuffer(chunk)) return push.call(this, chunk, encoding);
    const out = connection.rewriter.feed(chunk);
    return out.length === 0 ? true : push.call(this, out);
  };
  return connection;
}

/** After the server has taken the socket: the idle timeout replaces Node's timeout handler. */
function watchIdle(socket: Socket, connection: ScannedConnection, idleMs: number, onHeadTimeout: () => string): void {
  socket.removeAllListeners("timeout");
  if (idleMs > 0) socket.setTimeout(idleMs);
  socket.on("timeout", () => {
    if (connection.busy > 0) return;
    if (connection.rewriter.isMidHead) socket.end(onHeadTimeout());
    else socket.destroy();
  });
}

/**
 * After the server has taken the socket: makes sure that Node's parser reads it through `data`
 * events, as `scanRequests` needs. A Node whose server ignored the mark gets its parser taken off
 * the handle, which Node itself does when a `data` listener is added after it.
 */
function ensureParserReadsEvents(socket: Socket): void {
  const parser = (socket as unknown as { parser?: { _consumed?: boolean; unconsume?: () => void } | null }).parser;
  if (parser?._consumed !== true) return;
  parser.unconsume?.();
  parser._consumed = false;
}
