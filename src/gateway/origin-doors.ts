import { MemorySocket } from "../core/http/memory-socket.js";
import { NO_DELAY } from "../core/http/no-delay.js";
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createSecureContext } from "node:tls";
import type { Log } from "../core/log.js";
import type { ConnectionInfo } from "../core/service.js";
import type { HostRouter } from "./host-router.js";
import { closeServer, createHttpFront } from "./http-front.js";
import { listen, type TlsMaterial } from "./listeners.js";
import { createTlsFront } from "./tls-front.js";

/**
 * Where an origin that edgeparity itself serves (a bucket, a load balancer, a distribution) is
 * reached from CloudFront: a loopback port pair of its own per origin DomainName. A request that
 * arrives there goes to that origin's service whatever Host it carries — CloudFront may forward the
 * viewer's Host (AllViewer, cloudfront.md §10.5) — so an origin request can never route back into
 * the distribution: loops are impossible by construction (issue 8 §2, design.md §Services).
 */
export interface OriginDoor {
  domain: string;
  httpUrl: string;
  httpsUrl: string;
  /**
   * A connection to the HTTP door without the loopback hop (issue 14): the door's HTTP server
   * reads the other end exactly as it reads a TCP connection to `httpUrl`. Throws ECONNREFUSED once
   * the door is closed, as a connect to its port would fail.
   */
  connectHttp(): MemorySocket;
  /** The same for the HTTPS door: the TLS handshake and records then run over the in-memory connection. */
  connectHttps(): MemorySocket;
  close(): Promise<void>;
}

/**
 * The port a loopback connection's client end would get: Linux's default ephemeral range
 * (net.ipv4.ip_local_port_range 32768–60999), in turn, so each connection has a port of its own
 * (the ALB shows it with `routing.http.xff_client_port.enabled` and in its access log).
 */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_COUNT = 60999 - 32768 + 1;
let nextEphemeral = 0;

function ephemeralPort(): number {
  const port = EPHEMERAL_FIRST + nextEphemeral;
  nextEphemeral = (nextEphemeral + 1) % EPHEMERAL_COUNT;
  return port;
}

export async function openOriginDoor(o: { domain: string; router: HostRouter; tls: () => TlsMaterial; log: Log }): Promise<OriginDoor> {
  const { domain, router, log } = o;
  const front = createHttpFront({
    dispatch(req, res, conn) {
      const handler = router.handlerFor(domain);
      if (handler) return handler(req, res, conn);
      // The origin was removed from the stack while a connection to it stayed open.
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end(`edgeparity: origin ${domain} is no longer served\n`);
    },
    policyFor: () => router.policyFor(domain),
    log,
  });
  const plain: ConnectionInfo = Object.freeze({ protocol: "http", origin: domain });
  const http = createNetServer(NO_DELAY, (socket) => {
    socket.on("error", () => socket.destroy());
    front.acceptHttp1(socket, plain);
  });
  let cached: { material: TlsMaterial; context: ReturnType<typeof createSecureContext> } | undefined;
  const context = () => {
    const material = o.tls();
    if (cached?.material !== material) cached = { material, context: createSecureContext({ key: material.keyPem, cert: material.certPem }) };
    return cached.context;
  };
  const secure = createTlsFront({
    defaultCertificate: o.tls(),
    contextFor: (servername) => {
      const m = o.tls();
      return servername && m.contextFor ? m.contextFor(servername.toLowerCase()).then((c) => c ?? context()) : context();
    },
    // CloudFront speaks HTTP/1.1 to origins (cloudfront.md §11.3).
    allowHttp2: () => false,
    onSecure: (socket, clientHello) => front.acceptHttp1(socket, { protocol: "https", origin: domain, clientHello }),
    log,
  });
  await listen(http, 0, "127.0.0.1", `origin ${domain} (HTTP)`);
  await listen(secure, 0, "127.0.0.1", `origin ${domain} (HTTPS)`);
  const httpPort = (http.address() as AddressInfo).port;
  const httpsPort = (secure.address() as AddressInfo).port;
  let closed = false;
  const connect = (port: number, accept: (server: MemorySocket) => void): MemorySocket => {
    if (closed) throw Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: "ECONNREFUSED", syscall: "connect" });
    const [client, server] = MemorySocket.pair({ address: "127.0.0.1", port: ephemeralPort() }, { address: "127.0.0.1", port });
    server.on("error", () => server.destroy());
    accept(server);
    return client;
  };
  return {
    domain,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    // Node's HTTP server takes any Duplex as a connection (documented for `emit("connection")`).
    connectHttp: () => connect(httpPort, (server) => front.acceptHttp1(server as unknown as Socket, plain)),
    connectHttps: () => connect(httpsPort, (server) => secure.acceptSocket(server)),
    async close() {
      closed = true;
      const closing = Promise.all([closeServer(http as Server), closeServer(secure)]);
      await front.close();
      await closing;
    },
  };
}
