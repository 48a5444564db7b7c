import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Clock } from "../../../core/clock.js";
import { hasRequestBody } from "../../../core/http/has-body.js";

/**
 * The idle timeout while a request body is still arriving (alb.md §9, issue 8 §9): ALB closes a
 * connection on which no data was sent or received for `idle_timeout.timeout_seconds`, and a
 * client that stalls mid-request gets 408. Activity is the connection's byte counters, so a
 * body that keeps trickling never times out and nothing is added to the body stream itself
 * (which the target request consumes). One timer per request, re-armed only when it fires.
 * Once the body is complete the target's side owns the clock (a silent target is a 504).
 */
export function watchRequestIdle(req: IncomingMessage, socket: Socket | null, idleMs: number, clock: Clock, onIdle: () => void): void {
  if (!socket || idleMs <= 0 || !hasRequestBody(req) || isBodyDone(req)) return;
  let seen = activity(socket);
  const check = () => {
    if (isBodyDone(req)) return;
    const now = activity(socket);
    if (now !== seen) {
      seen = now;
      clock.setTimeout(check, idleMs).unref?.();
      return;
    }
    onIdle();
  };
  clock.setTimeout(check, idleMs).unref?.();
}

function activity(s: Socket): number {
  try {
    return (s.bytesRead ?? 0) + (s.bytesWritten ?? 0);
  } catch {
    // An HTTP/2 session already gone: its stream is done too.
    return -1;
  }
}

function isBodyDone(req: IncomingMessage): boolean {
  return req.complete || req.readableEnded || req.destroyed;
}
