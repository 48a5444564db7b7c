import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stableHash, stableId } from "./ids.js";

describe("ids", () => {
  it("ids: distribution ids stay the ones users have written into bucket policies (demo/stack.yaml, test fixtures)", () => {
    // demo/stack.yaml and test/fixtures/stacks/e2e-edge/stack.yaml name these in aws:SourceArn.
    assert.equal(stableId("distribution:demo"), "EMW2S4HUD2BLGD");
    assert.equal(stableId("distribution:edge"), "E6IPIY90G0WMZQ");
    assert.match(stableId("anything"), /^E[A-Z0-9]{13}$/);
  });
  it("ids: stableHash is 64 bits, the same for a name every time, different for different names", () => {
    const h = stableHash("lb:alb");
    assert.equal(stableHash("lb:alb"), h);
    assert.notEqual(stableHash("lb:alc"), h);
    assert.equal(h >> 64n, 0n);
    assert.notEqual(h >> 32n, 0n);
  });
});
