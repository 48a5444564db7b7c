import type { Readable } from "node:stream";

/** Drops a body we will not send: undici bodies emit an abort error when destroyed, which must not crash us. */
export function discardBody(body: Readable | Buffer | null | undefined): void {
  if (!body || Buffer.isBuffer(body)) return;
  body.on("error", noop);
  body.destroy();
}

function noop(): void {}
