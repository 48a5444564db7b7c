import assert from "node:assert/strict";
import { it } from "node:test";
import { HeaderList } from "./header-list.js";

it("header-list: names keep their order and their last values, searched in place while small and through an index past 16 names (cloudfront.md §13.3 headers a function returns)", () => {
  for (const n of [3, 16, 17, 40]) {
    const l = new HeaderList();
    for (let i = 0; i < n; i++) l.set(`x-h${i}`, [`v${i}`]);
    l.set("x-h1", ["again"]);
    l.set("x-late", ["z"]);
    assert.equal(l.size, n + 1);
    assert.deepEqual(l.get("x-h1"), ["again"]);
    assert.deepEqual(l.get(`x-h${n - 1}`), [`v${n - 1}`]);
    assert.deepEqual(l.get("x-late"), ["z"]);
    assert.equal(l.has("x-missing"), false);
    assert.equal(l.nameAt(n), "x-late");
    assert.deepEqual([...l.keys()].slice(0, 2), ["x-h0", "x-h1"]);
    assert.deepEqual([...l][1], ["x-h1", ["again"]]);
  }
});
