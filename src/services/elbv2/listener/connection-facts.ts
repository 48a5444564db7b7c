import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/**
 * What the access log and the forwarded headers need to know about the client connection
 * (alb.md §7.1, §11), read once when the request starts. After the response ends Node detaches
 * the socket (`req.socket` becomes null on HTTP/1.1; on HTTP/2 the stream's session may be gone),
 * so nothing may read `req.socket` later (issue 8 §1: a POST crashed the CLI's access log).
 */
export interface ConnectionFacts {
  /** Peer address, IPv4-mapped IPv6 unwrapped. */
  clientIp: string;
  clientPort: number;
  /** access-log `type` (alb.md §11): http, https or h2. */
  type: "http" | "https" | "h2";
  sslCipher: string;
  sslProtocol: string;
  /** SNI (access-log `domain_name`). */
  servername: string;
}

export function captureConnectionFacts(req: IncomingMessage, protocol: "http" | "https"): ConnectionFacts {
  const s = req.socket as TLSSocket | null | undefined;
  const a = s?.remoteAddress ?? "";
  const encrypted = s?.encrypted === true;
  return {
    clientIp: a.startsWith("::ffff:") ? a.slice(7) : a,
    clientPort: s?.remotePort ?? 0,
    type: req.httpVersionMajor >= 2 ? "h2" : protocol,
    sslCipher: encrypted ? (s.getCipher?.()?.name ?? "") : "",
    sslProtocol: encrypted ? (s.getProtocol?.() ?? "") : "",
    servername: encrypted && typeof s.servername === "string" ? s.servername : "",
  };
}
