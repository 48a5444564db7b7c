import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createSecureServer } from "node:http2";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { Duplex } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import { randomIds } from "../../src/core/ids.js";
import { MemoryLog } from "../../src/core/log.js";
import type { ConnectionInfo } from "../../src/core/service.js";
import { distributionNames } from "../../src/services/cloudfront/compile/distribution-names.js";
import { loadLocalCa } from "../../src/gateway/local-ca.js";
import { importObject } from "../../src/importers/index.js";
import { compileDistribution, startCloudFront, type CloudFrontService, type ViewerLocation } from "../../src/services/cloudfront/index.js";

/**
 * The real CloudFront service behind a minimal front of its own, for the contract the gateway
 * relies on (core/service.ts): Host resolution through `resolveHost` (wildcard aliases), the raw
 * ClientHello in `conn.clientHello`, and `hostPolicies`. HTTP on one port; HTTPS (ALPN h2 and
 * http/1.1) on another, where each connection's first bytes are kept as its ClientHello.
 */
const CLIENT_HELLO = Symbol("clientHello");

export interface CloudFrontHarness {
  service: CloudFrontService;
  domains: Record<string, string>;
  httpPort: number;
  httpsPort: number;
  caPem: string;
  log: MemoryLog;
  close(): Promise<void>;
}

export async function startCloudFrontHarness(
  config: object,
  origins: Record<string, string>,
  opts: { viewer?: Partial<ViewerLocation>; certHosts?: string[] } = {},
): Promise<CloudFrontHarness> {
  const stateDir = await mkdtemp(join(tmpdir(), "ep-cf-"));
  const { stack } = importObject(config, "(test)", process.cwd());
  const log = new MemoryLog();
  const names = Object.keys(stack.distributions).map(distributionNames);
  const plans = names.map((d) =>
    compileDistribution({
      ...d,
      config: stack.distributions[d.name]!,
      cachePolicies: stack.cachePolicies,
      originRequestPolicies: stack.originRequestPolicies,
      responseHeadersPolicies: stack.responseHeadersPolicies,
      viaHex: randomIds.hex32(),
      resolveOrigin(origin) {
        const url = new URL(origins[origin.DomainName.toLowerCase()]!);
        const ep = { connectUrl: url.origin, hostHeader: origin.DomainName.toLowerCase(), servername: url.hostname };
        return { http: ep, https: ep };
      },
    }),
  );
  const hosts = [...plans.flatMap((p) => [p.domain, ...p.aliases]), ...(opts.certHosts ?? [])];
  const ca = await loadLocalCa(stateDir, hosts);
  const service = startCloudFront(plans, {
    clock: systemClock,
    ids: randomIds,
    log,
    caPem: ca.caPem,
    httpsPort: 0,
    stateDir,
    ...(opts.viewer ? { viewer: opts.viewer } : {}),
  });
  const route = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => {
    const host = String(req.headers.host ?? req.headers[":authority"] ?? "");
    const handler = service.resolveHost(host);
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`no distribution for ${host}`);
      return;
    }
    handler(req, res, conn);
  };
  const http = createHttpServer((req, res) => route(req, res, { protocol: "http" }));
  const hellos = new WeakMap<object, Buffer>();
  const tls = createSecureServer({ key: ca.keyPem, cert: ca.certPem, allowHTTP1: true }, (req, res) => {
    // HTTP/2's req.socket is a proxy that forwards property reads to the TLS socket.
    const clientHello = (req.socket as unknown as Record<symbol, Buffer | undefined>)[CLIENT_HELLO];
    route(req as unknown as IncomingMessage, res as unknown as ServerResponse, { protocol: "https", clientHello });
  });
  // Keep the first bytes of each TLS connection (its ClientHello), then hand TLS a stream that
  // replays them: a TLS socket reads the TCP handle directly, so `unshift` would be lost.
  const front = createNetServer((socket) => {
    socket.once("data", (first: Buffer) => {
      socket.pause();
      const stream = new Duplex({
        read: () => void socket.resume(),
        write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, cb),
        final: (cb) => void socket.end(cb),
        destroy: (err, cb) => {
          socket.destroy();
          cb(err);
        },
      });
      hellos.set(stream, first);
      stream.push(first);
      socket.on("data", (d: Buffer) => {
        if (!stream.push(d)) socket.pause();
      });
      socket.on("end", () => stream.push(null));
      socket.on("close", () => stream.destroy());
      socket.on("error", () => stream.destroy());
      tls.emit("connection", stream);
    });
  });
  // Node internals, test-only: a TLS socket over a plain Duplex reaches it as _handle._parentWrap.stream.
  tls.on("secureConnection", (t: Record<symbol, unknown> & { _handle?: { _parentWrap?: { stream?: object } } }) => {
    const stream = t._handle?._parentWrap?.stream;
    t[CLIENT_HELLO] = stream ? hellos.get(stream) : undefined;
  });
  http.listen(0, "127.0.0.1");
  front.listen(0, "127.0.0.1");
  await Promise.all([new Promise((r) => http.once("listening", r)), new Promise((r) => front.once("listening", r))]);
  return {
    service,
    domains: Object.fromEntries(plans.map((p) => [p.name, p.domain])),
    httpPort: (http.address() as AddressInfo).port,
    httpsPort: (front.address() as AddressInfo).port,
    caPem: ca.caPem,
    log,
    async close() {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await new Promise((r) => front.close(r));
      tls.close();
      await service.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
