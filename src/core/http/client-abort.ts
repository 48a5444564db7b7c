import type { IncomingMessage } from "node:http";

/**
 * True when a request failed because its client went away before the request was complete (a
 * closed connection, an HTTP/2 stream reset, a cancelled upload): that is the client's doing, to
 * be logged as a client abort, never as a failure inside edgeparity (issue 15).
 */
export function isClientAbort(req: IncomingMessage, err: unknown): boolean {
  if (req.complete) return false;
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === "ECONNRESET" || e?.code === "ERR_STREAM_PREMATURE_CLOSE" || e?.code === "ABORT_ERR" || e?.message === "aborted" || req.destroyed;
}
