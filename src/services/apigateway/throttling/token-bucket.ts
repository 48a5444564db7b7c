import type { Clock } from "../../../core/clock.js";

/**
 * API Gateway's throttle (apigateway.md §8): a token bucket holding up to `burst` requests,
 * refilled at `rate` per second, on the stack clock. Rate 0 with burst 0 lets nothing through.
 */
export interface ThrottleLimits {
  rate: number;
  burst: number;
}

/** The account's default per region: 10,000 requests per second, burst 5,000 (apigateway.md §8). */
export const ACCOUNT_LIMITS: ThrottleLimits = { rate: 10_000, burst: 5_000 };

export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {
    this.#tokens = limits.burst;
    this.#at = clock.now();
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  tryTake(): boolean {
    const now = this.clock.now();
    this.#tokens = Math.min(this.limits.burst, this.#tokens + ((now - this.#at) / 1000) * this.limits.rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One bucket per key (stage + method or route), created on first use with the limits given then. */
export class Throttles {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #account: TokenBucket;

  constructor(private readonly clock: Clock) {
    this.#account = new TokenBucket(ACCOUNT_LIMITS, clock);
  }

  /** Stage/method (or route) limits first, then the account's (apigateway.md §8 order). */
  admit(key: string, limits: ThrottleLimits | undefined): boolean {
    if (limits) {
      let b = this.#buckets.get(key);
      if (!b) this.#buckets.set(key, (b = new TokenBucket(limits, this.clock)));
      if (!b.tryTake()) return false;
    }
    return this.#account.tryTake();
  }
}
