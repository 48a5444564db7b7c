/**
 * Time enters the program only through a Clock, so TTL and expiry logic can run on a manual
 * clock in tests without sleeping (conventions §6).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  unref?(): unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface PendingTimer {
  at: number;
  fn: () => void;
  seq: number;
}

/**
 * A clock that moves only when told. Timers whose due time is reached by `advance()` fire in due
 * order. Network timeouts (origin read timeouts) stay on real time: see origin-fetch.
 */
export class ManualClock implements Clock {
  #now: number;
  #timers = new Set<PendingTimer>();
  #seq = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: PendingTimer = { at: this.#now + Math.max(0, ms), fn, seq: this.#seq++ };
    this.#timers.add(t);
    return t as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as PendingTimer);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.#timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = target;
  }
}
