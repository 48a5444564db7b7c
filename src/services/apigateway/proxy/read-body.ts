import type { IncomingMessage } from "node:http";

/** API Gateway's payload limit: 10 MB (apigateway.md §7). */
export const MAX_PAYLOAD_BYTES = 10_485_760;

/**
 * The request body, or "too-large" when it (or its announced Content-Length) passes 10 MB. The
 * rest of an oversized body is read and dropped before the answer, so the client can finish
 * sending (an HTTP/2 stream answered mid-upload is reset with ENHANCE_YOUR_CALM by Node).
 */
export function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  let tooLarge = Number(req.headers["content-length"] ?? 0) > MAX_PAYLOAD_BYTES;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > MAX_PAYLOAD_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("client aborted the request")));
  });
}
