import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttp2Server } from "node:http2";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import { EdgeparityError } from "../core/errors.js";
import type { Log } from "../core/log.js";
import type { HostRouter } from "./host-router.js";

/**
 * One HTTP port and one HTTPS port (HTTP/1.1 and HTTP/2 via ALPN) for every host; the Host header
 * picks the service. Malformed requests get a 400 from here and the server stays up.
 */
export interface Listeners {
  httpPort: number;
  httpsPort: number;
  setTls(keyPem: string, certPem: string): void;
  close(): Promise<void>;
}

/** Large enough for AWS's own limits (CloudFront 20,480 B, ALB 64 KB per line) to be enforced by each service. */
const MAX_HEADER_SIZE = 65536;

export async function startListeners(opts: {
  host: string;
  httpPort: number;
  httpsPort: number;
  tls: { keyPem: string; certPem: string };
  router: HostRouter;
  log: Log;
}): Promise<Listeners> {
  const { router, log } = opts;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  const http = createServer({ maxHeaderSize: MAX_HEADER_SIZE, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => router.route(req, res, HTTP));
  http.keepAliveTimeout = 60_000;
  http.on("connection", track);
  http.on("clientError", (err, socket) => rejectMalformed(err, socket as Socket, log));

  // TLS is terminated once; ALPN then hands the socket to an HTTP/2 or an HTTP/1.1 server, so both
  // get the same limits (Node's allowHTTP1 fallback ignores maxHeaderSize).
  const h1 = createServer({ maxHeaderSize: MAX_HEADER_SIZE, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => router.route(req, res, HTTPS));
  h1.keepAliveTimeout = 60_000;
  h1.on("clientError", (err, socket) => rejectMalformed(err, socket as Socket, log));
  const h2 = createHttp2Server({ settings: { maxHeaderListSize: MAX_HEADER_SIZE } }, (req, res) =>
    router.route(req as unknown as IncomingMessage, res as unknown as ServerResponse, HTTPS),
  );
  // TLS sockets are ended before the TCP sockets under them: destroying a TCP socket while its
  // TLS socket is mid-request crashed Node 20 (SIGSEGV) on close with an upload in flight.
  const tlsSockets = new Set<Socket>();
  const secure = createTlsServer({ key: opts.tls.keyPem, cert: opts.tls.certPem, ALPNProtocols: ["h2", "http/1.1"] }, (socket) => {
    tlsSockets.add(socket);
    socket.once("close", () => tlsSockets.delete(socket));
    if (socket.alpnProtocol === "h2") h2.emit("connection", socket);
    else h1.emit("connection", socket);
  });
  secure.on("connection", track);
  secure.on("tlsClientError", () => {});

  await listen(http, opts.httpPort, opts.host, "HTTP");
  try {
    await listen(secure, opts.httpsPort, opts.host, "HTTPS");
  } catch (e) {
    await closeServer(http);
    throw e;
  }
  return {
    httpPort: (http.address() as AddressInfo).port,
    httpsPort: (secure.address() as AddressInfo).port,
    setTls(keyPem, certPem) {
      secure.setSecureContext({ key: keyPem, cert: certPem });
    },
    async close() {
      for (const s of tlsSockets) s.destroy();
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(http), closeServer(secure), closeServer(h1), closeServer(h2)]);
    },
  };
}

const HTTP = { protocol: "http" } as const;
const HTTPS = { protocol: "https" } as const;

function rejectMalformed(err: NodeJS.ErrnoException, socket: Socket, log: Log): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request";
  const body = tooLarge ? "Request header fields too large.\n" : `Malformed HTTP request: ${err.code ?? err.message}\n`;
  log.debug(`gateway: rejected a malformed request (${err.code ?? err.message})`);
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function listen(server: Server | TlsServer, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(
        new EdgeparityError(
          "LISTEN_FAILED",
          `cannot listen for ${what} on ${host}:${port}: ${e.code === "EADDRINUSE" ? "the port is in use (choose another with --http-port/--https-port, 0 = any free port)" : e.message}`,
          { cause: e },
        ),
      );
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function closeServer(s: { close(cb: (err?: Error) => void): unknown; listening?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (s.listening === false) return resolve();
    s.close(() => resolve());
  });
}
