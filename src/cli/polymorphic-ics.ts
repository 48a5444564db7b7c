import { setFlagsFromString } from "node:v8";

/**
 * How many object shapes ("maps") one V8 inline cache may track before it turns megamorphic.
 * V8's default is 4 (`--max-valid-polymorphic-map-count`). One `edgeparity up` serves several
 * services, and every one of them sends its own kinds of stream object through the same Node
 * internals: the gateway's sockets, TLS sockets, HTTP/2 streams, the ALB listener's sockets
 * (a `Duplex` wrapper until 2026-12-02, listener/scanned-socket.ts), undici's origin and target sockets, fs streams for S3,
 * the access log's SyncWriteStream. `--log-ic` of a process that had served a few ALB requests
 * showed 56 property accesses on the 1 KiB hit path gone megamorphic that stay polymorphic in a
 * process that served hits only (Readable.read, addChunk, onStreamRead, Socket._read,
 * writeOrBuffer, IncomingMessage, …), with 5–13 shapes each (bench/README.md, "long-running
 * slowdown"). A megamorphic access is a stub-cache probe and a call that optimised code cannot
 * inline; a polymorphic one is a short chain of shape checks. 16 keeps those sites polymorphic.
 */
const MAX_POLYMORPHIC_MAPS = 16;

/**
 * Raises the limit, unless the operator set it on node's command line. V8 reads the flag when an
 * inline cache changes state, so setting it at start (before any request) takes effect.
 */
export function widenPolymorphicInlineCaches(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => a.startsWith("--max-valid-polymorphic-map-count") || a.startsWith("--max_valid_polymorphic_map_count"))) return false;
  setFlagsFromString(`--max-valid-polymorphic-map-count=${MAX_POLYMORPHIC_MAPS}`);
  return true;
}
