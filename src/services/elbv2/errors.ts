import type { ServerResponse } from "node:http";

/** ALB's own error pages (alb.md §8.2): nginx-style HTML with CRLF line ends and `Server: awselb/2.0`. */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  408: "Request Time-out",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  463: "",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
  505: "HTTP Version Not Supported",
};

export function albErrorBody(status: number): Buffer {
  const title = `${status} ${REASONS[status] ?? ""}`.trimEnd();
  return Buffer.from(`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`);
}

export function sendAlbError(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = albErrorBody(status);
  const reason = REASONS[status];
  const headers = { server: "awselb/2.0", "content-type": "text/html", "content-length": body.length };
  if (reason && res.req.httpVersionMajor < 2) res.writeHead(status, reason, headers);
  else res.writeHead(status, headers);
  res.end(body);
}
