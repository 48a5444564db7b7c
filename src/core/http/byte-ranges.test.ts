import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseByteRanges } from "./byte-ranges.js";

const ranges = (h: string, size: number) => parseByteRanges(h, size)?.ranges;

describe("byte-ranges", () => {
  it("byte-ranges: first-last, first- and suffix forms, clamped to the representation (RFC 9110 §14.1.2)", () => {
    assert.deepEqual(ranges("bytes=0-9", 100), [{ start: 0, end: 9 }]);
    assert.deepEqual(ranges("bytes=90-200", 100), [{ start: 90, end: 99 }]);
    assert.deepEqual(ranges("bytes=95-", 100), [{ start: 95, end: 99 }]);
    assert.deepEqual(ranges("bytes=-10", 100), [{ start: 90, end: 99 }]);
    assert.deepEqual(ranges("bytes=-500", 100), [{ start: 0, end: 99 }]);
  });
  it("byte-ranges: several specs in request order, whitespace and empty list elements allowed (RFC 9110 §14.1.2, §5.6.1)", () => {
    const p = parseByteRanges(" bytes=0-1, 5-6 ,,-2", 10)!;
    assert.equal(p.specCount, 3);
    assert.deepEqual(p.ranges, [
      { start: 0, end: 1 },
      { start: 5, end: 6 },
      { start: 8, end: 9 },
    ]);
    // Overlapping and descending sets are parsed; whether to honour them is the caller's policy.
    assert.deepEqual(ranges("bytes=5-9,0-6", 10), [
      { start: 5, end: 9 },
      { start: 0, end: 6 },
    ]);
  });
  it("byte-ranges: unsatisfiable specs are dropped; none satisfiable is an empty list (416, RFC 9110 §14.1.1, §15.5.17)", () => {
    assert.deepEqual(parseByteRanges("bytes=100-", 100), { ranges: [], specCount: 1 });
    assert.deepEqual(parseByteRanges("bytes=-0", 100), { ranges: [], specCount: 1 });
    assert.deepEqual(parseByteRanges("bytes=0-1,200-300", 100), { ranges: [{ start: 0, end: 1 }], specCount: 2 });
    // A zero-length object has no bytes to give, suffix or not (as S3 answers, s3.md §4.3).
    assert.deepEqual(parseByteRanges("bytes=-5", 0), { ranges: [], specCount: 1 });
    assert.deepEqual(parseByteRanges("bytes=0-", 0), { ranges: [], specCount: 1 });
  });
  it("byte-ranges: another unit, bad syntax or last < first is not a range set: ignored (RFC 9110 §14.2)", () => {
    for (const h of ["items=0-1", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "bytes=0-1,5-1", "bytes=1-2-3", "bytes 0-1", "bytes=,"]) {
      assert.equal(parseByteRanges(h, 100), undefined, h);
    }
  });
});
