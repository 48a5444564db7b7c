import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Clock, TimerHandle } from "../../../core/clock.js";

/**
 * Health checks (alb.md §4.1): one independent probe per target every interval on the injected
 * clock, the schedule never shifted by response time. The probe itself is a real HTTP GET with
 * `User-Agent: ELB-HealthChecker/2.0`, `Host: <ip>:<port>`, a fresh connection, and the timeout on
 * the injected clock; the response body is ignored.
 */
export interface ProbeResult {
  ok: boolean;
  /** alb.md §4.2 reason code when not ok. */
  reason?: "Target.ResponseCodeMismatch" | "Target.Timeout" | "Target.FailedHealthChecks";
  description?: string;
}

export interface HealthCheckSettings {
  intervalMs: number;
  timeoutMs: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  path: string;
  /** `traffic-port` or a port number. */
  port: string;
  matcher: (status: number) => boolean;
}

export function probeHttp(targetUrl: string, s: HealthCheckSettings, clock: Clock): Promise<ProbeResult> {
  const u = new URL(targetUrl);
  const port = s.port === "traffic-port" ? u.port || (u.protocol === "https:" ? "443" : "80") : s.port;
  return new Promise((resolve) => {
    let done = false;
    let timer: TimerHandle | undefined;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      if (timer) clock.clearTimeout(timer);
      resolve(r);
    };
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)({
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port,
      path: s.path,
      method: "GET",
      agent: false,
      // alb.md §4.1: ALB does not validate target certificates.
      rejectUnauthorized: false,
      headers: { Host: `${u.hostname}:${port}`, "User-Agent": "ELB-HealthChecker/2.0", Accept: "*/*", Connection: "close" },
    });
    timer = clock.setTimeout(() => {
      req.destroy();
      finish({ ok: false, reason: "Target.Timeout", description: "Request timed out" });
    }, s.timeoutMs);
    req.on("response", (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (s.matcher(status)) finish({ ok: true });
      else finish({ ok: false, reason: "Target.ResponseCodeMismatch", description: `Health checks failed with these codes: [${status}]` });
    });
    req.on("error", () => finish({ ok: false, reason: "Target.FailedHealthChecks", description: "Health checks failed" }));
    req.end();
  });
}

/** Runs `probe` for one target now and then every interval until stopped. */
export class ProbeSchedule {
  #timer: TimerHandle | undefined;
  #stopped = false;
  #pending: Promise<void> | undefined;
  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
  ) {}

  /** Probes now, or first after `delayMs` (a target whose health carried over from a previous revision). */
  start(delayMs = 0): void {
    if (delayMs <= 0) return this.#tick();
    this.#timer = this.clock.setTimeout(() => this.#tick(), delayMs);
    this.#timer.unref?.();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = this.clock.setTimeout(() => this.#tick(), this.intervalMs);
    this.#timer.unref?.();
    const p = this.run().finally(() => {
      if (this.#pending === p) this.#pending = undefined;
    });
    this.#pending = p;
  }

  /** Resolves once the probe in flight (if any) has been applied. */
  settled(): Promise<void> {
    return this.#pending ?? Promise.resolve();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
  }
}
