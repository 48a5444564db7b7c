import type { Readable, Writable } from "node:stream";

/**
 * Streams a body into a response whose head is set: backpressure (pause on a full write, resume
 * on drain), the response ended when the body ends, the response destroyed when the body fails
 * or closes early, the body destroyed when the response closes first (the viewer left). What
 * `stream.pipeline(body, res)` does for two streams, with one listener per event: pipeline adds
 * six `close` listeners to the response (two end-of-stream watchers and pipe's), so with the
 * request's own ones Node warned of a listener leak on every concurrent miss, each warning a
 * stack capture and a synchronous stderr write (issue 14). `done` runs once, however it ends.
 */
export function pumpBody(body: Readable, res: Writable, done?: () => void): void {
  const onData = (chunk: Buffer) => {
    if (!res.write(chunk)) body.pause();
  };
  const onDrain = () => body.resume();
  const onEnd = () => {
    cleanup();
    res.end();
  };
  const onBodyFailed = () => {
    cleanup();
    res.destroy();
  };
  const onBodyClose = () => {
    if (!body.readableEnded) onBodyFailed();
  };
  const onResGone = () => {
    cleanup();
    if (!body.readableEnded) body.destroy();
  };
  const cleanup = () => {
    done?.();
    done = undefined;
    body.off("data", onData);
    body.off("end", onEnd);
    body.off("error", onBodyFailed);
    body.off("close", onBodyClose);
    res.off("drain", onDrain);
    res.off("close", onResGone);
    res.off("error", onResGone);
  };
  body.on("data", onData);
  body.once("end", onEnd);
  body.once("error", onBodyFailed);
  body.once("close", onBodyClose);
  res.on("drain", onDrain);
  res.once("close", onResGone);
  res.once("error", onResGone);
}
