import type { GoneSignal } from "../../../core/http/gone-signal.js";

/** Aborts the target request when the client's side ends it; the reason carries the status to log. */
export class ClientAbort extends Error {
  constructor(readonly status: number) {
    super(status === 408 ? "client request body idle timeout" : "client closed the connection");
  }
}

/**
 * One request's client gone: it closed or reset before the response was complete (460, alb.md
 * §8.1), or its request body idled out (408, §9); the reason is the status to log.
 */
export type ClientWatch = GoneSignal<ClientAbort>;
