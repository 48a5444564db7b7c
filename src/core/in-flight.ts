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

  // One listener for every request (no closure per request: this runs on the hot path).
  readonly #done = () => {
    if (--this.#count === 0 && this.#waiters.length) for (const w of this.#waiters.splice(0)) w();
  };

  wrap(handler: HttpHandler): HttpHandler {
    const done = this.#done;
    return (req, res, conn) => {
      this.#count++;
      res.once("close", done);
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
