import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closestNames, didYouMean, editDistance } from "./did-you-mean.js";

describe("did-you-mean: nearest names for typos (issue 15)", () => {
  it("edit distance counts a swap of neighbours as one edit", () => {
    assert.equal(editDistance("prot", "port"), 1);
    assert.equal(editDistance("PathPatern", "PathPattern"), 1);
    assert.equal(editDistance("abc", "abc"), 0);
  });
  it("suggests close names without case, nearest first, and nothing for unrelated words", () => {
    assert.deepEqual(closestNames("viewerprotocolpolicy", ["ViewerProtocolPolicy", "CachePolicyId"]), ["ViewerProtocolPolicy"]);
    assert.deepEqual(closestNames("Managed-CachingOptimised", ["Managed-CachingOptimized", "Managed-CachingDisabled"]), ["Managed-CachingOptimized"]);
    assert.deepEqual(closestNames("Zebra", ["ViewerProtocolPolicy"]), []);
    assert.equal(didYouMean("Orgins", ["Origins", "OriginGroups"]), " (did you mean 'Origins'?)");
    assert.equal(didYouMean("Zebra", ["Origins"]), "");
  });
});
