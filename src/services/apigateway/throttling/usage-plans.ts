import type { Clock } from "../../../core/clock.js";
import { TokenBucket, type ThrottleLimits } from "./token-bucket.js";

/**
 * Usage plans at request time (apigateway.md §8): a key's grant on one API stage carries its
 * plan's throttle (per key; a per-method override from `ApiStages[].Throttle`) and quota. Buckets
 * and quota counters live per revision on the stack clock. Quota periods are calendar periods in
 * UTC: DAY from midnight, WEEK from Monday midnight (Choice: AWS does not say which day), MONTH
 * from the 1st; the first period's limit is `Limit − Offset`.
 */
export interface ApiKeyGrant {
  keyId: string;
  keyName: string;
  value: string;
  planId: string;
  throttle: ThrottleLimits | undefined;
  /** `/<resource path>/<METHOD>` → limits. */
  methodThrottle: ReadonlyMap<string, ThrottleLimits>;
  quota: { limit: number; offset: number; period: "DAY" | "WEEK" | "MONTH" } | undefined;
}

export type UsageVerdict = "ok" | "throttled" | "quota-exceeded";

export function periodStart(ms: number, period: "DAY" | "WEEK" | "MONTH"): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === "DAY") return day;
  if (period === "MONTH") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
}

export class UsagePlans {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #quotas = new Map<string, { start: number; used: number; first: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Throttle first (a throttled request uses no quota), then the quota. */
  admit(g: ApiKeyGrant, method: string): UsageVerdict {
    const limits = g.methodThrottle.get(method) ?? g.throttle;
    if (limits) {
      const key = `${g.planId}|${g.keyId}|${g.methodThrottle.has(method) ? method : "*"}`;
      let b = this.#buckets.get(key);
      if (!b) this.#buckets.set(key, (b = new TokenBucket(limits, this.#clock)));
      if (!b.tryTake()) return "throttled";
    }
    if (!g.quota) return "ok";
    const now = this.#clock.now();
    const start = periodStart(now, g.quota.period);
    const qk = `${g.planId}|${g.keyId}`;
    let q = this.#quotas.get(qk);
    if (!q) this.#quotas.set(qk, (q = { start, used: 0, first: start }));
    if (q.start !== start) {
      q.start = start;
      q.used = 0;
    }
    const limit = g.quota.limit - (q.start === q.first ? g.quota.offset : 0);
    if (q.used >= limit) return "quota-exceeded";
    q.used++;
    return "ok";
  }
}
