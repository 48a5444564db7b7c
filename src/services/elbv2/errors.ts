import type { ServerResponse } from "node:http";

/** ALB's own responses (alb.md §8.2): nginx-style HTML with CRLF line ends and `Server: awselb/2.0`. */
const REASONS: Record<number, string> = {
  301: "Moved Permanently",
  302: "Found",
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  408: "Request Time-out",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  // Choice: alb.md §8.2 — no reason phrase is observed for 463/464; the template carries the code alone.
  463: "",
  464: "",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
  505: "HTTP Version Not Supported",
};

const BODIES = new Map<number, Buffer>();

/** The error page for a status, built once per status (alb.md §8.2: 502 → 122 bytes, 503 → 162). */
export function albErrorBody(status: number): Buffer {
  let b = BODIES.get(status);
  if (!b) {
    const title = `${status} ${REASONS[status] ?? ""}`.trimEnd();
    b = Buffer.from(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`);
    BODIES.set(status, b);
  }
  return b;
}

/**
 * The reason phrase of ALB's status line. Choice: ALB's own codes 460/463/464 have no known phrase
 * (alb.md §8.2 UNCONFIRMED); RFC 9110 §15 has a client read an unknown code as the x00 of its
 * class, so the status line carries that class's phrase instead of Node's `unknown`.
 */
export function reasonPhrase(status: number): string {
  return REASONS[status] || REASONS[Math.floor(status / 100) * 100] || (status >= 500 ? "Internal Server Error" : "Bad Request");
}

/**
 * A whole HTTP/1.1 ALB error response as raw text, for answers written straight to a socket
 * (parser errors, head limits, timeouts) on the listener's own port and on the shared gateway.
 * The connection is closed after it.
 */
export function albRawResponse(status: number, o: { server: boolean; now: number }): string {
  const body = albErrorBody(status);
  return `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${o.server ? "Server: awselb/2.0\r\n" : ""}Date: ${new Date(o.now).toUTCString()}\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString("latin1")}`;
}

export interface AlbResponseOptions {
  /** Listener attribute routing.http.response.server.enabled (alb.md §7.6). Default true. */
  server?: boolean;
  /** Extra headers: stickiness cookies, Location, listener response headers. */
  headers?: Record<string, string | string[]>;
}

/** Writes an ALB-generated page; when the response already started, the connection is cut instead. */
export function sendAlbError(res: ServerResponse, status: number, o: AlbResponseOptions = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = albErrorBody(status);
  const headers: Record<string, string | string[] | number> = { ...o.headers, "content-type": "text/html", "content-length": body.length };
  if (o.server !== false) headers["server"] = "awselb/2.0";
  if (res.req.httpVersionMajor < 2) res.writeHead(status, reasonPhrase(status), headers);
  else res.writeHead(status, headers);
  res.end(res.req.method === "HEAD" ? undefined : body);
}
