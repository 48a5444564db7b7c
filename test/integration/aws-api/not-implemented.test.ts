import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { awsCli, awsFailure, type AwsCli } from "../../support/aws-cli.js";

/**
 * Issue 11 §"One endpoint for every service": the control-plane endpoint picks the service from the
 * SigV4 credential scope. A service or operation edgeparity does not implement answers AWS's error
 * in that service's own protocol, naming the operation — never another service's handler, never a
 * data change. (Before, `aws cloudfront create-distribution` fell into S3 and failed with S3's
 * "Missing required header for this request: x-amz-content-sha256".)
 */
describe("aws-api: one endpoint, service by SigV4 scope, NotImplemented in the service's format (issue 11)", () => {
  let stack: EdgeparityStack;
  let aws: AwsCli;
  before(async () => {
    stack = await startEdgeparity({ config: { buckets: { "api-bucket": {} } } });
    aws = await awsCli(() => `http://localhost:${stack.httpPort}`);
  });
  after(async () => {
    await aws?.cleanup();
    await stack?.close();
  });

  const failure = (...args: string[]) => awsFailure(aws, ...args);

  it("aws cloudfront create-distribution → CloudFront's own answer, never S3's; an operation CloudFront does not implement → its NotImplemented (REST-XML) naming it; S3 untouched", async () => {
    const cfg = join(aws.home, "dc.json");
    await writeFile(
      cfg,
      JSON.stringify({
        CallerReference: "r1",
        Comment: "",
        Enabled: true,
        Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "api-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
        DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
      }),
    );
    const created = JSON.parse(await aws("cloudfront", "create-distribution", "--distribution-config", `file://${cfg}`)) as { Distribution: { Id: string } };
    assert.match(created.Distribution.Id, /^E[A-Z0-9]{13}$/, "CloudFront's answer, not S3's x-amz-content-sha256 error");
    const err = await failure("cloudfront", "list-streaming-distributions");
    assert.match(err, /\(NotImplemented\) when calling the ListStreamingDistributions operation/);
    assert.match(err, /CloudFront operation ListStreamingDistributions/);
    const buckets = JSON.parse(await aws("s3api", "list-buckets")) as { Buckets: { Name: string }[] };
    assert.deepEqual(
      buckets.Buckets.map((b) => b.Name),
      ["api-bucket"],
    );
  });

  it("aws elbv2 describe-ssl-policies (an ELBv2 action edgeparity does not serve) → 501 NotImplemented in the Query protocol, naming it", async () => {
    const err = await failure("elbv2", "describe-ssl-policies");
    assert.match(err, /\(NotImplemented\) when calling the DescribeSSLPolicies operation/);
    assert.match(err, /Elastic Load Balancing operation DescribeSSLPolicies/);
    // Served ELBv2 actions answer in the same protocol (issue 11 "ELBv2 API").
    assert.deepEqual(JSON.parse(await aws("elbv2", "describe-load-balancers")), { LoadBalancers: [] });
  });

  it("aws sts get-federation-token (an STS action edgeparity does not serve) → 501 NotImplemented in STS's Query format, naming it", async () => {
    const err = await failure("sts", "get-federation-token", "--name", "fed");
    assert.match(err, /\(NotImplemented\) when calling the GetFederationToken operation/);
    assert.match(err, /STS operation GetFederationToken/);
  });

  it("aws lambda list-functions → a JSON-protocol NotImplemented", async () => {
    const err = await failure("lambda", "list-functions");
    assert.match(err, /\(NotImplemented\) when calling the ListFunctions operation/);
  });

  it("S3 through the same endpoint still works (the SigV4 scope says s3)", async () => {
    await aws("s3api", "put-object", "--bucket", "api-bucket", "--key", "k.txt", "--body", join(aws.home, "dc.json"));
    const listed = JSON.parse(await aws("s3api", "list-objects-v2", "--bucket", "api-bucket")) as { Contents: { Key: string }[] };
    assert.deepEqual(
      listed.Contents.map((c) => c.Key),
      ["k.txt"],
    );
  });
});
