import assert from "node:assert/strict";
import { test } from "node:test";
import { isoTime } from "./iso-time.js";
import { batchLines } from "./line-batch.js";

test("access log: lines of one event-loop turn leave in one write, in order; flush writes at once (issue 14)", async () => {
  const writes: string[] = [];
  const batch = batchLines((c) => writes.push(c.toString()));
  batch.write("a\n");
  batch.write("b\n");
  assert.deepEqual(writes, [], "nothing is written inside the turn");
  // A burst: held one more turn in case the traffic goes on, written by the first quiet turn.
  await new Promise((r) => setImmediate(r));
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

test("access log: under sustained traffic the batch waits while each turn brings lines, then the first quiet turn writes it (issue 14)", async () => {
  const writes: string[] = [];
  const batch = batchLines((c) => writes.push(c.toString()));
  const turn = () => new Promise((r) => setImmediate(r));
  // A lone line: written at the end of its turn.
  batch.write("lone\n");
  await turn();
  assert.deepEqual(writes, ["lone\n"]);
  // One line per turn (a sequential client): each is written at the end of its turn.
  batch.write("seq1\n");
  await turn();
  batch.write("seq2\n");
  await turn();
  assert.deepEqual(writes, ["lone\n", "seq1\n", "seq2\n"]);
  writes.splice(1);
  // Lines in turn after turn: held while they keep coming (at most 16 turns)…
  for (let i = 0; i < 5; i++) {
    batch.write(`t${i}a\n`);
    batch.write(`t${i}b\n`);
    await turn();
  }
  assert.deepEqual(writes, ["lone\n"], "held while every turn brings lines");
  // …and written, all in order, by the first turn that brings none.
  await turn();
  await turn();
  assert.deepEqual(writes, ["lone\n", "t0a\nt0b\nt1a\nt1b\nt2a\nt2b\nt3a\nt3b\nt4a\nt4b\n"]);
  // Never held for more than 16 turns, however long the traffic lasts.
  for (let i = 0; i < 40; i++) {
    batch.write("x\n");
    await turn();
  }
  assert.ok(writes.length >= 4, `written at least every 17 turns under endless traffic (${writes.length - 2} writes for 40 turns)`);
  batch.flush();
  assert.equal(writes.slice(2).join(""), "x\n".repeat(40));
});

test("access log: the cached timestamp is toISOString of the request time (cloudfront.md §16.1 date/time fields)", () => {
  const base = Date.UTC(2026, 11, 1, 23, 59, 59);
  for (const ms of [base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 61_005, base - 86_400_000 + 7]) {
    assert.equal(isoTime(ms), new Date(ms).toISOString(), String(ms));
  }
});

test("access log: a batch is UTF-8 bytes in order, a line longer than the batch's buffer goes out alone after the lines before it (issue 14)", () => {
  const writes: Buffer[] = [];
  const batch = batchLines((c) => writes.push(c));
  batch.write("caf\u00e9 \u{1f600}\n");
  const long = `${"\u00e9".repeat(100_000)}\n`;
  batch.write(long);
  batch.write("after\n");
  batch.flush();
  assert.deepEqual(
    writes.map((w) => w.toString("utf8")),
    ["caf\u00e9 \u{1f600}\n", long, "after\n"],
  );
  assert.equal(writes[0]!.length, Buffer.byteLength("caf\u00e9 \u{1f600}\n"));
});
