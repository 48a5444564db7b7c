import type { Clock } from "../../../core/clock.js";
import type { AuthorizerOutput } from "./authorizer-policy.js";

/**
 * Authorizer results by identity (apigateway.md §10.1): the key is the authorizer and its identity
 * source values (TOKEN: the token), the lifetime AuthorizerResultTtlInSeconds on the stack clock.
 * One cache per API and revision, as a redeployment flushes AWS's.
 */
const MAX_ENTRIES = 10_000;

export class AuthorizerCache<T = AuthorizerOutput> {
  readonly #entries = new Map<string, { expires: number; output: T }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get(key: string): T | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (this.#clock.now() < e.expires) return e.output;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, output: T, ttlMs: number) {
    if (ttlMs <= 0) return;
    // Bounded: the oldest entry makes room (Map keeps insertion order).
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { expires: this.#clock.now() + ttlMs, output });
  }
}
