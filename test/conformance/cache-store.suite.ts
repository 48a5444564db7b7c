import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ASK_GET, type CachedObject, type CacheStore } from "../../src/services/cloudfront/cache/cache-store.js";

/**
 * The one conformance suite every CacheStore tier passes (conventions.md §8; issue 9 "Cache store
 * contract"): async get/put of immutable entries, delete and deleteWhere, hit counts, request
 * collapsing behind the contract, and sinks that keep a body only when it finished.
 */
export interface TierUnderTest {
  name: string;
  /** A fresh, empty store. */
  open(): Promise<CacheStore>;
  /** Largest body the tier keeps (memory without spill stops at its object limit). */
  maxBody: number;
}

let n = 0;

export function entry(key: string, body: { body: Buffer | undefined; file: string | undefined; size: number }, over: Partial<CachedObject> = {}): CachedObject {
  return {
    key,
    path: key,
    recipe: "r1",
    status: 200,
    headers: { "content-type": "text/plain" },
    storedAt: 1000,
    expiresAt: 2000,
    staleWhileRevalidateMs: undefined,
    staleIfErrorMs: undefined,
    etag: `"e${n++}"`,
    lastModified: undefined,
    ...body,
    ...over,
  };
}

/** Streams `bytes` through the store's sink and stores the entry under `key`. */
export async function store(s: CacheStore, key: string, bytes: Buffer, over: Partial<CachedObject> = {}): Promise<CachedObject> {
  const sink = s.openSink();
  for (let i = 0; i < bytes.length; i += 16 * 1024) sink.write(bytes.subarray(i, i + 16 * 1024));
  const o = entry(key, await sink.finish(), over);
  await s.put(o);
  return o;
}

export function bodyOf(o: CachedObject): Buffer {
  return o.body ?? readFileSync(o.file!);
}

async function list(s: CacheStore): Promise<{ key: string; hits: number }[]> {
  const out: { key: string; hits: number }[] = [];
  for await (const e of s.entries()) out.push({ key: e.object.key, hits: e.hits });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export function runCacheStoreConformance(tier: TierUnderTest): void {
  describe(`cache-store conformance: ${tier.name} (design.md §State, issue 9)`, () => {
    it(`cache-store ${tier.name}: a missing key is undefined from get, and peek agrees or says ASK_GET`, async () => {
      const s = await tier.open();
      assert.equal(await s.get("/nope"), undefined);
      const p = s.peek("/nope");
      assert.ok(p === undefined || p === ASK_GET);
      await s.close();
    });

    it(`cache-store ${tier.name}: put then get returns the entry with its body; peek (when it answers) is the same entry`, async () => {
      const s = await tier.open();
      const bytes = Buffer.alloc(Math.min(tier.maxBody, 40_000), 7);
      const o = await store(s, "/a", bytes);
      const got = await s.get("/a");
      assert.ok(got);
      assert.equal(got.key, "/a");
      assert.equal(got.etag, o.etag);
      assert.equal(got.size, bytes.length);
      assert.ok(bodyOf(got).equals(bytes));
      const p = s.peek("/a");
      if (p !== ASK_GET) assert.equal(p?.etag, o.etag);
      assert.equal(s.usage.objects, 1);
      await s.close();
    });

    it(`cache-store ${tier.name}: entries are immutable once stored; a change is a put of a new entry`, async () => {
      const s = await tier.open();
      await store(s, "/i", Buffer.from("one"));
      const got = (await s.get("/i"))!;
      assert.throws(() => ((got as { expiresAt: number }).expiresAt = 9), TypeError);
      assert.throws(() => ((got.headers as Record<string, string>)["x"] = "y"), TypeError);
      await s.put({ ...got, headers: { ...got.headers, "x-v": "2" }, expiresAt: 5000 });
      const again = (await s.get("/i"))!;
      assert.equal(again.expiresAt, 5000);
      assert.equal(again.headers["x-v"], "2");
      assert.ok(bodyOf(again).equals(Buffer.from("one")), "a refresh that keeps the body keeps it readable");
      assert.equal(s.usage.objects, 1);
      await s.close();
    });

    it(`cache-store ${tier.name}: a put under an existing key replaces the entry`, async () => {
      const s = await tier.open();
      await store(s, "/r", Buffer.from("old"));
      await store(s, "/r", Buffer.from("new!"));
      const got = (await s.get("/r"))!;
      assert.equal(bodyOf(got).toString(), "new!");
      assert.equal(s.usage.objects, 1);
      await s.close();
    });

    it(`cache-store ${tier.name}: delete and deleteWhere remove entries; deleteWhere counts them (cloudfront.md §12)`, async () => {
      const s = await tier.open();
      for (const k of ["/x/1", "/x/2", "/y"]) await store(s, k, Buffer.from(k));
      await s.delete("/nope");
      assert.equal(await s.deleteWhere((o) => o.path.startsWith("/x/")), 2);
      assert.deepEqual(
        (await list(s)).map((e) => e.key),
        ["/y"],
      );
      await s.delete("/y");
      assert.equal(await s.get("/y"), undefined);
      assert.equal(s.usage.objects, 0);
      await s.close();
    });

    it(`cache-store ${tier.name}: countHit counts viewers served from an entry; a missing key is ignored`, async () => {
      const s = await tier.open();
      await store(s, "/h", Buffer.from("h"));
      s.countHit("/h");
      s.countHit("/h");
      s.countHit("/none");
      assert.deepEqual(await list(s), [{ key: "/h", hits: 2 }]);
      await s.close();
    });

    it(`cache-store ${tier.name}: request collapsing — one leader per key, followers settle on release (cloudfront.md §1.1 step 10)`, async () => {
      const s = await tier.open();
      assert.equal(s.collapse("/c", false), undefined, "nobody leads: a request that may not lead goes alone");
      const lead = s.collapse("/c", true);
      assert.ok(lead?.isLeader);
      const other = s.collapse("/other", true);
      assert.ok(other?.isLeader, "keys collapse separately");
      const follow = s.collapse("/c", true);
      const followNoLead = s.collapse("/c", false);
      assert.ok(follow && !follow.isLeader && followNoLead && !followNoLead.isLeader);
      let settled = false;
      void follow.settled.then(() => (settled = true));
      await new Promise((r) => setImmediate(r));
      assert.equal(settled, false, "followers wait for the leader");
      lead.release();
      lead.release();
      await follow.settled;
      assert.equal(settled, true);
      const next = s.collapse("/c", true);
      assert.ok(next?.isLeader, "after release the next miss leads again");
      next.release();
      other.release();
      await s.close();
    });

    it(`cache-store ${tier.name}: an aborted sink keeps nothing (cloudfront.md §10.3)`, async () => {
      const s = await tier.open();
      const sink = s.openSink();
      sink.write(Buffer.alloc(Math.min(tier.maxBody, 100_000), 1));
      sink.abort();
      assert.equal(s.usage.objects, 0);
      assert.equal(s.usage.diskBytes, 0);
      await s.close();
    });

    it(`cache-store ${tier.name}: close empties the store`, async () => {
      const s = await tier.open();
      await store(s, "/z", Buffer.from("z"));
      await s.close();
      assert.equal(s.usage.objects, 0);
    });
  });
}
