import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryLog } from "../../src/core/log.js";
import { DiskCacheStore } from "../../src/services/cloudfront/cache/disk-store.js";
import { MemoryCacheStore, openDistributionStore } from "../../src/services/cloudfront/cache/memory-store.js";
import { runCacheStoreConformance, store } from "./cache-store.suite.js";

/** Every CacheStore tier through the one conformance suite, then what is particular to each tier. */
let files = 0;
const newFileName = () => `f${files++}`;
const tempDir = async () => join(await mkdtemp(join(tmpdir(), "ep-cache-")), "spill");
const limits = { memoryBytes: 10_000_000, maxMemoryObjectBytes: 1_000_000, diskBytes: 100_000_000, maxObjectBytes: 30e9 };

runCacheStoreConformance({ name: "memory", maxBody: 1_000_000, open: async () => new MemoryCacheStore(limits) });
runCacheStoreConformance({
  name: "disk",
  maxBody: 10_000_000,
  open: async () =>
    new DiskCacheStore({ dir: await tempDir(), diskBytes: 100_000_000, indexBytes: 1_000_000, maxObjectBytes: 30e9, log: new MemoryLog(), newFileName }),
});
runCacheStoreConformance({
  name: "memory spilling to disk",
  maxBody: 10_000_000,
  open: async () => openDistributionStore({ ...limits, maxMemoryObjectBytes: 20_000 }, await tempDir(), new MemoryLog(), newFileName),
});

describe("cache-store tiers: budgets and spill (design.md §State)", () => {
  const small = async (over: Partial<typeof limits> = {}) =>
    openDistributionStore(
      { memoryBytes: 1200, maxMemoryObjectBytes: 50, diskBytes: 1000, maxObjectBytes: 10_000, ...over },
      await tempDir(),
      new MemoryLog(),
      newFileName,
    );

  it("memory tier: evicts the least recently used object past the memory budget", async () => {
    const s = await small();
    await store(s, "/a", Buffer.alloc(40), { headers: {} });
    await store(s, "/b", Buffer.alloc(40), { headers: {} });
    s.peek("/a"); // /a is now the most recent
    await store(s, "/c", Buffer.alloc(40), { headers: {} });
    assert.ok(s.peek("/a"));
    assert.equal(s.peek("/b"), undefined);
    assert.ok(s.peek("/c"));
    assert.equal(s.usage.memoryBytes, 2 * (512 + 2 + 2 + 40));
  });

  it("memory tier: an object over the in-memory limit is spilled to a file in the state dir, removed with its entry", async () => {
    const s = await small();
    const o = await store(s, "/big", Buffer.alloc(300));
    assert.equal(o.body, undefined);
    assert.ok(o.file && existsSync(o.file));
    assert.equal(s.usage.diskBytes, 300);
    await s.delete("/big");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(o.file), false);
    await s.close();
  });

  it("memory tier: an aborted spill leaves no file and no object (cloudfront.md §10.3: aborted bodies are not cached)", async () => {
    const dir = await tempDir();
    const s = openDistributionStore(
      { memoryBytes: 1200, maxMemoryObjectBytes: 50, diskBytes: 1000, maxObjectBytes: 10_000 },
      dir,
      new MemoryLog(),
      newFileName,
    );
    const sink = s.openSink();
    sink.write(Buffer.alloc(300));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(readdirSync(dir).length, 1);
    sink.abort();
    // The unlink is asynchronous: wait for it (bounded), since a loaded machine takes longer than 20 ms.
    for (let i = 0; i < 100 && readdirSync(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(s.usage.objects, 0);
  });

  it("memory tier: an entry's key, headers and object overhead count toward the memory budget (issue 8 §9)", async () => {
    const s = await small({ memoryBytes: 10_000 });
    for (let i = 0; i < 30; i++) await store(s, `/small/${i}`, Buffer.alloc(1));
    // 30 one-byte bodies are 30 bytes, but 30 entries cost over 15 KB: the budget holds about 18.
    assert.ok(s.usage.objects < 20, `kept ${s.usage.objects}`);
    assert.ok(s.usage.memoryBytes <= 10_000);
    assert.ok(s.peek("/small/29"), "the most recent entries stay");
  });

  it("memory tier without a disk tier: a body over its object limit is not kept", async () => {
    const s = new MemoryCacheStore({ memoryBytes: 10_000, maxMemoryObjectBytes: 50, maxObjectBytes: 10_000 });
    const sink = s.openSink();
    sink.write(Buffer.alloc(60));
    await assert.rejects(sink.finish());
  });

  it("disk tier: the disk budget evicts the least recently used file", async () => {
    const s = new DiskCacheStore({ dir: await tempDir(), diskBytes: 250, indexBytes: 100_000, maxObjectBytes: 10_000, log: new MemoryLog(), newFileName });
    const a = await store(s, "/a", Buffer.alloc(100));
    await store(s, "/b", Buffer.alloc(100));
    s.peek("/a");
    await store(s, "/c", Buffer.alloc(100));
    assert.ok(s.peek("/a"));
    assert.equal(s.peek("/b"), undefined);
    assert.equal(s.usage.diskBytes, 200);
    assert.ok(existsSync(a.file!));
    await s.close();
  });
});
