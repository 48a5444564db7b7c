import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * What a running service gives the gateway: the hosts it answers for, a handler per host, and per
 * host how the shared gateway must treat traffic it cannot hand to the handler (parse errors, head
 * limits, protocols), so a host is answered as its own service would answer on its own listener.
 * HTTP/2 requests arrive through Node's compatibility API, which has the same surface; the gateway
 * normalises them first (`host` from `:authority`, RFC 9113 §8.3.1), so services never see a
 * protocol-version difference.
 */
export interface ConnectionInfo {
  protocol: "http" | "https";
  /** The raw TLS ClientHello record(s) of the connection (HTTPS only), for JA3/JA4 fingerprints. */
  clientHello?: Buffer;
  /** Set on origin doors: the origin DomainName this connection was opened for (never from Host). */
  origin?: string;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => void;

/** Why the gateway answers a request itself, before any handler ran. */
export type GatewayRejection =
  /** The HTTP/1.x parser could not read the request (status 400). */
  | "malformed"
  /** The request head exceeds the gateway's parser limit (status 431 unless the service says otherwise). */
  | "head-too-large"
  /** No complete request head arrived within the idle/headers timeout (status 408). */
  | "timeout"
  /** A request method the HTTP/1.1 parser cannot represent, or `CONNECT` (status 400 / 405 / 501). */
  | "method";

export interface HostPolicy {
  /**
   * The whole HTTP/1.1 response (status line, headers, CRLF, body) for a request the gateway must
   * answer itself. The connection is closed after it. Absent: a plain-text 400/431/408.
   */
  rejectRequest?(why: GatewayRejection, detail: string): string;
  /** false: HTTP/2 is not offered in ALPN for this SNI (ALB `routing.http2.enabled=false`). Default true. */
  http2?: boolean;
  /** Which gateway ports serve this host; a TLS handshake for a host without `https` fails. Default both. */
  protocols?: readonly ("http" | "https")[];
  /** Idle timeout of connections whose requests are for this host (ALB `idle_timeout.timeout_seconds`). */
  idleTimeoutMs?: number;
}

export interface RunningService {
  /** Lower-case host name (no port) → handler. */
  readonly routes: ReadonlyMap<string, HttpHandler>;
  /** Lower-case host name → how the gateway treats it; hosts absent here get the defaults. */
  readonly hostPolicies?: ReadonlyMap<string, HostPolicy>;
  /** Hosts the route table cannot list (wildcard aliases, buckets created at run time), or undefined. */
  resolveHost?(host: string): HttpHandler | undefined;
  close(): Promise<void>;
}
