import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createSecureServer } from "node:http2";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { EdgeparityError } from "../../../core/errors.js";
import { rejectionFor, rejectRequest } from "./host-policy.js";

/**
 * A listener on its own local port (alb.md §1): HTTP, or HTTPS with the local CA's certificate
 * (HTTP/2 by ALPN unless routing.http2.enabled is false). Requests the parser rejects get ALB's
 * 400 page; a client that sends nothing within the idle timeout gets 408 (alb.md §8.1, §9).
 */
export interface ListenerServer {
  port: number;
  close(): Promise<void>;
}

export async function startListenerServer(o: {
  protocol: "http" | "https";
  host: string;
  port: number;
  http2: boolean;
  idleTimeoutMs: number;
  tls: { keyPem: string; certPem: string };
  server: boolean;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  what: string;
  now: () => number;
}): Promise<ListenerServer> {
  let server: Server;
  // alb.md §9: a head that stalls gets 408 at the idle timeout. Node checks headersTimeout only
  // every connectionsCheckingInterval (30 s by default), so the check runs at a fraction of it.
  const opts = {
    maxHeaderSize: 65536,
    requestTimeout: 0,
    headersTimeout: o.idleTimeoutMs,
    keepAliveTimeout: o.idleTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1000, o.idleTimeoutMs / 4)),
  };
  if (o.protocol === "http") server = createServer(opts, o.handler);
  else if (o.http2) server = createSecureServer({ key: o.tls.keyPem, cert: o.tls.certPem, allowHTTP1: true }, o.handler as never) as unknown as Server;
  else server = createHttpsServer({ ...opts, key: o.tls.keyPem, cert: o.tls.certPem }, o.handler);
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    // The same answers the gateway gives for this load balancer's host (host-policy.ts).
    socket.end(rejectRequest(rejectionFor(err.code), err.code ?? err.message, o.server, o.now()));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new EdgeparityError("LISTEN_FAILED", `${o.what}: cannot listen on ${o.host}:${o.port}: ${e.code === "EADDRINUSE" ? "the port is in use" : e.message}`, {
          cause: e,
        }),
      ),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
