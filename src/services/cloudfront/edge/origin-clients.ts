import type { OriginPlan } from "../compile/plan.js";
import { OriginClient } from "./stages/60-origin-fetch/origin-client.js";

/**
 * The origin connection pools of the running service, shared by its revisions (issue 9 "What
 * survives a revision"): a revision whose origin keeps its endpoint and timeouts keeps its pool
 * (and its keep-alive connections); a pool no revision uses any more is closed once the last
 * revision that used it has drained.
 */
export class OriginClients {
  readonly #pools = new Map<string, { client: OriginClient; users: number }>();

  constructor(readonly caPem: string) {}

  /** A pool for the origin and scheme; the caller gives it back with `release`. */
  acquire(origin: OriginPlan, scheme: "http" | "https"): OriginClient {
    const ep = origin[scheme];
    // Everything an OriginClient is built from or reads per request.
    const id = [
      scheme,
      ep.connectUrl,
      ep.connectInMemory ? "in memory" : "tcp",
      ep.hostHeader,
      ep.servername,
      origin.connectionTimeoutMs,
      origin.connectionAttempts,
      origin.readTimeoutMs,
      origin.keepAliveMs,
    ].join("\u0000");
    let pool = this.#pools.get(id);
    if (!pool) this.#pools.set(id, (pool = { client: new OriginClient(origin, ep, scheme === "https" ? this.caPem : undefined), users: 0 }));
    pool.users++;
    return pool.client;
  }

  async release(clients: Iterable<OriginClient>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const c of clients) {
      for (const [id, pool] of this.#pools) {
        if (pool.client !== c || --pool.users > 0) continue;
        this.#pools.delete(id);
        closing.push(c.close());
      }
    }
    await Promise.all(closing);
  }

  get size(): number {
    return this.#pools.size;
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values()].map((p) => p.client.close());
    this.#pools.clear();
    await Promise.all(all);
  }
}
