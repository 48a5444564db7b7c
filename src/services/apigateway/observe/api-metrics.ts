/**
 * CloudWatch metrics of one API under AWS's names (DG api-gateway-metrics-and-dimensions,
 * http-api-metrics): REST `Count`, `4XXError`, `5XXError`, `Latency`, `IntegrationLatency`; HTTP
 * APIs `Count`, `4xx`, `5xx`, `Latency`, `IntegrationLatency`, `DataProcessed` (bytes). Latencies
 * are reported as their Average in ms, with `<name>_SampleCount`, as the ALB counters do.
 */
export class ApiMetrics {
  readonly #m = new Map<string, number>();
  readonly kind: "rest" | "http";
  #latency = { sum: 0, n: 0 };
  #integration = { sum: 0, n: 0 };

  constructor(kind: "rest" | "http") {
    this.kind = kind;
  }

  record(status: number, latencyMs: number, integrationMs: number | undefined, bytes: number): void {
    this.#add("Count");
    if (status >= 400 && status < 500) this.#add(this.kind === "rest" ? "4XXError" : "4xx");
    if (status >= 500) this.#add(this.kind === "rest" ? "5XXError" : "5xx");
    if (this.kind === "http") this.#add("DataProcessed", bytes);
    this.#latency.sum += latencyMs;
    this.#latency.n++;
    if (integrationMs !== undefined) {
      this.#integration.sum += integrationMs;
      this.#integration.n++;
    }
  }

  snapshot(): Record<string, number> {
    // The error metrics exist (as 0) from the first request, as CloudWatch reports them.
    const out: Record<string, number> = { Count: 0, ...(this.kind === "rest" ? { "4XXError": 0, "5XXError": 0 } : { "4xx": 0, "5xx": 0 }) };
    for (const [k, v] of this.#m) out[k] = v;
    if (this.#latency.n) Object.assign(out, { Latency: this.#latency.sum / this.#latency.n, Latency_SampleCount: this.#latency.n });
    if (this.#integration.n)
      Object.assign(out, { IntegrationLatency: this.#integration.sum / this.#integration.n, IntegrationLatency_SampleCount: this.#integration.n });
    return out;
  }

  #add(name: string, n = 1): void {
    this.#m.set(name, (this.#m.get(name) ?? 0) + n);
  }
}
