import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GoneSignal } from "./gone-signal.js";

// The client-gone signal of ALB requests (alb.md §8.1: 460, §9: 408) and CloudFront origin fetches
// (issue 8 §9): set once, the first reason kept, each listener run once, removals honoured.
describe("gone-signal", () => {
  it("gone-signal: keeps the first reason and runs each listener once, in order (alb.md §8.1)", () => {
    const s = new GoneSignal<number>();
    const seen: string[] = [];
    s.onAbort(() => seen.push(`a${s.reason}`));
    const off = s.onAbort(() => seen.push("removed"));
    s.onAbort(() => seen.push(`c${s.reason}`));
    off();
    assert.equal(s.aborted, false);
    s.abort(460);
    s.abort(408);
    assert.equal(s.aborted, true);
    assert.equal(s.reason, 460);
    assert.deepEqual(seen, ["a460", "c460"]);
  });

  it("gone-signal: a listener added after the client left runs at once (alb.md §9)", () => {
    const s = new GoneSignal<number>();
    s.abort(408);
    let ran = 0;
    s.onAbort(() => ran++)();
    assert.equal(ran, 1);
  });
});
