import assert from "node:assert/strict";
import { it } from "node:test";
import type { CachedObject } from "./cache-store.js";
import { LruIndex, type Slot } from "./lru-index.js";

const slot = (key: string): Slot => ({ object: { key } as CachedObject, hits: 0, memoryCost: 0 });
const order = (i: LruIndex) => [...i.values()].map((s) => s.object.key);

it("lru-index: a use makes a slot the most recent, a use of the most recent changes nothing, eviction order is least recent first (issue 14: no Map churn per hit)", () => {
  const i = new LruIndex();
  for (const k of ["a", "b", "c"]) i.set(slot(k));
  i.use("c");
  i.use("c");
  assert.deepEqual(order(i), ["a", "b", "c"]);
  i.use("a");
  assert.deepEqual(order(i), ["b", "c", "a"]);
  i.use("b");
  i.use("a");
  assert.deepEqual(order(i), ["c", "b", "a"]);
  // The most recent removed: the next use of another slot still moves it.
  i.remove("a");
  i.use("c");
  assert.deepEqual(order(i), ["b", "c"]);
  // Replaced by set: the new slot is the most recent.
  i.set(slot("b"));
  assert.deepEqual(order(i), ["c", "b"]);
  i.use("c");
  assert.deepEqual(order(i), ["b", "c"]);
  i.clear();
  i.set(slot("x"));
  i.set(slot("y"));
  i.use("x");
  assert.deepEqual(order(i), ["y", "x"]);
});
