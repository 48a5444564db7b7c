import type { Clock } from "../../../core/clock.js";
import type { CacheStore } from "./cache-store.js";
import { checkInvalidationPaths, compileInvalidationPaths, type Invalidation } from "./invalidation.js";

/** One distribution's cache: its store, the misses in flight (request collapsing) and its invalidations. */
export class DistributionCache {
  /** Cache key → settles when the leading miss has stored its object or decided not to (cloudfront.md §1.1 step 10). */
  readonly inflight = new Map<string, Promise<void>>();
  readonly #invalidations: Invalidation[] = [];

  constructor(
    readonly distributionId: string,
    readonly store: CacheStore,
    readonly clock: Clock,
    readonly newInvalidationId: () => string,
  ) {}

  /**
   * CreateInvalidation (cloudfront.md §12). Objects are removed at once; the returned copy says
   * InProgress as AWS's CreateInvalidation answer does, and the stored record reads Completed.
   * Choice: completion is immediate (§12 timing UNCONFIRMED; "make it immediate").
   */
  invalidate(paths: readonly string[], callerReference?: string): { invalidation: Invalidation } | { error: string; status: number } {
    const problem = checkInvalidationPaths(paths);
    if (problem) return { error: problem.message, status: 400 };
    const ref = callerReference ?? `edgeparity-${this.clock.now()}-${this.#invalidations.length}`;
    const same = this.#invalidations.find((i) => i.InvalidationBatch.CallerReference === ref);
    if (same) {
      const samePaths = same.InvalidationBatch.Paths.Items.join("\n") === paths.join("\n");
      if (samePaths) return { invalidation: same };
      return { error: `InvalidationBatchAlreadyExists: CallerReference '${ref}' was used for a different batch`, status: 409 };
    }
    const removed = this.store.deleteWhere(compileInvalidationPaths(paths));
    const record: Invalidation = {
      Id: this.newInvalidationId(),
      Status: "Completed",
      CreateTime: new Date(this.clock.now()).toISOString(),
      InvalidationBatch: { Paths: { Quantity: paths.length, Items: [...paths] }, CallerReference: ref },
      ObjectsRemoved: removed,
    };
    this.#invalidations.unshift(record);
    return { invalidation: { ...record, Status: "InProgress" } };
  }

  get invalidations(): readonly Invalidation[] {
    return this.#invalidations;
  }

  /** The `/_edgeparity/cache` view: every object with its TTL left, size and hits. */
  view() {
    const now = this.clock.now();
    const objects = [];
    for (const o of this.store.entries()) {
      objects.push({
        key: o.key.replaceAll("\u0000", " | "),
        path: o.path,
        status: o.status,
        ttlLeft: Math.round((o.expiresAt - now) / 1000),
        age: Math.floor((now - o.storedAt) / 1000),
        size: o.size,
        hits: o.hits,
        where: o.file === undefined ? "memory" : "disk",
        contentEncoding: o.headers["content-encoding"] ?? null,
      });
    }
    return { distributionId: this.distributionId, usage: this.store.usage, objects };
  }
}
