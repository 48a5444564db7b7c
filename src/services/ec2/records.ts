import { stableHash } from "../../core/ids.js";

/**
 * What the EC2 stand-in keeps (StackApi records under "ec2", persisted in the state dir): VPCs,
 * subnets and security groups with their rules and tags. Record keeping only — nothing here is
 * enforced on traffic (docs/fidelity.md "EC2"). Each VPC owns the main route table, default
 * network ACL and default security group AWS creates with it, so Terraform's reads find them.
 */
export interface VpcRecord {
  CidrBlock: string;
  CidrAssociationId: string;
  IsDefault: boolean;
  InstanceTenancy: string;
  EnableDnsSupport: boolean;
  EnableDnsHostnames: boolean;
  EnableNetworkAddressUsageMetrics: boolean;
  DhcpOptionsId: string;
  MainRouteTableId: string;
  MainRouteTableAssociationId: string;
  DefaultNetworkAclId: string;
  DefaultSecurityGroupId: string;
}

export interface SubnetRecord {
  VpcId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
  AssignIpv6AddressOnCreation: boolean;
  EnableDns64: boolean;
  EnableResourceNameDnsARecordOnLaunch: boolean;
  EnableResourceNameDnsAAAARecordOnLaunch: boolean;
  HostnameType: string;
  NetworkAclAssociationId: string;
}

/** One rule as DescribeSecurityGroupRules has it: one peer (CIDR, prefix list or group) each. */
export interface RuleRecord {
  SecurityGroupRuleId: string;
  IsEgress: boolean;
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
  Description?: string;
}

export interface SecurityGroupRecord {
  GroupName: string;
  Description: string;
  VpcId: string;
  Rules: RuleRecord[];
}

export interface Ec2Records {
  /** Bumped when the shape changes. */
  format: 1;
  vpcs: Record<string, VpcRecord>;
  subnets: Record<string, SubnetRecord>;
  securityGroups: Record<string, SecurityGroupRecord>;
  /** Resource id → tag key → value. */
  tags: Record<string, Record<string, string>>;
}

/** Availability zones of the local region: `<region>a` … `<region>f` (us-east-1 has six). */
export function availabilityZones(region: string): { ZoneName: string; ZoneId: string }[] {
  const short = region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, "$1$2$3");
  return ["a", "b", "c", "d", "e", "f"].map((l, i) => ({ ZoneName: `${region}${l}`, ZoneId: `${short}-az${i + 1}` }));
}

/** `vpc-` + 17 hex digits, as EC2 mints ids; from a name, so the default VPC's ids are stable. */
export function stableEc2Id(prefix: string, seed: string): string {
  const a = stableHash(seed).toString(16).padStart(16, "0");
  const b = stableHash(`${seed}#`).toString(16).padStart(16, "0");
  return `${prefix}-${(a + b).slice(0, 17)}`;
}

export function newVpc(
  id: (prefix: string) => string,
  CidrBlock: string,
  IsDefault: boolean,
  InstanceTenancy = "default",
): { vpc: VpcRecord; group: SecurityGroupRecord } {
  const vpc: VpcRecord = {
    CidrBlock,
    CidrAssociationId: id("vpc-cidr-assoc"),
    IsDefault,
    InstanceTenancy,
    EnableDnsSupport: true,
    // AWS: a default VPC resolves DNS hostnames, a new one does not (VPC User Guide, "DNS attributes").
    EnableDnsHostnames: IsDefault,
    EnableNetworkAddressUsageMetrics: false,
    DhcpOptionsId: stableEc2Id("dopt", "dhcp-options"),
    MainRouteTableId: id("rtb"),
    MainRouteTableAssociationId: id("rtbassoc"),
    DefaultNetworkAclId: id("acl"),
    DefaultSecurityGroupId: id("sg"),
  };
  // The default group: all egress, and ingress from members of the group itself (VPC User Guide, "Default security groups").
  const group: SecurityGroupRecord = {
    GroupName: "default",
    Description: "default VPC security group",
    VpcId: "",
    Rules: [
      { SecurityGroupRuleId: id("sgr"), IsEgress: false, IpProtocol: "-1", ReferencedGroupId: vpc.DefaultSecurityGroupId },
      { SecurityGroupRuleId: id("sgr"), IsEgress: true, IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" },
    ],
  };
  return { vpc, group };
}

export function newSubnet(id: (prefix: string) => string, VpcId: string, CidrBlock: string, AvailabilityZone: string, DefaultForAz: boolean): SubnetRecord {
  return {
    VpcId,
    CidrBlock,
    AvailabilityZone,
    DefaultForAz,
    // Default subnets give instances public addresses; a new subnet does not (VPC User Guide, "Default subnets").
    MapPublicIpOnLaunch: DefaultForAz,
    AssignIpv6AddressOnCreation: false,
    EnableDns64: false,
    EnableResourceNameDnsARecordOnLaunch: false,
    EnableResourceNameDnsAAAARecordOnLaunch: false,
    HostnameType: "ip-name",
    NetworkAclAssociationId: id("aclassoc"),
  };
}

/**
 * The records before any call: the region's default VPC (172.31.0.0/16) with one default /20
 * subnet per availability zone, as every AWS account has (VPC User Guide, "Default VPCs"). Ids are
 * derived from names, so they are the same in every state dir.
 */
export function initialRecords(region: string): Ec2Records {
  const seeds = new Map<string, number>();
  const id = (prefix: string) => {
    const n = (seeds.get(prefix) ?? 0) + 1;
    seeds.set(prefix, n);
    return stableEc2Id(prefix, `default-vpc/${region}/${prefix}/${n}`);
  };
  const vpcId = id("vpc");
  const { vpc, group } = newVpc(id, "172.31.0.0/16", true);
  group.VpcId = vpcId;
  const subnets: Record<string, SubnetRecord> = {};
  availabilityZones(region).forEach((az, i) => {
    subnets[id("subnet")] = newSubnet(id, vpcId, `172.31.${i * 16}.0/20`, az.ZoneName, true);
  });
  return { format: 1, vpcs: { [vpcId]: vpc }, subnets, securityGroups: { [vpc.DefaultSecurityGroupId]: group }, tags: {} };
}
