import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import type { ServerResponse } from "node:http";

/**
 * Streams an object's file into a response whose headers are already sent. A failure on the
 * response side is the client going away (nothing to report); a failure reading the file is
 * ours: the response is cut (too late for a 500) and `onReadError` reports it once.
 */
export function streamFileBody(file: Readable, res: ServerResponse, onReadError: (e: Error) => void): void {
  file.once("error", onReadError);
  pipeline(file, res, () => {});
}
