import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryLog } from "../../../core/log.js";
import type { CachedObject } from "./cache-store.js";
import { MemoryCacheStore } from "./memory-store.js";

let n = 0;
async function store(over: Partial<ConstructorParameters<typeof MemoryCacheStore>[0]> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "ep-cache-"));
  return new MemoryCacheStore({
    spillDir: join(dir, "spill"),
    // Each entry also costs ~512 bytes + its key and headers (memory-store.ts entryOverhead).
    memoryBytes: 1200,
    maxMemoryObjectBytes: 50,
    diskBytes: 1000,
    maxObjectBytes: 10_000,
    log: new MemoryLog(),
    newFileName: () => `f${n++}`,
    ...over,
  });
}

async function put(s: MemoryCacheStore, key: string, bytes: number): Promise<CachedObject> {
  const sink = s.openSink();
  sink.write(Buffer.alloc(bytes, 97));
  const where = await sink.finish();
  const o: CachedObject = {
    key,
    path: key,
    status: 200,
    headers: {},
    storedAt: 0,
    expiresAt: 1,
    staleWhileRevalidateMs: undefined,
    staleIfErrorMs: undefined,
    etag: undefined,
    lastModified: undefined,
    hits: 0,
    ...where,
  };
  s.put(o);
  return o;
}

describe("memory-store: byte budget LRU with disk spill (design.md §State)", () => {
  it("memory-store: evicts the least recently used object past the memory budget", async () => {
    const s = await store();
    await put(s, "/a", 40);
    await put(s, "/b", 40);
    s.get("/a"); // /a is now the most recent
    await put(s, "/c", 40);
    assert.ok(s.get("/a"));
    assert.equal(s.get("/b"), undefined);
    assert.ok(s.get("/c"));
    assert.equal(s.usage.memoryBytes, 2 * (512 + 2 + 2 + 40));
  });

  it("memory-store: an object over the in-memory limit is spilled to a file in the state dir", async () => {
    const s = await store();
    const o = await put(s, "/big", 300);
    assert.equal(o.body, undefined);
    assert.ok(o.file && existsSync(o.file));
    assert.equal(readFileSync(o.file).length, 300);
    assert.equal(s.usage.diskBytes, 300);
    s.delete("/big");
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(existsSync(o.file), false);
    await s.close();
  });

  it("memory-store: an aborted spill leaves no file and no object (cloudfront.md §10.3: aborted bodies are not cached)", async () => {
    const spillDir = join(await mkdtemp(join(tmpdir(), "ep-cache-")), "spill");
    const s = await store({ spillDir });
    const sink = s.openSink();
    sink.write(Buffer.alloc(300));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(readdirSync(spillDir).length, 1);
    sink.abort();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(spillDir), []);
    assert.equal(s.usage.objects, 0);
  });

  it("memory-store: an entry's key, headers and object overhead count toward the memory budget (issue 8 §9)", async () => {
    const s = await store({ memoryBytes: 10_000 });
    for (let i = 0; i < 30; i++) await put(s, `/small/${i}`, 1);
    // 30 one-byte bodies are 30 bytes, but 30 entries cost over 15 KB: the budget holds about 18.
    assert.ok(s.usage.objects < 20, `kept ${s.usage.objects}`);
    assert.ok(s.usage.memoryBytes <= 10_000);
    assert.ok(s.get("/small/29"), "the most recent entries stay");
  });

  it("memory-store: deleteWhere removes every matching object", async () => {
    const s = await store({ memoryBytes: 10_000 });
    for (const k of ["/x/1", "/x/2", "/y"]) await put(s, k, 10);
    assert.equal(
      s.deleteWhere((o) => o.path.startsWith("/x/")),
      2,
    );
    assert.deepEqual(
      [...s.entries()].map((o) => o.key),
      ["/y"],
    );
  });
});
