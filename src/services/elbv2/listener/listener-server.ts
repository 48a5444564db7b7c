import { NO_DELAY } from "../../../core/http/no-delay.js";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createH2Server, type Http2Server, type ServerHttp2Session } from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, Server as TlsServer, type TLSSocket } from "node:tls";
import { EdgeparityError } from "../../../core/errors.js";
import { acceptScanned, type ScannedConnection } from "./scanned-socket.js";
import { rejectionFor, rejectRequest } from "./host-policy.js";

/**
 * A listener on its own local port (alb.md §1): HTTP, or HTTPS with the local CA's certificate
 * (HTTP/2 by ALPN unless routing.http2.enabled is false). Connections are accepted here and
 * handed to Node's HTTP/1.1 server (through the custom-method scanner, scanned-socket.ts) or to
 * its HTTP/2 server. Requests the parser rejects get the same ALB pages the gateway gives for
 * this host (host-policy.ts); a head that stalls gets 408 at the idle timeout (alb.md §8.1, §9).
 */
export interface ListenerServer {
  port: number;
  /**
   * A new revision's settings for a listener that keeps its port: connections opened from now on
   * take the idle timeout, every answer the Server-header choice, TLS handshakes the certificate.
   */
  update(settings: ListenerSettings): void;
  /** Stops accepting connections (the port is released); open connections go on. */
  pause(): void;
  /** Listens again on the same port after `pause` (a revision that could not replace it). */
  resume(): Promise<void>;
  /** Closes every connection (requests still open see their client gone) and the port. */
  close(): Promise<void>;
}

/** What a revision may change on a listener that keeps its port. */
export interface ListenerSettings {
  idleTimeoutMs: number;
  tls: { keyPem: string; certPem: string };
  server: boolean;
  what: string;
}

/** alb.md §7.5: the whole request header block may be 64 KB. */
const MAX_HEAD = 65536;

export async function startListenerServer(
  options: ListenerSettings & {
    protocol: "http" | "https";
    host: string;
    port: number;
    http2: boolean;
    handler: (req: IncomingMessage, res: ServerResponse) => void;
    now: () => number;
  },
): Promise<ListenerServer> {
  // Read at use, so `update` reaches new connections and answers (issue 9: the port survives).
  const o = { ...options };
  const scanned = new Map<Socket, ScannedConnection>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // A method Node's parser cannot read arrived as POST; give the request its own back (§2.1).
    const c = scanned.get(req.socket);
    if (c) {
      const m = c.rewriter.nextMethod();
      if (m !== undefined) req.method = m;
      c.busy++;
      res.once("close", () => c.busy--);
    }
    o.handler(req, res);
  };
  // Timeouts are the connection's idle timeout (scanned-socket.ts), not Node's timers.
  const h1: HttpServer = createHttpServer({ maxHeaderSize: MAX_HEAD, requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 }, handle);
  h1.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    // The same answers the gateway gives for this load balancer's host (host-policy.ts).
    socket.end(rejectRequest(rejectionFor(err.code), err.code ?? err.message, o.server, o.now()));
  });
  let h2: Http2Server | undefined;
  const sessions = new Set<ServerHttp2Session>();
  if (o.protocol === "https" && o.http2) {
    h2 = createH2Server({}, handle as never);
    h2.on("session", (s: ServerHttp2Session) => {
      sessions.add(s);
      s.once("close", () => sessions.delete(s));
      // alb.md §9: an HTTP/2 connection with no stream open and no frames for the idle timeout
      // is closed (GOAWAY); open streams are timed by their own watch and the target's timeouts.
      let open = 0;
      s.on("stream", (st) => {
        open++;
        st.once("close", () => open--);
      });
      if (o.idleTimeoutMs > 0) s.setTimeout(o.idleTimeoutMs, () => open === 0 && s.close());
    });
  }
  const headTimeout = () => rejectRequest("timeout", "idle timeout", o.server, o.now());
  const toHttp1 = (s: Socket) => {
    acceptScanned(h1, s, scanned, { maxHead: MAX_HEAD, idleMs: o.idleTimeoutMs, onHeadTimeout: headTimeout });
  };

  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  let server: NetServer;
  if (o.protocol === "http") {
    server = createNetServer(NO_DELAY, (s) => {
      track(s);
      toHttp1(s);
    });
  } else {
    const tls = createTlsServer(
      { ...NO_DELAY, key: o.tls.keyPem, cert: o.tls.certPem, ALPNProtocols: h2 ? ["h2", "http/1.1"] : ["http/1.1"] },
      (s: TLSSocket) => {
        if (s.alpnProtocol === "h2" && h2) h2.emit("connection", s);
        else toHttp1(s);
      },
    );
    tls.on("connection", track);
    tls.on("tlsClientError", (_e, s) => s.destroy());
    server = tls;
  }
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) =>
        reject(
          new EdgeparityError("LISTEN_FAILED", `${o.what}: cannot listen on ${o.host}:${port}: ${e.code === "EADDRINUSE" ? "the port is in use" : e.message}`, {
            cause: e,
          }),
        );
      server.once("error", failed);
      server.listen(port, o.host, () => {
        server.off("error", failed);
        resolve();
      });
    });
  await listen(o.port);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    update(s) {
      if (server instanceof TlsServer && (s.tls.certPem !== o.tls.certPem || s.tls.keyPem !== o.tls.keyPem))
        server.setSecureContext({ key: s.tls.keyPem, cert: s.tls.certPem });
      Object.assign(o, s);
    },
    pause() {
      // net.Server.close releases the listening socket now; connections stay until they end.
      if (server.listening) server.close();
    },
    resume: () => (server.listening ? Promise.resolve() : listen(port)),
    close: async () => {
      // Requests cut by the close must see their client gone (460) before this resolves and the
      // target pools are destroyed: wait for each connection Node's servers see to close.
      const closed = [...scanned.keys()].map((s) => new Promise((r) => s.once("close", r)));
      for (const s of sessions) s.destroy();
      for (const s of scanned.keys()) s.destroy();
      for (const s of sockets) s.destroy();
      await Promise.all(closed);
      if (server.listening) await new Promise<void>((resolve) => server.close(() => setImmediate(resolve)));
    },
  };
}
