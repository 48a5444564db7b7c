import { NO_DELAY } from "../core/http/no-delay.js";
import type { Server } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer } from "node:net";
import { EdgeparityError } from "../core/errors.js";
import type { Log } from "../core/log.js";
import type { ConnectionInfo } from "../core/service.js";
import type { TraceScope } from "../core/trace.js";
import type { HostRouter } from "./host-router.js";
import { closeServer, createHttpFront } from "./http-front.js";
import { createTlsFront } from "./tls-front.js";

/**
 * One HTTP port and one HTTPS port (HTTP/1.1 and HTTP/2 via ALPN) for every host; the Host header
 * picks the service, and the host's policy decides what the gateway answers on its behalf.
 */
export interface Listeners {
  httpPort: number;
  httpsPort: number;
  close(): Promise<void>;
}

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
  /** A certificate per server name, issued on demand (for hosts the fixed certificate lacks). */
  contextFor?(servername: string): Promise<SecureContext | undefined>;
}

export async function startListeners(opts: {
  host: string;
  httpPort: number;
  httpsPort: number;
  tls: TlsMaterial;
  router: HostRouter;
  log: Log;
  /** The stack's trace scope, carried by every viewer connection (core/trace.ts). */
  trace?: TraceScope;
}): Promise<Listeners> {
  const { router, log } = opts;
  const HTTP: ConnectionInfo = Object.freeze({ protocol: "http", trace: opts.trace });
  const front = createHttpFront({ dispatch: (req, res, conn) => router.route(req, res, conn), policyFor: (h) => router.policyFor(h), log });
  const tls = opts.tls;
  const context = createSecureContext({ key: tls.keyPem, cert: tls.certPem });
  const http = createNetServer(NO_DELAY, (socket) => {
    socket.on("error", () => socket.destroy());
    front.acceptHttp1(socket, HTTP);
  });
  const secure = createTlsFront({
    defaultCertificate: tls,
    contextFor(servername) {
      const host = servername?.toLowerCase();
      const policy = router.policyFor(host);
      if (policy?.protocols && !policy.protocols.includes("https")) return undefined;
      if (host && tls.contextFor) return tls.contextFor(host).then((c) => c ?? context);
      return context;
    },
    allowHttp2: (servername) => router.policyFor(servername?.toLowerCase())?.http2 !== false,
    onSecure(socket, clientHello) {
      const conn: ConnectionInfo = { protocol: "https", clientHello, trace: opts.trace };
      if (socket.alpnProtocol === "h2") front.acceptHttp2(socket, conn);
      else front.acceptHttp1(socket, conn);
    },
    log,
  });

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
    async close() {
      const closing = Promise.all([closeServer(http), closeServer(secure)]);
      await front.close();
      await closing;
    },
  };
}

export function listen(server: Server, port: number, host: string, what: string): Promise<void> {
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
