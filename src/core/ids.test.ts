import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { randomIds, stableHash, stableId } from "./ids.js";

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

it("ids: X-Amz-Cf-Id is 40 random bytes as base64url with `==` (cloudfront.md §7.1), all distinct across pool refills; hex32 is 32 lower-case hex", () => {
  const seen = new Set<string>();
  // 600 ids span more than two refills of the 256-id pool.
  for (let i = 0; i < 600; i++) {
    const id = randomIds.cloudFrontRequestId();
    assert.match(id, /^[A-Za-z0-9_-]{53}[AQgw]==$/, id);
    seen.add(id);
  }
  assert.equal(seen.size, 600);
  for (let i = 0; i < 300; i++) assert.match(randomIds.hex32(), /^[0-9a-f]{32}$/);
});
