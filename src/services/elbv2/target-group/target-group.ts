import { Pool } from "../../../core/http/undici-parts.js";
import type { Clock, TimerHandle } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import type { Log } from "../../../core/log.js";
import { Counters } from "../metrics.js";
import { TARGET_GROUP_ATTRIBUTES, attributeMap } from "../schema/attributes.js";
import type { TargetGroup } from "../schema/load-balancer.js";
import { parseHttpCodes } from "../schema/validate-load-balancers.js";
import { ProbeSchedule, probeHttp, type HealthCheckSettings, type ProbeResult } from "./health-checks.js";
import { decodeSticky } from "./stickiness.js";

/**
 * One target group's registered targets: health state machine (alb.md §4.1–4.2), routing set with
 * fail-open (§4.3), deregistration delay and slow start (§4.4), the three algorithms (§5) and the
 * stickiness lookup (§6). Every timer runs on the injected clock.
 */
export type TargetHealthState = "initial" | "healthy" | "unhealthy" | "draining" | "unused" | "unavailable";

export interface TargetHealth {
  target: string;
  state: TargetHealthState;
  reason?: string;
  description?: string;
}

export interface Target {
  /** `host:port` for URL targets, the function name for a Lambda. */
  readonly id: string;
  readonly url: string;
  state: TargetHealthState;
  reason: string | undefined;
  description: string | undefined;
  okStreak: number;
  failStreak: number;
  inFlight: number;
  /** Clock time slow start began; undefined when not ramping. */
  slowStartAt: number | undefined;
  /** Registered after the group already had targets: slow start applies on the first healthy result (§4.4). */
  slowStartOnFirstHealthy: boolean;
  /** Smooth weighted round robin accumulator. */
  current: number;
  pool: Pool | undefined;
  schedule: ProbeSchedule | undefined;
  drainTimer: TimerHandle | undefined;
  /** Cancels requests in flight when the deregistration delay ends (§4.3: they fail with 502). */
  readonly aborts: Set<() => void>;
}

export interface TargetGroupOptions {
  arn: string;
  clock: Clock;
  ids: Ids;
  log: Log;
  /** Referenced by a listener rule; otherwise targets are `unused` and never checked (§4.2). */
  inUse: boolean;
  idleTimeoutMs: number;
  /** Health probe; default an HTTP GET. A Lambda group passes its own. */
  probe?: (t: Target, s: HealthCheckSettings) => Promise<ProbeResult>;
  /** The CloudWatch counters to add to (a group modified by a revision keeps its metrics). */
  counters?: Counters;
}

export type Algorithm = "round_robin" | "least_outstanding_requests" | "weighted_random";

export interface Stickiness {
  type: "lb_cookie" | "app_cookie";
  durationMs: number;
  cookieName: string;
}

export class TargetGroupRuntime {
  readonly name: string;
  readonly arn: string;
  readonly counters: Counters;
  readonly algorithm: Algorithm;
  readonly stickiness: Stickiness | undefined;
  readonly multiValueHeaders: boolean;
  readonly healthCheck: HealthCheckSettings | undefined;
  readonly isLambda: boolean;
  #targets: Target[] = [];
  #eligible: Target[] | undefined;
  #rr = 0;
  readonly #deregistrationMs: number;
  readonly #slowStartMs: number;
  readonly #minHealthyCount: number;
  readonly #minHealthyPercent: number;
  #closed = false;

  constructor(
    readonly config: TargetGroup,
    private readonly o: TargetGroupOptions,
  ) {
    this.name = config.Name;
    this.arn = o.arn;
    this.counters = o.counters ?? new Counters();
    this.isLambda = config.TargetType === "lambda";
    const a = attributeMap(config.Attributes, TARGET_GROUP_ATTRIBUTES);
    this.algorithm = a.get("load_balancing.algorithm.type") as Algorithm;
    this.#deregistrationMs = Number(a.get("deregistration_delay.timeout_seconds")) * 1000;
    this.#slowStartMs = Number(a.get("slow_start.duration_seconds")) * 1000;
    const count = a.get("target_group_health.unhealthy_state_routing.minimum_healthy_targets.count")!;
    const pct = a.get("target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage")!;
    this.#minHealthyCount = count === "off" ? 1 : Number(count);
    this.#minHealthyPercent = pct === "off" ? 0 : Number(pct);
    this.multiValueHeaders = a.get("lambda.multi_value_headers.enabled") === "true";
    if (a.get("stickiness.enabled") === "true") {
      const app = a.get("stickiness.type") === "app_cookie";
      this.stickiness = {
        type: app ? "app_cookie" : "lb_cookie",
        durationMs: Number(a.get(app ? "stickiness.app_cookie.duration_seconds" : "stickiness.lb_cookie.duration_seconds")) * 1000,
        cookieName: a.get("stickiness.app_cookie.cookie_name") ?? "",
      };
    }
    // alb.md §4.1 defaults; Lambda groups check only when HealthCheckEnabled is true.
    const enabled = this.isLambda ? config.HealthCheckEnabled === true : true;
    if (enabled) {
      // Choice: alb.md §4.1 timeout default 5 s (UG) over the API reference's 6 s.
      this.healthCheck = {
        intervalMs: (config.HealthCheckIntervalSeconds ?? (this.isLambda ? 35 : 30)) * 1000,
        timeoutMs: (config.HealthCheckTimeoutSeconds ?? (this.isLambda ? 30 : 5)) * 1000,
        healthyThreshold: config.HealthyThresholdCount ?? 5,
        unhealthyThreshold: config.UnhealthyThresholdCount ?? (this.isLambda ? 5 : 2),
        path: config.HealthCheckPath ?? "/",
        port: config.HealthCheckPort ?? "traffic-port",
        matcher: parseHttpCodes(config.Matcher?.HttpCode ?? "200") ?? ((s) => s === 200),
      };
    }
  }

  get deregistrationDelayMs(): number {
    return this.#deregistrationMs;
  }

  /**
   * Registers a target (RegisterTargets). Those passed at start form the first batch: no slow
   * start (§4.4). `carried` is the same target in the group this one replaces (a revision that
   * modified the group): its health state and check streaks go on, and its next check comes one
   * interval from now, as ModifyTargetGroup leaves registered targets' health alone in AWS.
   */
  register(url: string, id = targetId(url), firstBatch = false, carried?: TargetHealthCarry): Target {
    const existing = this.#targets.find((t) => t.id === id && t.state !== "draining");
    if (existing) return existing;
    const t: Target = {
      id,
      url,
      state: "initial",
      reason: "Elb.RegistrationInProgress",
      description: "Target registration is in progress",
      okStreak: 0,
      failStreak: 0,
      inFlight: 0,
      slowStartAt: undefined,
      slowStartOnFirstHealthy: !firstBatch && this.#targets.some((x) => x.state !== "draining"),
      current: 0,
      pool: this.isLambda
        ? undefined
        : new Pool(url, {
            headersTimeout: this.o.idleTimeoutMs,
            bodyTimeout: this.o.idleTimeoutMs,
            // alb.md §9: 10 s connect timeout; §4: target certificates are not validated.
            connect: { timeout: 10_000, rejectUnauthorized: false },
            // alb.md §7.5: a target response header block over 32 KB is a 502.
            maxHeaderSize: 32 * 1024,
          }),
      schedule: undefined,
      drainTimer: undefined,
      aborts: new Set(),
    };
    this.#targets.push(t);
    if (!this.o.inUse) {
      t.state = "unused";
      t.reason = "Target.NotInUse";
      t.description = "Target group is not configured to receive traffic from the load balancer";
    } else if (!this.healthCheck) {
      t.state = "unavailable";
      t.reason = "Target.HealthCheckDisabled";
      t.description = "Health checks are disabled";
    } else {
      t.reason = "Elb.InitialHealthChecking";
      t.description = "Initial health checks in progress";
      const hc = this.healthCheck;
      const probe = this.o.probe ?? ((x: Target, s: HealthCheckSettings) => probeHttp(x.url, s, this.o.clock));
      t.schedule = new ProbeSchedule(this.o.clock, hc.intervalMs, () => probe(t, hc).then((r) => this.#apply(t, r)));
      const keep = carried && isCheckedState(carried.state) ? carried : undefined;
      if (keep) {
        t.state = keep.state;
        t.reason = keep.reason;
        t.description = keep.description;
        t.okStreak = keep.okStreak;
        t.failStreak = keep.failStreak;
        t.slowStartAt = this.#slowStartMs > 0 ? keep.slowStartAt : undefined;
        t.slowStartOnFirstHealthy = keep.slowStartOnFirstHealthy;
      }
      t.schedule.start(keep ? hc.intervalMs : 0);
    }
    this.#changed();
    return t;
  }

  /** DeregisterTargets (§4.4): draining now, removed after the deregistration delay; requests still in flight then fail. */
  deregister(urlOrId: string): boolean {
    const t = this.#targets.find((x) => (x.url === urlOrId || x.id === urlOrId) && x.state !== "draining");
    if (!t) return false;
    t.schedule?.stop();
    t.state = "draining";
    t.reason = "Target.DeregistrationInProgress";
    t.description = "Target deregistration is in progress";
    t.slowStartAt = undefined;
    this.#changed();
    t.drainTimer = this.o.clock.setTimeout(() => this.#remove(t), this.#deregistrationMs);
    t.drainTimer.unref?.();
    return true;
  }

  #remove(t: Target): void {
    for (const abort of t.aborts) abort();
    const i = this.#targets.indexOf(t);
    if (i !== -1) this.#targets.splice(i, 1);
    void t.pool?.destroy().catch(() => {});
    this.#changed();
  }

  #apply(t: Target, r: ProbeResult): void {
    if (this.#closed || t.state === "draining" || !this.#targets.includes(t)) return;
    const hc = this.healthCheck!;
    const before = t.state;
    if (r.ok) {
      t.okStreak++;
      t.failStreak = 0;
      // alb.md §4.1: a new target needs one passing check; an unhealthy one HealthyThresholdCount in a row.
      if (t.state === "initial" || (t.state === "unhealthy" && t.okStreak >= hc.healthyThreshold)) {
        const slow = this.#slowStartMs > 0 && (t.state === "unhealthy" || t.slowStartOnFirstHealthy);
        t.state = "healthy";
        t.reason = undefined;
        t.description = undefined;
        t.slowStartAt = slow ? this.o.clock.now() : undefined;
      }
    } else {
      t.failStreak++;
      t.okStreak = 0;
      // Choice: alb.md §4.1 — an initial target turns unhealthy after UnhealthyThresholdCount failures too.
      if ((t.state === "healthy" || t.state === "initial") && t.failStreak >= hc.unhealthyThreshold) {
        t.state = "unhealthy";
        t.slowStartAt = undefined;
      }
      if (t.state === "unhealthy") {
        t.reason = r.reason;
        t.description = r.description;
      }
    }
    if (before !== t.state) {
      this.o.log.info(`target group ${this.name}: target ${t.id} is ${t.state}${t.reason ? ` (${t.reason})` : ""}`);
      this.#changed();
    }
  }

  #changed(): void {
    this.#eligible = undefined;
  }

  /**
   * Targets of `previous` (the group this one replaces) that this revision no longer registers:
   * shown `draining` for the deregistration delay, then removed, as DeregisterTargets does (§4.4).
   * They get no new requests; their requests in flight finish on `previous`, which serves them
   * until the older revision's requests are done.
   */
  drainRemovedFrom(previous: TargetGroupRuntime): void {
    for (const old of previous.#targets) {
      if (this.#targets.some((t) => t.id === old.id)) continue;
      const t: Target = {
        ...old,
        state: "draining",
        reason: "Target.DeregistrationInProgress",
        description: "Target deregistration is in progress",
        inFlight: 0,
        slowStartAt: undefined,
        current: 0,
        pool: undefined,
        schedule: undefined,
        drainTimer: undefined,
        aborts: new Set(),
      };
      this.#targets.push(t);
      t.drainTimer = this.o.clock.setTimeout(() => this.#remove(t), this.#deregistrationMs);
      t.drainTimer.unref?.();
    }
    this.#changed();
  }

  /** The health of a registered target, for the group that replaces this one (see `register`). */
  carryOf(id: string): TargetHealthCarry | undefined {
    return this.#targets.find((t) => t.id === id && t.state !== "draining");
  }

  get hasRegisteredTargets(): boolean {
    return this.#targets.some((t) => t.state !== "draining");
  }

  /**
   * The routing set (§4.3): healthy (and health-check-disabled) targets, or — when fewer than the
   * minimum are healthy — every registered target regardless of health (fail open). Draining
   * targets never get new requests. Choice: `initial` targets count as not healthy but are used
   * when failing open, so a group whose first checks are still running is not a 503.
   */
  eligible(): readonly Target[] {
    if (this.#eligible) return this.#eligible;
    const registered = this.#targets.filter((t) => t.state !== "draining");
    const healthy = registered.filter((t) => t.state === "healthy" || t.state === "unavailable" || t.state === "unused");
    const pctOk = registered.length === 0 || (healthy.length * 100) / registered.length >= this.#minHealthyPercent;
    this.#eligible = healthy.length >= Math.min(this.#minHealthyCount, Math.max(1, registered.length)) && healthy.length > 0 && pctOk ? healthy : registered;
    return this.#eligible;
  }

  /** `2 registered: 1 healthy, 1 unhealthy (failing open: all routable)`, for the trace (§4.3). */
  describeTargets(): string {
    const registered = this.#targets.filter((t) => t.state !== "draining");
    const counts = new Map<string, number>();
    for (const t of registered) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
    const failOpen = this.eligible().length === registered.length && registered.some((t) => t.state === "unhealthy" || t.state === "initial");
    return `${registered.length} registered: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}${failOpen ? " (fewer healthy than the minimum: failing open, every target routable)" : ""}`;
  }

  /** The target a sticky cookie value names, if it is still routable and unexpired. */
  stickyTarget(raw: string | undefined): Target | undefined {
    const v = decodeSticky(raw);
    if (!v || v.group !== this.name || v.expiresAt <= this.o.clock.now()) return undefined;
    return this.eligible().find((t) => t.id === v.target);
  }

  /** Picks by the configured algorithm (§5), weighting slow-start targets linearly (§4.4). */
  pick(): Target | undefined {
    const pool = this.eligible();
    const n = pool.length;
    if (n === 0) return undefined;
    if (n === 1) return pool[0];
    const now = this.o.clock.now();
    let ramping = false;
    if (this.#slowStartMs > 0) {
      for (const t of pool) {
        if (t.slowStartAt !== undefined && now - t.slowStartAt >= this.#slowStartMs) t.slowStartAt = undefined;
        if (t.slowStartAt !== undefined) ramping = true;
      }
    }
    const weight = (t: Target) => (t.slowStartAt === undefined ? 1 : Math.max((now - t.slowStartAt) / this.#slowStartMs, 0.001));
    switch (this.algorithm) {
      case "least_outstanding_requests": {
        // Choice: alb.md §5 ties are UNCONFIRMED; they rotate, starting after the last pick.
        const start = this.#rr++ % n;
        let best = pool[start]!;
        for (let i = 1; i < n; i++) {
          const t = pool[(start + i) % n]!;
          if (t.inFlight < best.inFlight) best = t;
        }
        return best;
      }
      case "weighted_random": {
        let total = 0;
        for (const t of pool) total += weight(t);
        let r = random(this.o.ids) * total;
        for (const t of pool) {
          r -= weight(t);
          if (r < 0) return t;
        }
        return pool[n - 1];
      }
      default: {
        if (!ramping) return pool[this.#rr++ % n];
        // Smooth weighted round robin: exact proportions, deterministic under a manual clock.
        let total = 0;
        let best: Target | undefined;
        for (const t of pool) {
          const w = weight(t);
          t.current += w;
          total += w;
          if (!best || t.current > best.current) best = t;
        }
        best!.current -= total;
        return best;
      }
    }
  }

  health(): TargetHealth[] {
    return this.#targets.map((t) => ({
      target: t.id,
      state: t.state,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.description ? { description: t.description } : {}),
    }));
  }

  /** HealthyHostCount / UnHealthyHostCount gauges (§12). */
  gauges(): Record<string, number> {
    let healthy = 0;
    let unhealthy = 0;
    for (const t of this.#targets) {
      if (t.state === "healthy") healthy++;
      else if (t.state === "unhealthy") unhealthy++;
    }
    return { HealthyHostCount: healthy, UnHealthyHostCount: unhealthy };
  }

  /** Resolves once every health probe in flight has been applied (tests on the manual clock). */
  async settle(): Promise<void> {
    await Promise.all(this.#targets.map((t) => t.schedule?.settled()));
  }

  /** A newer revision replaced this group: no more health checks; requests in flight go on until `close`. */
  retire(): void {
    for (const t of this.#targets) t.schedule?.stop();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#targets) {
      t.schedule?.stop();
      if (t.drainTimer) this.o.clock.clearTimeout(t.drainTimer);
    }
    await Promise.all(this.#targets.map((t) => t.pool?.destroy().catch(() => {})));
  }
}

/** What a replacing group takes over from a target that stays registered. */
export type TargetHealthCarry = Pick<Target, "state" | "reason" | "description" | "okStreak" | "failStreak" | "slowStartAt" | "slowStartOnFirstHealthy">;

/** States a health check decided (`initial` is checked again now; `unused`/`unavailable` say nothing about the target). */
function isCheckedState(s: TargetHealthState): s is "healthy" | "unhealthy" {
  return s === "healthy" || s === "unhealthy";
}

/** `http://127.0.0.1:8080/x` → `127.0.0.1:8080` (the access log's `target:port`). */
export function targetId(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
}

/** A uniform number in [0, 1) from the injected id source (conventions §6). */
export function random(ids: Ids): number {
  return parseInt(ids.hex32().slice(0, 8), 16) / 0x1_0000_0000;
}
