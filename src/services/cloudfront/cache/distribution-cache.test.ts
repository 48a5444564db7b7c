import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../../../core/clock.js";
import { DistributionCache, type InvalidationJournal } from "./distribution-cache.js";
import type { Invalidation } from "./invalidation.js";
import { MemoryCacheStore } from "./memory-store.js";

/** A journal in a Map, standing in for the API's records (api/invalidations.ts `invalidationJournal`). */
function mapJournal(): InvalidationJournal & { kept: Map<string, Invalidation[]> } {
  const kept = new Map<string, Invalidation[]>();
  return {
    kept,
    load: (id) => kept.get(id) ?? [],
    save: async (id, i) => void kept.set(id, [i, ...(kept.get(id) ?? [])]),
  };
}

const open = (journal: InvalidationJournal, ids = ["I1", "I2", "I3"]) =>
  new DistributionCache(
    "EDIST",
    new MemoryCacheStore({ memoryBytes: 1 << 20, maxMemoryObjectBytes: 1 << 16, maxObjectBytes: 1 << 20 }),
    new ManualClock(),
    () => ids.shift()!,
    journal,
  );

describe("distribution-cache: invalidation records through a journal (cloudfront.md §12, issue 11 §State)", () => {
  it("distribution-cache: each invalidation is saved before it is answered; a cache opened later starts from the journal's records", async () => {
    const journal = mapJournal();
    const first = open(journal);
    const a = await first.invalidate(["/a"], "ref-a");
    assert.ok("invalidation" in a && a.invalidation.Status === "InProgress");
    assert.deepEqual(
      journal.kept.get("EDIST")?.map((i) => [i.Id, i.Status]),
      [["I1", "Completed"]],
    );
    await first.invalidate(["/b*"], "ref-b");
    const reopened = open(journal, ["I9"]);
    assert.deepEqual(reopened.invalidations, first.invalidations);
    assert.deepEqual(
      reopened.invalidations.map((i) => i.Id),
      ["I2", "I1"],
    );
  });

  it("distribution-cache: after reopening, a repeated CallerReference returns the kept invalidation; another batch under it is refused (409)", async () => {
    const journal = mapJournal();
    await open(journal).invalidate(["/a"], "ref-a");
    const reopened = open(journal, ["I9"]);
    const again = await reopened.invalidate(["/a"], "ref-a");
    assert.ok("invalidation" in again && again.invalidation.Id === "I1");
    const other = await reopened.invalidate(["/other"], "ref-a");
    assert.ok("error" in other && other.status === 409 && other.error.startsWith("InvalidationBatchAlreadyExists"));
    assert.equal(journal.kept.get("EDIST")?.length, 1);
  });
});
