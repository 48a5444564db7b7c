import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import type { Log } from "../../../core/log.js";
import {
  carryOverKeyValueStores,
  formatKeyValueStoreFile,
  KeyValueStore,
  nextKeyValueStoreStamp,
  noteOwnKeyValueStoreWrite,
  parseKeyValueStoreFile,
  watchKeyValueStore,
} from "./key-value-store.js";

/** KeyValueStore holders (cloudfront.md §13.5): what running functions read, kept current across revisions and the API's writes. */
const store = (file: string, data: Record<string, string>, stamp?: number) =>
  new KeyValueStore("s", "s", "arn:aws:cloudfront::000000000000:key-value-store/s", file, new Map(Object.entries(data)), new Date(0), stamp);
const quiet: Log = { error() {}, warn() {}, info() {}, debug() {} };

it("key-value-store: a revision read before an API write takes the newer data over; one read after it keeps its own", () => {
  const readFirst = nextKeyValueStoreStamp();
  const old = store("/f.json", { k: "old" });
  old.replaceData(new Map([["k", "written"]]), new Date(5));
  const next = store("/f.json", { k: "old" }, readFirst);
  carryOverKeyValueStores([old], [next]);
  assert.equal(next.data.get("k"), "written");
  const later = store("/f.json", { k: "newest" });
  carryOverKeyValueStores([old], [later]);
  assert.equal(later.data.get("k"), "newest");
  const other = store("/g.json", { k: "g" }, readFirst);
  carryOverKeyValueStores([old], [other]);
  assert.equal(other.data.get("k"), "g");
});

it("key-value-store: the API's file format parses back to the same data, keys in order", () => {
  const data = new Map([
    ["b", "2"],
    ["a", 'quote " and \\ and ünïcode'],
  ]);
  const text = formatKeyValueStoreFile(data);
  assert.deepEqual([...(parseKeyValueStoreFile(text) as Map<string, string>)], [...data].sort());
  assert.deepEqual([...(parseKeyValueStoreFile(formatKeyValueStoreFile(new Map())) as Map<string, string>)], []);
});

it("key-value-store: the folder watcher ignores edgeparity's own writes (an older text must not replace newer data) and reloads other edits", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ep-kvs-watch-"));
  const file = join(dir, "s.json");
  await writeFile(file, formatKeyValueStoreFile(new Map([["k", "0"]])));
  const s = store(file, { k: "0" });
  const stop = watchKeyValueStore(s, quiet, () => new Date(1));
  try {
    // What the API does: newer data in memory, an older own text still arriving on disk.
    const own = formatKeyValueStoreFile(new Map([["k", "1"]]));
    noteOwnKeyValueStoreWrite(file, own);
    s.replaceData(new Map([["k", "2"]]), new Date(2));
    await writeFile(file, own);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.data.get("k"), "2");
    await writeFile(file, formatKeyValueStoreFile(new Map([["k", "edited"]])));
    for (let i = 0; i < 50 && s.data.get("k") !== "edited"; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.data.get("k"), "edited");
  } finally {
    stop();
    await rm(dir, { recursive: true, force: true });
  }
});
