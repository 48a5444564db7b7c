import type { IncomingMessage } from "node:http";

/** API Gateway's payload limit: 10 MB (apigateway.md §7). */
export const MAX_PAYLOAD_BYTES = 10_485_760;

/** The request body, or "too-large" as soon as it (or its announced Content-Length) passes 10 MB; the rest is discarded. */
export function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  const announced = Number(req.headers["content-length"] ?? 0);
  if (announced > MAX_PAYLOAD_BYTES) {
    req.resume();
    return Promise.resolve("too-large");
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_PAYLOAD_BYTES) {
        req.off("data", onData);
        req.resume();
        resolve("too-large");
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("client aborted the request")));
  });
}
