/**
 * CloudWatch counters under AWS's metric names (alb.md §12), kept per load balancer and per target
 * group. `TargetResponseTime` is reported as its average in seconds, as CloudWatch's Average
 * statistic would show it; `TargetResponseTime_SampleCount` carries the sample count.
 */
export class Counters {
  #m = new Map<string, number>();
  #rtSum = 0;
  #rtCount = 0;

  add(name: string, n = 1): void {
    this.#m.set(name, (this.#m.get(name) ?? 0) + n);
  }

  addResponseTime(seconds: number): void {
    this.#rtSum += seconds;
    this.#rtCount++;
  }

  /** Adds `HTTPCode_ELB_<class>_Count` and the per-code metric where AWS has one. */
  addElbStatus(status: number): void {
    if (status >= 300 && status < 600) this.add(`HTTPCode_ELB_${Math.floor(status / 100)}XX_Count`);
    if (status === 500 || status === 502 || status === 503 || status === 504) this.add(`HTTPCode_ELB_${status}_Count`);
  }

  addTargetStatus(status: number): void {
    if (status >= 200 && status < 600) this.add(`HTTPCode_Target_${Math.floor(status / 100)}XX_Count`);
  }

  snapshot(gauges: Record<string, number> = {}): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.#m);
    if (this.#rtCount > 0) {
      out["TargetResponseTime"] = this.#rtSum / this.#rtCount;
      out["TargetResponseTime_SampleCount"] = this.#rtCount;
    }
    return { ...out, ...gauges };
  }
}
