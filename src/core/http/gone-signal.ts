/**
 * Whether the client of one request is gone (closed, reset, idled out), set once with a reason.
 * A plain object where an AbortController did the job: the data plane made one or two per
 * proxied request, and creating them plus their EventTarget listeners was ~7 % of the ALB's busy
 * time at c=32 (`--cpu-prof`, issue 14). Nothing here is a DOM event; `onAbort` listeners run in
 * the order added, once.
 */
export class GoneSignal<R> {
  reason: R | undefined;
  #listeners: (() => void)[] | undefined;

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  abort(reason: R): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    const ls = this.#listeners;
    this.#listeners = undefined;
    if (ls) for (const l of ls) l();
  }

  /** Runs `fn` once when the client goes (now, when it is gone already); returns its removal. */
  onAbort(fn: () => void): () => void {
    if (this.reason !== undefined) {
      fn();
      return () => {};
    }
    (this.#listeners ??= []).push(fn);
    return () => {
      const ls = this.#listeners;
      const i = ls ? ls.indexOf(fn) : -1;
      if (i !== -1) ls!.splice(i, 1);
    };
  }
}
