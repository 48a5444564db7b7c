import type { EdgeContext } from "../../edge-context.js";

/**
 * An HTTP/2 viewer's upload is drained before its answer ends. An answer may be ready while the
 * viewer is still sending (an origin that answered without reading, a custom error page in place of
 * CloudFront's 403 to a GET with a body): if nobody reads the rest, the stream's receive window
 * stays at 0 and the client can never finish sending (RFC 9113 §5.2 flow control). So the rest is
 * read and dropped (an origin, if one still reads it, is no longer fed: `ctx.stopUpload`), and what
 * curl needs to end cleanly is kept (issue 9, end-to-end suite; write-response.ts applies it):
 * - a status < 300 does not end before the upload: curl keeps sending until it holds the whole
 *   body, then stops and waits for END_STREAM; an END_STREAM or a RST_STREAM(NO_ERROR) before its
 *   upload ended makes it fail (exit 92) or wait forever. So its last bytes and its end wait;
 * - a status ≥ 300 goes at once: curl stops sending on it (libcurl CURLOPT_KEEP_SENDING_ON_ERROR
 *   is off by default) and waits for the stream to close, so once the answer is complete the stream
 *   is closed with RST_STREAM(NO_ERROR) (RFC 9113 §8.1), as Node itself does for a stream it never read.
 * HTTP/1.1 needs none of it: Node reads and drops an unread request body after the response.
 */
export function needsUploadDrain(ctx: EdgeContext): boolean {
  const req = ctx.req;
  return req.httpVersionMajor === 2 && !req.readableEnded && ctx.hasRequestBody;
}

/** Longest a finished response waits for the rest of an upload, then ends anyway. */
const UPLOAD_DRAIN_LIMIT_MS = 30_000;

/** Drains the viewer's remaining body; resolves when it has ended (or failed, or the limit passed). */
export function drainUpload(ctx: EdgeContext): Promise<void> {
  const req = ctx.req;
  if (ctx.stopUpload) ctx.stopUpload();
  else req.resume();
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      req.off("end", done);
      req.off("close", done);
      req.off("error", done);
      resolve();
    };
    // A native timer, as for origin timeouts: a bound on a viewer that never finishes, on any clock.
    const timer = setTimeout(done, UPLOAD_DRAIN_LIMIT_MS);
    timer.unref();
    req.once("end", done);
    req.once("close", done);
    req.once("error", done);
  });
}

/** After a complete answer: RST_STREAM(NO_ERROR) for an upload still open (RFC 9113 §8.1). */
export function closeUnfinishedStream(ctx: EdgeContext): void {
  const req = ctx.req;
  if (req.readableEnded) return;
  const stream = (req as unknown as { stream?: { close(code?: number): void; closed: boolean } }).stream;
  // As Node does (callStreamClose): on the next turn, so the final DATA frame goes first.
  setImmediate(() => {
    if (stream && !stream.closed && !req.readableEnded) stream.close(NO_ERROR);
  });
}

/** NGHTTP2_NO_ERROR (RFC 9113 §7). */
const NO_ERROR = 0;
