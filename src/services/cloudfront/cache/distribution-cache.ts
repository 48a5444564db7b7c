import type { Clock } from "../../../core/clock.js";
import type { CacheStore } from "./cache-store.js";
import { checkInvalidationPaths, compileInvalidationPaths, type Invalidation } from "./invalidation.js";

/** What `/_edgeparity/cache` shows of a distribution's cache. */
export interface CacheView {
  distributionId: string;
  usage: CacheStore["usage"];
  objects: {
    key: string;
    path: string;
    status: number;
    ttlLeft: number;
    age: number;
    size: number;
    hits: number;
    where: "memory" | "disk";
    contentEncoding: string | string[] | null;
  }[];
}

/**
 * Where a distribution's invalidation records outlive the process (issue 11 "State": GetInvalidation
 * and ListInvalidations answer the same after a restart). `load` gives the records kept, newest
 * first; `save` keeps one more and resolves once it is durable.
 */
export interface InvalidationJournal {
  load(distributionId: string): readonly Invalidation[];
  save(distributionId: string, invalidation: Invalidation): Promise<void>;
}

/**
 * One distribution's cache: its store (which also collapses identical misses) and its
 * invalidations. Kept across revisions while the distribution exists (issue 9); with a journal,
 * the invalidation records start from the journal's and each new one is saved before it is answered.
 */
export class DistributionCache {
  readonly #invalidations: Invalidation[];

  constructor(
    readonly distributionId: string,
    readonly store: CacheStore,
    readonly clock: Clock,
    readonly newInvalidationId: () => string,
    readonly journal?: InvalidationJournal,
  ) {
    this.#invalidations = [...(journal?.load(distributionId) ?? [])];
  }

  /**
   * CreateInvalidation (cloudfront.md §12). Objects are removed before this resolves; the returned
   * copy says InProgress as AWS's CreateInvalidation answer does, and the stored record reads Completed.
   * Choice: completion is immediate (§12 timing UNCONFIRMED; "make it immediate").
   */
  async invalidate(paths: readonly string[], callerReference?: string): Promise<{ invalidation: Invalidation } | { error: string; status: number }> {
    const problem = checkInvalidationPaths(paths);
    if (problem) return { error: problem.message, status: 400 };
    const ref = callerReference ?? `edgeparity-${this.clock.now()}-${this.#invalidations.length}`;
    const same = this.#invalidations.find((i) => i.InvalidationBatch.CallerReference === ref);
    if (same) {
      const samePaths = same.InvalidationBatch.Paths.Items.join("\n") === paths.join("\n");
      if (samePaths) return { invalidation: same };
      return { error: `InvalidationBatchAlreadyExists: CallerReference '${ref}' was used for a different batch`, status: 409 };
    }
    const removed = await this.store.deleteWhere(compileInvalidationPaths(paths));
    const record: Invalidation = {
      Id: this.newInvalidationId(),
      Status: "Completed",
      CreateTime: new Date(this.clock.now()).toISOString(),
      InvalidationBatch: { Paths: { Quantity: paths.length, Items: [...paths] }, CallerReference: ref },
      ObjectsRemoved: removed,
    };
    this.#invalidations.unshift(record);
    await this.journal?.save(this.distributionId, record);
    return { invalidation: { ...record, Status: "InProgress" } };
  }

  get invalidations(): readonly Invalidation[] {
    return this.#invalidations;
  }

  /** Drops the objects stored under a cache-key recipe no behaviour of this revision uses (issue 9). */
  async retainRecipes(live: ReadonlySet<string>): Promise<number> {
    return this.store.deleteWhere((o) => !live.has(o.recipe));
  }

  /** The `/_edgeparity/cache` view: every object with its TTL left, size and hits. */
  async view(): Promise<CacheView> {
    const now = this.clock.now();
    const objects: CacheView["objects"] = [];
    for await (const { object: o, hits } of this.store.entries()) {
      objects.push({
        key: o.key.replaceAll("\u0000", " | "),
        path: o.path,
        status: o.status,
        ttlLeft: Math.round((o.expiresAt - now) / 1000),
        age: Math.floor((now - o.storedAt) / 1000),
        size: o.size,
        hits,
        where: o.file === undefined ? "memory" : "disk",
        contentEncoding: o.headers["content-encoding"] ?? null,
      });
    }
    return { distributionId: this.distributionId, usage: this.store.usage, objects };
  }
}
