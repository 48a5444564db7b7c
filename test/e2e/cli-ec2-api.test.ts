import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, awsFailure, type AwsCli } from "../support/aws-cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";

/**
 * Issue 11 "small record-keeping stand-ins": EC2 VPCs, subnets and security groups through the
 * AWS CLI v2 against `edgeparity up` (the real CLI), over HTTP and HTTPS, with EC2's error codes
 * as the CLI reports them (docs/fidelity.md "EC2 and ACM stand-ins"). Kept to few CLI runs: each
 * costs a Python start; the SDK suite (test/integration/ec2) covers every code on both HTTP versions.
 */
describe("e2e: EC2 through the AWS CLI against edgeparity up (issue 11)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;

  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await aws(...args)) as T;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-ec2-"));
    await writeFile(join(work, "stack.yaml"), "{}\n");
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("aws ec2: create-vpc, create-subnet ×2, create-security-group + authorize, describe with filters, delete; EC2's error codes (EC2 API)", async () => {
    const vpc = await json<{ Vpc: { VpcId: string } }>(
      "ec2",
      "create-vpc",
      "--cidr-block",
      "10.1.0.0/16",
      "--tag-specifications",
      "ResourceType=vpc,Tags=[{Key=Name,Value=cli}]",
    );
    const vpcId = vpc.Vpc.VpcId;
    for (const [cidr, az] of [
      ["10.1.1.0/24", "us-east-1a"],
      ["10.1.2.0/24", "us-east-1b"],
    ])
      await aws("ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", cidr!, "--availability-zone", az!);
    const sg = await json<{ GroupId: string }>("ec2", "create-security-group", "--group-name", "web", "--description", "web tier", "--vpc-id", vpcId);
    await aws("ec2", "authorize-security-group-ingress", "--group-id", sg.GroupId, "--protocol", "tcp", "--port", "443", "--cidr", "0.0.0.0/0");
    const groups = await json<{ SecurityGroups: { IpPermissions: { FromPort: number; IpRanges: { CidrIp: string }[] }[] }[] }>(
      "ec2",
      "describe-security-groups",
      "--filters",
      `Name=vpc-id,Values=${vpcId}`,
      "Name=group-name,Values=web",
    );
    assert.equal(groups.SecurityGroups.length, 1);
    assert.deepEqual(
      groups.SecurityGroups[0]!.IpPermissions.map((p) => [p.FromPort, p.IpRanges[0]!.CidrIp]),
      [[443, "0.0.0.0/0"]],
    );
    const subnets = await json<{ Subnets: { SubnetId: string; AvailabilityZone: string }[] }>(
      "ec2",
      "describe-subnets",
      "--filters",
      `Name=vpc-id,Values=${vpcId}`,
    );
    assert.deepEqual(
      subnets.Subnets.map((x) => x.AvailabilityZone),
      ["us-east-1a", "us-east-1b"],
    );

    assert.match(await awsFailure(aws, "ec2", "delete-vpc", "--vpc-id", vpcId), /\(DependencyViolation\) when calling the DeleteVpc operation/);
    assert.match(
      await awsFailure(aws, "ec2", "create-security-group", "--group-name", "web", "--description", "again", "--vpc-id", vpcId),
      /\(InvalidGroup\.Duplicate\) when calling the CreateSecurityGroup operation: The security group 'web' already exists for VPC/,
    );
    assert.match(await awsFailure(aws, "ec2", "create-subnet", "--vpc-id", vpcId, "--cidr-block", "10.99.0.0/24"), /\(InvalidSubnet\.Range\)/);
    assert.match(await awsFailure(aws, "ec2", "create-vpc", "--cidr-block", "10.0.0.0/12"), /\(InvalidVpc\.Range\)/);
    assert.match(
      await awsFailure(aws, "ec2", "describe-instances"),
      /\(NotImplemented\) when calling the DescribeInstances operation: edgeparity does not implement/,
    );

    await aws("ec2", "delete-security-group", "--group-id", sg.GroupId);
    for (const sn of subnets.Subnets) await aws("ec2", "delete-subnet", "--subnet-id", sn.SubnetId);
    await aws("ec2", "delete-vpc", "--vpc-id", vpcId);
    assert.match(
      await awsFailure(aws, "ec2", "describe-vpcs", "--vpc-ids", vpcId),
      /\(InvalidVpcID\.NotFound\) when calling the DescribeVpcs operation: The vpc ID '.+' does not exist/,
    );
  });

  it("over HTTPS (--ca-bundle): the default VPC, and InvalidSubnetID.NotFound (EC2 API)", async () => {
    const tls = await awsCli(() => `https://localhost:${String(s.ready.httpsPort)}`);
    try {
      const vpcs = JSON.parse(await tls("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true", "--ca-bundle", s.caPath)) as {
        Vpcs: { CidrBlock: string }[];
      };
      assert.deepEqual(
        vpcs.Vpcs.map((v) => v.CidrBlock),
        ["172.31.0.0/16"],
      );
      assert.match(
        await awsFailure(tls, "ec2", "describe-subnets", "--subnet-ids", "subnet-0000000000000000f", "--ca-bundle", s.caPath),
        /\(InvalidSubnetID\.NotFound\)/,
      );
    } finally {
      await tls.cleanup();
    }
  });
});
