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

export function reasonPhrase(status: number): string | undefined {
  return REASONS[status];
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
  const reason = REASONS[status];
  if (reason && res.req.httpVersionMajor < 2) res.writeHead(status, reason, headers);
  else res.writeHead(status, headers);
  res.end(res.req.method === "HEAD" ? undefined : body);
}
