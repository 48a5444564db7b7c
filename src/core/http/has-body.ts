import type { IncomingMessage } from "node:http";

/**
 * Whether a request carries a body (or is still sending one), from its framing alone:
 * - HTTP/1.x (RFC 9112 §6.3): Transfer-Encoding means a body (it overrides Content-Length);
 *   otherwise a Content-Length above 0 does; neither means none.
 * - HTTP/2 (RFC 9113 §8.1): DATA frames may come without content-length, so there a body exists
 *   unless the HEADERS frame ended the stream; a `content-length: 0` still says none.
 */
export function hasRequestBody(req: IncomingMessage): boolean {
  const h = req.headers;
  if (h["transfer-encoding"] !== undefined) return true;
  const length = h["content-length"];
  if (length !== undefined) return Number(length) > 0;
  if (req.httpVersionMajor !== 2) return false;
  const stream = (req as { stream?: { endAfterHeaders?: boolean } }).stream;
  return stream !== undefined && stream.endAfterHeaders === false;
}
