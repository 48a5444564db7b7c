import type { Collapse } from "./cache-store.js";

/** Request collapsing inside one process: a map of the misses in flight (cloudfront.md §1.1 step 10). */
export class LocalCollapser {
  readonly #inflight = new Map<string, Promise<void>>();

  collapse(key: string, mayLead: boolean): Collapse | undefined {
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return { isLeader: false, settled: pending };
    if (!mayLead) return undefined;
    let settle!: () => void;
    const promise = new Promise<void>((r) => (settle = r));
    this.#inflight.set(key, promise);
    let released = false;
    return {
      isLeader: true,
      release: () => {
        if (released) return;
        released = true;
        if (this.#inflight.get(key) === promise) this.#inflight.delete(key);
        settle();
      },
    };
  }
}
