import type { ServerResponse } from "node:http";
import { PassThrough, type Readable } from "node:stream";

/**
 * The viewer's request body on its way to the origin, through a stream of our own so forwarding
 * can stop. An origin may answer before it read the upload (a 413, a redirect, an early 200): once
 * its response is complete or the viewer's response has ended, the rest of the viewer's body is
 * read and dropped (99-respond/end-after-upload.ts says why an HTTP/2 viewer needs that). Stopping
 * destroys the stream undici reads, so undici finishes that origin request by closing its
 * connection instead of returning a half-written one to the pool.
 */
export interface ForwardedUpload {
  body: Readable;
  /** Stop forwarding and drain the viewer's remaining body; idempotent. */
  stop(): void;
}

/** `req` is the viewer's request, or the body an edge function read or replaced (EdgeContext.requestBody). */
export function forwardUpload(req: Readable, res: ServerResponse | undefined): ForwardedUpload {
  const body = new PassThrough();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    res?.removeListener("finish", stop);
    if (req.readableEnded) return;
    req.unpipe(body);
    body.destroy();
    // Read and drop the rest, so the viewer's window reopens and its upload completes.
    req.resume();
  };
  // A viewer body that breaks must not reach the origin as a shorter, complete upload.
  req.once("error", (e) => body.destroy(e));
  req.pipe(body);
  res?.once("finish", stop);
  return { body, stop };
}
