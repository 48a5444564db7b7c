import type { ServerResponse } from "node:http";
import type { HttpHandler } from "./service.js";

/**
 * Counts the requests a generation of handlers is serving, so a retired generation can be closed
 * once they are done (a revision's in-flight requests finish on the plan they started on).
 */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  #settle(): void {
    if (--this.#count === 0 && this.#waiters.length) for (const w of this.#waiters.splice(0)) w();
  }

  /**
   * Counts the handler's requests until their responses close. `onClose` runs at that moment too
   * (the service's end-of-response hook, e.g. its access-log event), so a response carries one
   * listener, shared by every request: no closure and no `once` wrapper per request (issue 14).
   * A response emits 'close' once (Node guards it with `_closed`; HTTP/2 once per stream).
   */
  wrap(handler: HttpHandler, onClose?: (res: ServerResponse) => void): HttpHandler {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    function done(this: ServerResponse): void {
      try {
        onClose?.(this);
      } finally {
        self.#settle();
      }
    }
    return (req, res, conn) => {
      this.#count++;
      res.on("close", done);
      handler(req, res, conn);
    };
  }

  /** Resolves when no request is in flight, or after `limitMs` whatever is still running. */
  drained(limitMs: number): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, limitMs);
      timer.unref();
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
