import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteTagsCommand,
  DeleteVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import { Sha256 } from "../../../src/core/sha256.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { sdkFailure as failure } from "../../support/sdk-failure.js";

/**
 * Issue 11 "EC2 VPCs / subnets / security groups (described, never enforced)" through the AWS
 * SDK v3 on HTTP/1.1 and HTTP/2: the default VPC with a default subnet per AZ, VPC / subnet /
 * security group lifecycles, rules, tags and filters, EC2's error codes in its own envelope, and
 * the records kept in the state dir across a restart (docs/fidelity.md "EC2").
 */
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

describe("EC2 API through the AWS SDK v3 (issue 11: EC2 stand-in)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let clients: { name: string; ec2: EC2Client }[];
  const open = async () => {
    stack = await startEdgeparity({ config: join(dir, "edgeparity.yaml"), stateDir: join(dir, "state") });
    clients = [
      { name: "HTTP/1.1", ec2: new EC2Client({ region: "us-east-1", endpoint: `http://localhost:${stack.httpPort}`, credentials, maxAttempts: 1 }) },
      {
        name: "HTTP/2",
        ec2: new EC2Client({
          region: "us-east-1",
          endpoint: `https://localhost:${stack.httpsPort}`,
          credentials,
          maxAttempts: 1,
          requestHandler: new NodeHttp2Handler({ nodeHttp2ConnectOptions: { ca: stack.caPem } }),
        }),
      },
    ];
  };
  const shut = async () => {
    for (const c of clients ?? []) c.ec2.destroy();
    await stack?.close();
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-ec2-"));
    await writeFile(join(dir, "edgeparity.yaml"), "{}\n");
    await open();
  });
  after(async () => {
    await shut();
    await rm(dir, { recursive: true, force: true });
  });

  it("the default VPC (172.31.0.0/16) has a default /20 subnet in each of the region's six AZs (VPC User Guide: Default VPCs)", async () => {
    const { ec2 } = clients[0]!;
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(
      zones.AvailabilityZones?.map((z) => z.ZoneName),
      ["a", "b", "c", "d", "e", "f"].map((l) => `us-east-1${l}`),
    );
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    assert.equal(vpcs.Vpcs?.length, 1);
    const vpc = vpcs.Vpcs![0]!;
    assert.equal(vpc.CidrBlock, "172.31.0.0/16");
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: "default-for-az", Values: ["true"] },
          { Name: "vpc-id", Values: [vpc.VpcId!] },
        ],
      }),
    );
    assert.equal(subnets.Subnets?.length, 6);
    assert.ok(subnets.Subnets!.every((s) => s.MapPublicIpOnLaunch === true && s.AvailableIpAddressCount === 4091));
    const hostnames = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute: "enableDnsHostnames" }));
    assert.equal(hostnames.EnableDnsHostnames?.Value, true);
    const sg = await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }));
    assert.equal(sg.SecurityGroups?.[0]?.VpcId, vpc.VpcId);
  });

  for (const i of [0, 1])
    it(`VPC → subnets → security group with rules → tags → delete, with the VPC's main route table, default ACL and group (EC2 API Reference) [client ${i}]`, async () => {
      const { name, ec2 } = clients[i]!;
      const { Vpc } = await ec2.send(
        new CreateVpcCommand({ CidrBlock: `10.${i}.0.0/16`, TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: `net-${i}` }] }] }),
      );
      const vpcId = Vpc!.VpcId!;
      assert.match(vpcId, /^vpc-[0-9a-f]{17}$/, name);
      assert.equal(Vpc?.State, "available");
      assert.deepEqual(Vpc?.Tags, [{ Key: "Name", Value: `net-${i}` }]);
      assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: "enableDnsHostnames" }))).EnableDnsHostnames?.Value, false);
      await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
      assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: "enableDnsHostnames" }))).EnableDnsHostnames?.Value, true);
      const byTag = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: [`net-${i}`] }] }));
      assert.deepEqual(
        byTag.Vpcs?.map((v) => v.VpcId),
        [vpcId],
      );

      const rt = await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: "association.main", Values: ["true"] },
            { Name: "vpc-id", Values: [vpcId] },
          ],
        }),
      );
      assert.equal(rt.RouteTables?.length, 1);
      assert.equal(rt.RouteTables![0]!.Routes?.[0]?.GatewayId, "local");
      const acl = await ec2.send(
        new DescribeNetworkAclsCommand({
          Filters: [
            { Name: "default", Values: ["true"] },
            { Name: "vpc-id", Values: [vpcId] },
          ],
        }),
      );
      assert.equal(acl.NetworkAcls?.[0]?.IsDefault, true);
      const dsg = await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [
            { Name: "group-name", Values: ["default"] },
            { Name: "vpc-id", Values: [vpcId] },
          ],
        }),
      );
      assert.equal(dsg.SecurityGroups?.length, 1);

      const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${i}.1.0/24`, AvailabilityZone: "us-east-1a" }))).Subnet!;
      const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.${i}.2.0/24`, AvailabilityZone: "us-east-1b" }))).Subnet!;
      assert.equal(a.AvailableIpAddressCount, 251);
      assert.equal(a.AvailabilityZoneId, "use1-az1");
      await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: b.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
      const listed = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
      assert.deepEqual(
        listed.Subnets?.map((s) => [s.CidrBlock, s.MapPublicIpOnLaunch]),
        [
          [`10.${i}.1.0/24`, false],
          [`10.${i}.2.0/24`, true],
        ],
      );
      const wildcard = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "cidr-block", Values: [`10.${i}.2.*`] }] }));
      assert.deepEqual(
        wildcard.Subnets?.map((s) => s.SubnetId),
        [b.SubnetId],
      );

      const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "web", Description: "web tier", VpcId: vpcId }));
      assert.match(GroupId!, /^sg-[0-9a-f]{17}$/);
      const ingress = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "https" }, { CidrIp: "10.0.0.0/8" }] },
          ],
        }),
      );
      assert.equal(ingress.SecurityGroupRules?.length, 2);
      assert.match(ingress.SecurityGroupRules![0]!.SecurityGroupRuleId!, /^sgr-[0-9a-f]{17}$/);
      // A new group allows all egress until the rule is revoked.
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }));
      await ec2.send(
        new AuthorizeSecurityGroupEgressCommand({
          GroupId,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId }] }],
        }),
      );
      const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups![0]!;
      assert.deepEqual(g.IpPermissions, [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "https" }, { CidrIp: "10.0.0.0/8" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ]);
      assert.equal(g.IpPermissionsEgress?.[0]?.UserIdGroupPairs?.[0]?.GroupId, GroupId);
      const rules = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [GroupId!] }] }));
      assert.equal(rules.SecurityGroupRules?.length, 3);
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: [ingress.SecurityGroupRules![1]!.SecurityGroupRuleId!] }));
      assert.equal(
        (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [GroupId!] }] }))).SecurityGroupRules?.length,
        2,
      );

      await ec2.send(new CreateTagsCommand({ Resources: [a.SubnetId!, GroupId!], Tags: [{ Key: "tier", Value: "web" }] }));
      const tags = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["tier"] }] }));
      assert.deepEqual(
        tags.Tags?.map((t) => [t.ResourceId, t.ResourceType, t.Value]).sort(),
        [
          [a.SubnetId, "subnet", "web"],
          [GroupId, "security-group", "web"],
        ].sort(),
      );
      await ec2.send(new DeleteTagsCommand({ Resources: [a.SubnetId!, GroupId!], Tags: [{ Key: "tier" }] }));
      assert.equal((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["tier"] }] }))).Tags?.length, 0);

      // Terraform's reads before deleting: nothing is attached locally.
      assert.deepEqual(
        (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: "subnet-id", Values: [a.SubnetId!] }] }))).NetworkInterfaces,
        [],
      );
      assert.deepEqual(
        (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }] }))).InternetGateways,
        [],
      );

      const dep = await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })));
      assert.deepEqual([dep.name, dep.status], ["DependencyViolation", 400]);
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
      await ec2.send(new DeleteSubnetCommand({ SubnetId: a.SubnetId }));
      await ec2.send(new DeleteSubnetCommand({ SubnetId: b.SubnetId }));
      await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
      const gone = await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })));
      assert.deepEqual([gone.name, gone.status], ["InvalidVpcID.NotFound", 400]);
    });

  for (const i of [0, 1])
    it(`EC2's error codes, each in EC2's <Response><Errors> envelope (Error codes for the Amazon EC2 API) [client ${i}]`, async () => {
      const { ec2 } = clients[i]!;
      const cases: [() => Promise<unknown>, string][] = [
        [() => ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0000000000000000f"] })), "InvalidVpcID.NotFound"],
        [() => ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0000000000000000f"] })), "InvalidSubnetID.NotFound"],
        [() => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0000000000000000f"] })), "InvalidGroup.NotFound"],
        [() => ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/8" })), "InvalidVpc.Range"],
        [() => ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.1/16" })), "InvalidParameterValue"],
        [() => ec2.send(new CreateSubnetCommand({ VpcId: "vpc-0000000000000000f", CidrBlock: "10.0.0.0/24" })), "InvalidVpcID.NotFound"],
        [() => ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })), "InvalidParameterValue"],
        [() => ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ["sgr-0000000000000000f"] })), "InvalidSecurityGroupRuleId.NotFound"],
        [() => ec2.send(new CreateTagsCommand({ Resources: ["vpc-0000000000000000f"], Tags: [{ Key: "a", Value: "b" }] })), "InvalidVpcID.NotFound"],
      ];
      for (const [p, code] of cases) {
        const e = await failure(p());
        assert.deepEqual([e.name, e.status], [code, 400], e.message);
      }
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: "192.168.0.0/16" }));
      const vpcId = Vpc!.VpcId!;
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "192.168.0.0/24" }));
      const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "dup", Description: "d", VpcId: vpcId }));
      const defaultGroup = (
        await ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [
              { Name: "vpc-id", Values: [vpcId] },
              { Name: "group-name", Values: ["default"] },
            ],
          }),
        )
      ).SecurityGroups![0]!.GroupId;
      const more: [() => Promise<unknown>, string][] = [
        [() => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.9.0.0/24" })), "InvalidSubnet.Range"],
        [() => ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "192.168.0.0/25" })), "InvalidSubnet.Conflict"],
        [() => ec2.send(new CreateSecurityGroupCommand({ GroupName: "dup", Description: "d", VpcId: vpcId })), "InvalidGroup.Duplicate"],
        [() => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), "DependencyViolation"],
        [
          () =>
            ec2.send(
              new RevokeSecurityGroupIngressCommand({
                GroupId,
                IpPermissions: [{ IpProtocol: "tcp", FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: "1.2.3.4/32" }] }],
              }),
            ),
          "InvalidPermission.NotFound",
        ],
        [
          () => ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId, IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] })),
          "InvalidPermission.Duplicate",
        ],
        [() => ec2.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup })), "CannotDelete"],
        [() => ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId })), "MissingParameter"],
      ];
      for (const [p, code] of more) {
        const e = await failure(p());
        assert.deepEqual([e.name, e.status], [code, 400], e.message);
      }
      // A group another group's rule names is in use; a resource id of no known kind is InvalidID; a bad page token InvalidPaginationToken.
      const { GroupId: other } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "other", Description: "o", VpcId: vpcId }));
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: other,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId }] }],
        }),
      );
      const last: [() => Promise<unknown>, string][] = [
        [() => ec2.send(new DeleteSecurityGroupCommand({ GroupId })), "DependencyViolation"],
        [() => ec2.send(new CreateTagsCommand({ Resources: ["frob-123"], Tags: [{ Key: "a", Value: "b" }] })), "InvalidID"],
        [() => ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: "bm90LWEtbnVtYmVy" })), "InvalidPaginationToken"],
      ];
      for (const [p, code] of last) {
        const e = await failure(p());
        assert.deepEqual([e.name, e.status], [code, 400], e.message);
      }
      const ni = await failure(ec2.send(new DescribeInstancesCommand({})));
      assert.deepEqual([ni.name, ni.status], ["NotImplemented", 501]);
      assert.match(ni.message, /DescribeInstances/);
    });

  it("an Action EC2 does not have is InvalidAction in EC2's envelope; a DryRun is DryRunOperation and changes nothing (EC2 API: common errors)", async () => {
    const signer = new SignatureV4({ credentials, region: "us-east-1", service: "ec2", sha256: Sha256 });
    const send = async (form: string) => {
      const signed = await signer.sign({
        method: "POST",
        protocol: "http:",
        hostname: "localhost",
        port: stack.httpPort,
        path: "/",
        headers: { host: `localhost:${stack.httpPort}`, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: form,
      });
      const r = await fetch(`http://localhost:${stack.httpPort}/`, { method: "POST", headers: signed.headers as Record<string, string>, body: form });
      return { status: r.status, text: await r.text() };
    };
    const bad = await send("Action=FrobnicateVpcs&Version=2016-11-15");
    assert.equal(bad.status, 400);
    assert.match(
      bad.text,
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidAction<\/Code><Message>[^<]*FrobnicateVpcs[^<]*<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
    const dry = await send("Action=CreateVpc&Version=2016-11-15&CidrBlock=10.77.0.0%2F16&DryRun=true");
    assert.equal(dry.status, 412);
    assert.match(dry.text, /<Code>DryRunOperation<\/Code>/);
    const vpcs = await clients[0]!.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "cidr", Values: ["10.77.0.0/16"] }] }));
    assert.deepEqual(vpcs.Vpcs, []);
  });

  it("records persist in the state dir: a restarted edgeparity describes the same VPC, subnet, group and tags (issue 11: records survive restarts)", async () => {
    const { ec2 } = clients[0]!;
    const { Vpc } = await ec2.send(
      new CreateVpcCommand({ CidrBlock: "10.50.0.0/16", TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "kept" }] }] }),
    );
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: "10.50.1.0/24" }));
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: "kept", Description: "kept", VpcId: Vpc!.VpcId }));
    const defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }))).Vpcs![0]!.VpcId;
    await shut();
    await open();
    const again = clients[1]!.ec2;
    const vpcs = await again.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Name", Values: ["kept"] }] }));
    assert.deepEqual(
      vpcs.Vpcs?.map((v) => v.VpcId),
      [Vpc!.VpcId],
    );
    assert.equal((await again.send(new DescribeSubnetsCommand({ SubnetIds: [Subnet!.SubnetId!] }))).Subnets?.[0]?.CidrBlock, "10.50.1.0/24");
    assert.equal((await again.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups?.[0]?.GroupName, "kept");
    // The default VPC's ids are derived, so they are the same after a restart.
    assert.equal((await again.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }))).Vpcs![0]!.VpcId, defaultVpc);
  });
});
