import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { importStack } from "../../../src/importers/index.js";

/**
 * A CDK cloud assembly (`cdk.out`, hand-made: manifest.json, CdkSiteStack.template.json,
 * CdkSiteStack.assets.json, asset.* folders) loads with no hand-written bindings: the
 * BucketDeployment's asset folder seeds its bucket and the Lambda target's code asset becomes the
 * target group's handler binding (CDK cloud-assembly schema; CloudFormation User Guide).
 */
const CDK_OUT = fileURLToPath(new URL("../../fixtures/stacks/cdk-site/cdk.out", import.meta.url));
const SITE_ASSET = "asset.3b5f0c1d2e4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
const FN_ASSET = "asset.9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c4b3";

describe("importers: a CDK cloud assembly (cdk.out)", () => {
  it("cdk: the BucketDeployment asset seeds the generated bucket and the Lambda code asset binds the lambda target group", async () => {
    const s = await importStack(CDK_OUT);
    const [bucket] = Object.keys(s.stack.buckets);
    // No BucketName: CloudFormation's `<stack>-<logicalId>-<suffix>`, lower case (stack name from manifest.json).
    assert.match(bucket!, /^cdksitestack-sitebucket397a1860-[a-z0-9]{12}$/);
    assert.deepEqual(s.stack.local.buckets, { [bucket!]: { folder: SITE_ASSET } });
    const [tg] = s.stack.targetGroups;
    assert.equal(tg?.TargetType, "lambda");
    assert.deepEqual(s.stack.local.targetGroups[tg!.Name], { targets: [{ lambda: `${FN_ASSET}/index.mjs`, handler: "handler" }] });
    // The distribution's origins are the bucket's regional name (OAC) and the ALB's DNS name, both served locally.
    const d = s.stack.distributions.SiteDistribution3FF9535D!;
    const origins = d.Origins.Items!.map((o) => o.DomainName);
    assert.equal(origins[0], `${bucket}.s3.us-east-1.amazonaws.com`);
    assert.match(origins[1]!, new RegExp(`^${s.stack.loadBalancers[0]!.Name.toLowerCase()}-\\d{10}\\.us-east-1\\.elb\\.amazonaws\\.com$`));
    assert.equal(d.Origins.Items![0]!.OriginAccessControlId, "SiteDistributionOrigin1S3OriginAccessControlB2F6D2E4");
    // The bucket policy's SourceArn is built with Fn::Join from AWS::Partition, AWS::AccountId and the distribution's Ref.
    const policy = s.stack.buckets[bucket!]!.Policy as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
    assert.match(policy.Statement[0]!.Condition.StringEquals["AWS:SourceArn"]!, /^arn:aws:cloudfront::000000000000:distribution\/E[A-Z0-9]{13}$/);
    // The SSM BootstrapVersion parameter is never referenced by a resource, so it needs no value.
    const text = s.warnings.map((w) => `${w.path}: ${w.message}`);
    assert.ok(text.includes("Resources.Vpc8378EB38: AWS::EC2::VPC is not emulated; ignored (resource: Vpc8378EB38)"), text.join("\n"));
    assert.ok(
      text.some((t) => /^Resources\.ApiHandler5E7490E8: .*its code serves target group /.test(t)),
      text.join("\n"),
    );
    // Nothing is left unbound, and CDK's own deployment machinery is not listed.
    assert.deepEqual(
      text.filter((t) => /nothing local serves|has no local target|has no local folder|CustomCDKBucketDeployment/.test(t)),
      [],
    );
    assert.ok(s.sources.includes(join(CDK_OUT, "CdkSiteStack.template.json")));
    assert.ok(s.sources.includes(join(CDK_OUT, SITE_ASSET)), "the seeded asset folder is watched");
  });
});
