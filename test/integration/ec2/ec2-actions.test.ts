import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ec2 from "@aws-sdk/client-ec2";
import { EC2_ACTIONS } from "../../../src/services/ec2/ec2-actions.js";

/**
 * The EC2 stand-in answers an action EC2 has but edgeparity does not serve with 501 NotImplemented,
 * and any other Action with InvalidAction (src/aws-api/not-implemented.ts rule): its list of EC2's
 * actions must be the installed SDK's, or a real action would be called invalid.
 */
describe("EC2 actions list (issue 11: unserved actions are NotImplemented, unknown ones InvalidAction)", () => {
  it("EC2_ACTIONS is exactly @aws-sdk/client-ec2's commands", () => {
    const sdk = Object.keys(ec2)
      .filter((k) => k.endsWith("Command") && k !== "$Command")
      .map((k) => k.slice(0, -"Command".length))
      .sort();
    assert.deepEqual([...EC2_ACTIONS].sort(), sdk);
  });
});
