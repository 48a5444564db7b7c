import assert from "node:assert/strict";
import { test } from "node:test";
import { isoTime } from "./iso-time.js";
import { batchLines } from "./line-batch.js";

test("access log: lines of one event-loop turn leave in one write, in order; flush writes at once (issue 14)", async () => {
  const writes: string[] = [];
  const batch = batchLines((c) => writes.push(c));
  batch.write("a\n");
  batch.write("b\n");
  assert.deepEqual(writes, [], "nothing is written inside the turn");
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ["a\nb\n"]);
  batch.write("c\n");
  batch.flush();
  assert.deepEqual(writes, ["a\nb\n", "c\n"]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ["a\nb\n", "c\n"], "a flushed batch is not written twice");
  // A large burst is written before the turn ends, so memory stays bounded.
  for (let i = 0; i < 2000; i++) batch.write(`${"x".repeat(63)}\n`);
  assert.ok(writes.length > 2);
  batch.flush();
  assert.equal(writes.slice(2).join(""), `${"x".repeat(63)}\n`.repeat(2000));
});

test("access log: the cached timestamp is toISOString of the request time (cloudfront.md §16.1 date/time fields)", () => {
  const base = Date.UTC(2026, 11, 1, 23, 59, 59);
  for (const ms of [base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 61_005, base - 86_400_000 + 7]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  }
});
