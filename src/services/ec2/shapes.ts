import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { availableAddresses, parseCidr } from "./cidr.js";
import type { XmlNode } from "./ec2-xml.js";
import { tagSet } from "./filters.js";
import type { Ec2Records, RuleRecord, SecurityGroupRecord, SubnetRecord, VpcRecord } from "./records.js";

/** The records as EC2's output shapes, keyed by their locationNames (botocore ec2 2016-11-15 model). */
type Shape = { [locationName: string]: XmlNode };

export function vpcShape(id: string, v: VpcRecord, r: Ec2Records): Shape {
  return {
    vpcId: id,
    ownerId: LOCAL_ACCOUNT_ID,
    state: "available",
    cidrBlock: v.CidrBlock,
    cidrBlockAssociationSet: [{ cidrBlock: v.CidrBlock, associationId: v.CidrAssociationId, cidrBlockState: { state: "associated" } }],
    ipv6CidrBlockAssociationSet: [],
    dhcpOptionsId: v.DhcpOptionsId,
    instanceTenancy: v.InstanceTenancy,
    isDefault: v.IsDefault,
    tagSet: tagSet(r.tags[id]),
  };
}

export function subnetShape(id: string, s: SubnetRecord, r: Ec2Records, region: string, zoneId: (zone: string) => string): Shape {
  return {
    subnetId: id,
    subnetArn: `arn:aws:ec2:${region}:${LOCAL_ACCOUNT_ID}:subnet/${id}`,
    state: "available",
    vpcId: s.VpcId,
    ownerId: LOCAL_ACCOUNT_ID,
    cidrBlock: s.CidrBlock,
    ipv6CidrBlockAssociationSet: [],
    availableIpAddressCount: availableAddresses(parseCidr(s.CidrBlock)!),
    availabilityZone: s.AvailabilityZone,
    availabilityZoneId: zoneId(s.AvailabilityZone),
    defaultForAz: s.DefaultForAz,
    mapPublicIpOnLaunch: s.MapPublicIpOnLaunch,
    mapCustomerOwnedIpOnLaunch: false,
    assignIpv6AddressOnCreation: s.AssignIpv6AddressOnCreation,
    enableDns64: s.EnableDns64,
    ipv6Native: false,
    privateDnsNameOptionsOnLaunch: {
      hostnameType: s.HostnameType,
      enableResourceNameDnsARecord: s.EnableResourceNameDnsARecordOnLaunch,
      enableResourceNameDnsAAAARecord: s.EnableResourceNameDnsAAAARecordOnLaunch,
    },
    tagSet: tagSet(r.tags[id]),
  };
}

/**
 * DescribeSecurityGroups groups a group's rules into IpPermissions by protocol and port range,
 * each listing its peers; an all-protocols (`-1`) permission carries no ports (EC2 API Reference,
 * IpPermission: "If you specify all ICMP/all protocols, you don't need FromPort/ToPort").
 */
export function securityGroupShape(id: string, g: SecurityGroupRecord, r: Ec2Records): Shape {
  return {
    ownerId: LOCAL_ACCOUNT_ID,
    groupName: g.GroupName,
    groupId: id,
    groupDescription: g.Description,
    ipPermissions: permissions(
      g.Rules.filter((x) => !x.IsEgress),
      r,
    ),
    ipPermissionsEgress: permissions(
      g.Rules.filter((x) => x.IsEgress),
      r,
    ),
    vpcId: g.VpcId,
    tagSet: tagSet(r.tags[id]),
  };
}

function permissions(rules: readonly RuleRecord[], r: Ec2Records): Shape[] {
  const byKey = new Map<string, { head: RuleRecord; rules: RuleRecord[] }>();
  for (const rule of rules) {
    const key = `${rule.IpProtocol}/${rule.FromPort ?? ""}/${rule.ToPort ?? ""}`;
    const entry = byKey.get(key);
    if (entry) entry.rules.push(rule);
    else byKey.set(key, { head: rule, rules: [rule] });
  }
  return [...byKey.values()].map(({ head, rules: rs }) => ({
    ipProtocol: head.IpProtocol,
    fromPort: head.FromPort,
    toPort: head.ToPort,
    groups: rs
      .filter((x) => x.ReferencedGroupId)
      .map((x) => ({
        description: x.Description,
        groupId: x.ReferencedGroupId,
        userId: LOCAL_ACCOUNT_ID,
        vpcId: r.securityGroups[x.ReferencedGroupId!]?.VpcId,
      })),
    ipRanges: rs.filter((x) => x.CidrIpv4).map((x) => ({ cidrIp: x.CidrIpv4, description: x.Description })),
    ipv6Ranges: rs.filter((x) => x.CidrIpv6).map((x) => ({ cidrIpv6: x.CidrIpv6, description: x.Description })),
    prefixListIds: rs.filter((x) => x.PrefixListId).map((x) => ({ prefixListId: x.PrefixListId, description: x.Description })),
  }));
}

export function ruleShape(groupId: string, rule: RuleRecord, r: Ec2Records): Shape {
  return {
    securityGroupRuleId: rule.SecurityGroupRuleId,
    groupId,
    groupOwnerId: LOCAL_ACCOUNT_ID,
    isEgress: rule.IsEgress,
    ipProtocol: rule.IpProtocol,
    // DescribeSecurityGroupRules reports -1 for the ports of an all-protocols rule.
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    cidrIpv4: rule.CidrIpv4,
    cidrIpv6: rule.CidrIpv6,
    prefixListId: rule.PrefixListId,
    referencedGroupInfo: rule.ReferencedGroupId ? { groupId: rule.ReferencedGroupId, userId: LOCAL_ACCOUNT_ID } : undefined,
    description: rule.Description,
    tagSet: tagSet(r.tags[rule.SecurityGroupRuleId]),
  };
}

/** The main route table AWS creates with a VPC: one `local` route for the VPC's block. */
export function mainRouteTableShape(vpcId: string, v: VpcRecord, r: Ec2Records): Shape {
  return {
    routeTableId: v.MainRouteTableId,
    vpcId,
    ownerId: LOCAL_ACCOUNT_ID,
    associationSet: [
      { main: true, routeTableAssociationId: v.MainRouteTableAssociationId, routeTableId: v.MainRouteTableId, associationState: { state: "associated" } },
    ],
    propagatingVgwSet: [],
    routeSet: [{ destinationCidrBlock: v.CidrBlock, gatewayId: "local", origin: "CreateRouteTable", state: "active" }],
    tagSet: tagSet(r.tags[v.MainRouteTableId]),
  };
}

/** The default network ACL AWS creates with a VPC: allow all, then the implicit deny (rule 32767), both ways. */
export function defaultNetworkAclShape(vpcId: string, v: VpcRecord, r: Ec2Records): Shape {
  const entry = (egress: boolean, ruleNumber: number, ruleAction: string) => ({
    cidrBlock: "0.0.0.0/0",
    egress,
    protocol: "-1",
    ruleAction,
    ruleNumber,
  });
  return {
    networkAclId: v.DefaultNetworkAclId,
    vpcId,
    default: true,
    ownerId: LOCAL_ACCOUNT_ID,
    entrySet: [entry(true, 100, "allow"), entry(true, 32767, "deny"), entry(false, 100, "allow"), entry(false, 32767, "deny")],
    associationSet: Object.entries(r.subnets)
      .filter(([, s]) => s.VpcId === vpcId)
      .map(([subnetId, s]) => ({ networkAclAssociationId: s.NetworkAclAssociationId, networkAclId: v.DefaultNetworkAclId, subnetId })),
    tagSet: tagSet(r.tags[v.DefaultNetworkAclId]),
  };
}
