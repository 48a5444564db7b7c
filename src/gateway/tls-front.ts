import { NO_DELAY } from "../core/http/no-delay.js";
import { createServer as createNetServer, Socket, type Server } from "node:net";
import { createServer as createTlsServer, type SecureContext, type Server as TlsServer, type TlsOptions, type TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import type { Log } from "../core/log.js";

/**
 * TLS terminated once for every HTTPS host. Steps per connection: read the ClientHello (kept for
 * JA3/JA4 fingerprints, cloudfront.md §7.4) → SNI picks the certificate and whether the host is
 * served over HTTPS at all → ALPN picks h2 or http/1.1 per host → the socket goes to the HTTP front.
 * TLS is not left to an `http2.createSecureServer({ allowHTTP1 })`, whose HTTP/1.1 fallback ignores
 * maxHeaderSize, so both versions get the same limits.
 */
export interface TlsFrontOptions {
  /** The certificate for a server name; undefined refuses the handshake (the host is not served over HTTPS). */
  contextFor(servername: string | undefined): SecureContext | Promise<SecureContext | undefined> | undefined;
  /** The certificate when the client sends no SNI (an IP address as the host). */
  defaultCertificate: { keyPem: string; certPem: string };
  /** Whether h2 may be chosen for this server name. */
  allowHttp2(servername: string | undefined): boolean;
  onSecure(socket: TLSSocket, clientHello: Buffer): void;
  log: Log;
}

/** How long a client may take to send its ClientHello and finish the handshake. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A ClientHello larger than this is not a browser's or curl's; refuse it. */
const MAX_CLIENT_HELLO = 64 * 1024;

export function createTlsFront(o: TlsFrontOptions): TlsFront {
  const tlsServer = createTlsServer({
    // Without SNI the SNICallback never runs and this certificate serves.
    key: o.defaultCertificate.keyPem,
    cert: o.defaultCertificate.certPem,
    SNICallback: (servername, cb) => {
      Promise.resolve()
        .then(() => o.contextFor(servername))
        .then(
          (ctx) => (ctx ? cb(null, ctx) : cb(new Error(`no HTTPS for ${servername}`))),
          (e: unknown) => cb(e as Error),
        );
    },
    ALPNCallback: ({ servername, protocols }) => {
      if (protocols.includes("h2") && o.allowHttp2(servername)) return "h2";
      return protocols.includes("http/1.1") ? "http/1.1" : undefined;
    },
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  } as TlsOptions);
  tlsServer.on("secureConnection", (tls: TLSSocket) => {
    const raw = rawSocketOf(tls);
    if (raw !== undefined && !(raw instanceof Socket)) showAddressesOf(tls, raw as Socket);
    const h = raw ? hellos.get(raw) : undefined;
    if (h) clearTimeout(h.timer);
    o.onSecure(tls, h?.hello ?? Buffer.alloc(0));
  });
  tlsServer.on("tlsClientError", (e: Error) => o.log.debug(`gateway: TLS handshake failed: ${e.message}`));
  const net = createNetServer(NO_DELAY, (socket) => acceptTls(socket, tlsServer)) as TlsFront;
  net.setDefaultCertificate = (keyPem, certPem) => tlsServer.setSecureContext({ key: keyPem, cert: certPem });
  net.acceptSocket = (socket) => acceptTls(socket as Socket, tlsServer);
  return net;
}

/**
 * A TLS socket over a JS stream has no address of its own (Node asks the file descriptor, and
 * there is none): it shows its connection's, as a TLS socket over TCP shows the TCP socket's.
 */
function showAddressesOf(tls: TLSSocket, raw: Socket): void {
  for (const key of ["remoteAddress", "remotePort", "remoteFamily", "localAddress", "localPort"] as const)
    Object.defineProperty(tls, key, { value: raw[key], configurable: true });
}

/**
 * The connection a TLS socket runs over: a TCP socket is its `_parent`; any other Duplex (an
 * in-memory connection, core/http/memory-socket.ts) is wrapped by Node in a JSStreamSocket, which
 * holds it as `stream`, on the TLS handle's `_parentWrap`.
 */
function rawSocketOf(tls: TLSSocket): object | undefined {
  const t = tls as unknown as { _parent?: Socket; _handle?: { _parentWrap?: { stream?: object } } | null };
  return t._parent ?? t._handle?._parentWrap?.stream;
}

export interface TlsFront extends Server {
  /** Replace the certificate served to clients that send no SNI. */
  setDefaultCertificate(keyPem: string, certPem: string): void;
  /** Serve a connection that did not come through the port (an in-memory one, issue 14) as if it had. */
  acceptSocket(socket: Duplex): void;
}

/** The ClientHello each raw socket sent, until its TLS socket is secure. */
const hellos = new WeakMap<object, { hello: Buffer; timer: NodeJS.Timeout }>();

function acceptTls(socket: Socket, tlsServer: TlsServer): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
  timer.unref();
  socket.on("error", () => socket.destroy());
  socket.once("close", () => clearTimeout(timer));
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    const end = clientHelloEnd(all);
    if (end === undefined && size < MAX_CLIENT_HELLO) return;
    socket.off("data", onData);
    socket.pause();
    if (end === undefined || end === -1) return void socket.destroy();
    socket.unshift(all);
    startTls(socket, all.subarray(0, end), tlsServer, timer);
  };
  socket.on("data", onData);
}

function startTls(socket: Socket, hello: Buffer, server: TlsServer, timer: NodeJS.Timeout): void {
  hellos.set(socket, { hello: Buffer.from(hello), timer });
  // tls.Server wraps the socket as if it had just connected; the unshifted bytes are read first.
  server.emit("connection", socket);
}

/**
 * Length of the handshake records that carry a complete ClientHello, undefined when more bytes are
 * needed, -1 when the bytes are not TLS.
 */
export function clientHelloEnd(buf: Buffer): number | undefined {
  if (buf.length < 1) return undefined;
  if (buf[0] !== 0x16) return -1;
  let offset = 0;
  let handshake = 0;
  let needed: number | undefined;
  while (offset + 5 <= buf.length) {
    if (buf[offset] !== 0x16) return -1;
    const len = buf.readUInt16BE(offset + 3);
    if (offset + 5 + len > buf.length) return undefined;
    handshake += len;
    if (needed === undefined && handshake >= 4) {
      const first = buf.subarray(offset + 5);
      if (first[0] !== 0x01) return -1;
      needed = 4 + first.readUIntBE(1, 3);
    }
    offset += 5 + len;
    if (needed !== undefined && handshake >= needed) return offset;
  }
  return undefined;
}
