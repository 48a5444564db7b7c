import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { Ec2ApiError, ec2Errors } from "./api-error.js";
import { contains, isNetworkAddress, overlaps, parseCidr } from "./cidr.js";
import { page, type Ec2Operation } from "./context.js";
import { read, type Ec2Params } from "./ec2-params.js";
import { matchesFilters, parseFilters, specifiedTags } from "./filters.js";
import { availabilityZones, newSubnet, newVpc, type Ec2Records } from "./records.js";
import { defaultNetworkAclShape, mainRouteTableShape, subnetShape, vpcShape } from "./shapes.js";

/** VPCs, subnets and what AWS creates with them (EC2 API 2016-11-15), as records. */

const VPC_FILTERS = ["vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default", "isDefault", "state", "owner-id", "dhcp-options-id"];
const SUBNET_FILTERS = [
  "subnet-id",
  "vpc-id",
  "cidr-block",
  "cidr",
  "cidrBlock",
  "availability-zone",
  "availabilityZone",
  "availability-zone-id",
  "default-for-az",
  "defaultForAz",
  "state",
  "owner-id",
  "map-public-ip-on-launch",
  "subnet-arn",
];

function requireVpc(r: Ec2Records, id: string | undefined): string {
  if (id === undefined) throw ec2Errors.missing("VpcId");
  if (!r.vpcs[id]) throw ec2Errors.vpcNotFound(id);
  return id;
}

function requireSubnet(r: Ec2Records, id: string | undefined): string {
  if (id === undefined) throw ec2Errors.missing("SubnetId");
  if (!r.subnets[id]) throw ec2Errors.subnetNotFound(id);
  return id;
}

/** The ids asked for by `<Key>.N`, each of which must exist (EC2 answers NotFound naming the first that does not). */
function askedIds(params: Ec2Params, key: string, known: Record<string, unknown>, notFound: (id: string) => Error): string[] | undefined {
  const ids = read.strings(params, key);
  if (ids.length === 0) return undefined;
  const missing = ids.find((id) => !Object.hasOwn(known, id));
  if (missing !== undefined) throw notFound(missing);
  return ids;
}

export const createVpc: Ec2Operation = async (params, ctx) => {
  const cidr = read.string(params, "CidrBlock");
  if (cidr === undefined) throw ec2Errors.missing("CidrBlock");
  const block = parseCidr(cidr);
  if (!block || !isNetworkAddress(block)) throw ec2Errors.invalidCidr(cidr, "cidrBlock");
  // A VPC's block is /16 to /28 (VPC User Guide, "VPC CIDR blocks").
  if (block.prefix < 16 || block.prefix > 28) throw ec2Errors.vpcRange(cidr);
  const tenancy = read.string(params, "InstanceTenancy") ?? "default";
  if (!["default", "dedicated", "host"].includes(tenancy)) throw ec2Errors.invalidValue(tenancy, "instanceTenancy");
  const tags = specifiedTags(params, "vpc");
  const id = ctx.newId("vpc");
  const r = await ctx.change((r) => {
    const { vpc, group } = newVpc(ctx.newId, cidr, false, tenancy);
    group.VpcId = id;
    r.vpcs[id] = vpc;
    r.securityGroups[vpc.DefaultSecurityGroupId] = group;
    if (Object.keys(tags).length) r.tags[id] = tags;
    return r;
  });
  return { vpc: vpcShape(id, r.vpcs[id]!, r) };
};

export const describeVpcs: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = askedIds(params, "VpcId", r.vpcs, ec2Errors.vpcNotFound);
  const found = Object.entries(r.vpcs).filter(
    ([id, v]) =>
      (!ids || ids.includes(id)) &&
      matchesFilters(
        filters,
        VPC_FILTERS,
        {
          "vpc-id": id,
          cidr: v.CidrBlock,
          "cidr-block-association.cidr-block": v.CidrBlock,
          "is-default": v.IsDefault,
          isDefault: v.IsDefault,
          state: "available",
          "owner-id": LOCAL_ACCOUNT_ID,
          "dhcp-options-id": v.DhcpOptionsId,
        },
        r.tags[id],
      ),
  );
  const { items, nextToken } = page(found, params);
  return { vpcSet: items.map(([id, v]) => vpcShape(id, v, r)), nextToken };
};

export const deleteVpc: Ec2Operation = async (params, ctx) => {
  await ctx.change((r) => {
    const id = requireVpc(r, read.string(params, "VpcId"));
    const vpc = r.vpcs[id]!;
    // A VPC with subnets or security groups of its own (the default group aside) cannot be deleted.
    const hasSubnets = Object.values(r.subnets).some((s) => s.VpcId === id);
    const hasGroups = Object.entries(r.securityGroups).some(([gid, g]) => g.VpcId === id && gid !== vpc.DefaultSecurityGroupId);
    if (hasSubnets || hasGroups) throw ec2Errors.dependencyViolation("vpc", id);
    delete r.vpcs[id];
    delete r.securityGroups[vpc.DefaultSecurityGroupId];
    for (const owned of [id, vpc.DefaultSecurityGroupId, vpc.MainRouteTableId, vpc.DefaultNetworkAclId]) delete r.tags[owned];
  });
  return { return: true };
};

const VPC_ATTRIBUTES = {
  enableDnsSupport: "EnableDnsSupport",
  enableDnsHostnames: "EnableDnsHostnames",
  enableNetworkAddressUsageMetrics: "EnableNetworkAddressUsageMetrics",
} as const;

export const describeVpcAttribute: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const id = requireVpc(r, read.string(params, "VpcId"));
  const attribute = read.string(params, "Attribute");
  if (attribute === undefined) throw ec2Errors.missing("Attribute");
  if (!Object.hasOwn(VPC_ATTRIBUTES, attribute)) throw ec2Errors.invalidValue(attribute, "attribute");
  const field = VPC_ATTRIBUTES[attribute as keyof typeof VPC_ATTRIBUTES];
  return { vpcId: id, [attribute]: { value: r.vpcs[id]![field] } };
};

export const modifyVpcAttribute: Ec2Operation = async (params, ctx) => {
  const given = Object.values(VPC_ATTRIBUTES).filter((f) => read.boolean(params, f) !== undefined);
  // EC2 takes one attribute per call (API Reference, ModifyVpcAttribute: "You can only modify one attribute at a time").
  if (given.length !== 1)
    throw given.length === 0
      ? ec2Errors.missing("EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics")
      : ec2Errors.invalidValue(given.join(", "), "attribute", "Only one attribute can be modified at a time.");
  await ctx.change((r) => {
    const id = requireVpc(r, read.string(params, "VpcId"));
    const vpc = r.vpcs[id]!;
    const field = given[0]!;
    const value = read.boolean(params, field)!;
    // DNS hostnames need DNS resolution (VPC User Guide, "DNS attributes in your VPC").
    if (field === "EnableDnsHostnames" && value && !vpc.EnableDnsSupport)
      throw ec2Errors.invalidValue("true", "enableDnsHostnames", "enableDnsHostnames can only be set to true when enableDnsSupport is also true.");
    vpc[field] = value;
  });
  return { return: true };
};

export const describeAvailabilityZones: Ec2Operation = async (params, ctx) => {
  const filters = parseFilters(params);
  const names = read.strings(params, "ZoneName");
  const ids = read.strings(params, "ZoneId");
  const zones = availabilityZones(ctx.region).filter(
    (z) =>
      (names.length === 0 || names.includes(z.ZoneName)) &&
      (ids.length === 0 || ids.includes(z.ZoneId)) &&
      matchesFilters(filters, ["zone-name", "zone-id", "region-name", "state", "zone-type", "opt-in-status", "group-name"], {
        "zone-name": z.ZoneName,
        "zone-id": z.ZoneId,
        "region-name": ctx.region,
        state: "available",
        "zone-type": "availability-zone",
        "opt-in-status": "opt-in-not-required",
        "group-name": ctx.region,
      }),
  );
  const unknown = names.find((n) => !zones.some((z) => z.ZoneName === n));
  if (unknown !== undefined) throw ec2Errors.invalidValue(unknown, "zoneNames");
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneState: "available",
      optInStatus: "opt-in-not-required",
      messageSet: [],
      regionName: ctx.region,
      zoneName: z.ZoneName,
      zoneId: z.ZoneId,
      groupName: ctx.region,
      networkBorderGroup: ctx.region,
      zoneType: "availability-zone",
    })),
  };
};

function zoneIdOf(region: string): (zone: string) => string {
  const zones = availabilityZones(region);
  return (zone) => zones.find((z) => z.ZoneName === zone)?.ZoneId ?? zone;
}

export const createSubnet: Ec2Operation = async (params, ctx) => {
  const cidr = read.string(params, "CidrBlock");
  if (cidr === undefined) throw ec2Errors.missing("CidrBlock");
  const block = parseCidr(cidr);
  if (!block || !isNetworkAddress(block)) throw ec2Errors.invalidCidr(cidr, "cidrBlock");
  const zones = availabilityZones(ctx.region);
  const zoneId = read.string(params, "AvailabilityZoneId");
  const zone =
    read.string(params, "AvailabilityZone") ?? zones.find((z) => z.ZoneId === zoneId)?.ZoneName ?? (zoneId === undefined ? zones[0]!.ZoneName : undefined);
  if (zone === undefined || !zones.some((z) => z.ZoneName === zone))
    throw ec2Errors.invalidValue(
      zone ?? zoneId ?? "",
      zone ? "availabilityZone" : "availabilityZoneId",
      `Subnets can currently only be created in the following availability zones: ${zones.map((z) => z.ZoneName).join(", ")}.`,
    );
  const tags = specifiedTags(params, "subnet");
  const id = ctx.newId("subnet");
  const r = await ctx.change((r) => {
    const vpcId = requireVpc(r, read.string(params, "VpcId"));
    const vpcBlock = parseCidr(r.vpcs[vpcId]!.CidrBlock)!;
    // A subnet is /16 to /28 and inside its VPC's block (VPC User Guide, "Subnet CIDR blocks").
    if (!contains(vpcBlock, block) || block.prefix > 28) throw ec2Errors.subnetRange(cidr);
    if (Object.values(r.subnets).some((s) => s.VpcId === vpcId && overlaps(parseCidr(s.CidrBlock)!, block))) throw ec2Errors.subnetConflict(cidr);
    r.subnets[id] = newSubnet(ctx.newId, vpcId, cidr, zone, false);
    if (Object.keys(tags).length) r.tags[id] = tags;
    return r;
  });
  return { subnet: subnetShape(id, r.subnets[id]!, r, ctx.region, zoneIdOf(ctx.region)) };
};

export const describeSubnets: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = askedIds(params, "SubnetId", r.subnets, ec2Errors.subnetNotFound);
  const zoneId = zoneIdOf(ctx.region);
  const found = Object.entries(r.subnets).filter(
    ([id, s]) =>
      (!ids || ids.includes(id)) &&
      matchesFilters(
        filters,
        SUBNET_FILTERS,
        {
          "subnet-id": id,
          "vpc-id": s.VpcId,
          "cidr-block": s.CidrBlock,
          cidr: s.CidrBlock,
          cidrBlock: s.CidrBlock,
          "availability-zone": s.AvailabilityZone,
          availabilityZone: s.AvailabilityZone,
          "availability-zone-id": zoneId(s.AvailabilityZone),
          "default-for-az": s.DefaultForAz,
          defaultForAz: s.DefaultForAz,
          state: "available",
          "owner-id": LOCAL_ACCOUNT_ID,
          "map-public-ip-on-launch": s.MapPublicIpOnLaunch,
          "subnet-arn": `arn:aws:ec2:${ctx.region}:${LOCAL_ACCOUNT_ID}:subnet/${id}`,
        },
        r.tags[id],
      ),
  );
  const { items, nextToken } = page(found, params);
  return { subnetSet: items.map(([id, s]) => subnetShape(id, s, r, ctx.region, zoneId)), nextToken };
};

export const deleteSubnet: Ec2Operation = async (params, ctx) => {
  await ctx.change((r) => {
    const id = requireSubnet(r, read.string(params, "SubnetId"));
    delete r.subnets[id];
    delete r.tags[id];
  });
  return { return: true };
};

const SUBNET_BOOLEANS = [
  "MapPublicIpOnLaunch",
  "AssignIpv6AddressOnCreation",
  "EnableDns64",
  "EnableResourceNameDnsARecordOnLaunch",
  "EnableResourceNameDnsAAAARecordOnLaunch",
] as const;

export const modifySubnetAttribute: Ec2Operation = async (params, ctx) => {
  await ctx.change((r) => {
    const id = requireSubnet(r, read.string(params, "SubnetId"));
    const s = r.subnets[id]!;
    for (const f of SUBNET_BOOLEANS) {
      const v = read.boolean(params, f);
      if (v !== undefined) s[f] = v;
    }
    const hostnameType = read.string(params, "PrivateDnsHostnameTypeOnLaunch");
    if (hostnameType !== undefined) {
      if (hostnameType !== "ip-name" && hostnameType !== "resource-name") throw ec2Errors.invalidValue(hostnameType, "PrivateDnsHostnameTypeOnLaunch");
      s.HostnameType = hostnameType;
    }
  });
  return { return: true };
};

export const describeRouteTables: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = read.strings(params, "RouteTableId");
  const found = Object.entries(r.vpcs).filter(
    ([vpcId, v]) =>
      (ids.length === 0 || ids.includes(v.MainRouteTableId)) &&
      matchesFilters(
        filters,
        ["vpc-id", "route-table-id", "association.main", "association.route-table-association-id", "owner-id"],
        {
          "vpc-id": vpcId,
          "route-table-id": v.MainRouteTableId,
          "association.main": true,
          "association.route-table-association-id": v.MainRouteTableAssociationId,
          "owner-id": LOCAL_ACCOUNT_ID,
        },
        r.tags[v.MainRouteTableId],
      ),
  );
  const missing = ids.find((id) => !found.some(([, v]) => v.MainRouteTableId === id));
  if (missing !== undefined) throw new Ec2ApiError("InvalidRouteTableID.NotFound", `The routeTable ID '${missing}' does not exist`);
  return { routeTableSet: found.map(([vpcId, v]) => mainRouteTableShape(vpcId, v, r)) };
};

export const describeNetworkAcls: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = read.strings(params, "NetworkAclId");
  const found = Object.entries(r.vpcs).filter(
    ([vpcId, v]) =>
      (ids.length === 0 || ids.includes(v.DefaultNetworkAclId)) &&
      matchesFilters(
        filters,
        ["vpc-id", "network-acl-id", "default", "association.subnet-id", "owner-id"],
        {
          "vpc-id": vpcId,
          "network-acl-id": v.DefaultNetworkAclId,
          default: true,
          "association.subnet-id": Object.entries(r.subnets)
            .filter(([, s]) => s.VpcId === vpcId)
            .map(([id]) => id),
          "owner-id": LOCAL_ACCOUNT_ID,
        },
        r.tags[v.DefaultNetworkAclId],
      ),
  );
  return { networkAclSet: found.map(([vpcId, v]) => defaultNetworkAclShape(vpcId, v, r)) };
};

/** No internet gateways, network interfaces or instances exist locally: these lists are empty (filters still checked for shape). */
export const describeEmpty =
  (set: string): Ec2Operation =>
  async (params) => {
    parseFilters(params);
    parseFilters(params, "filter");
    return { [set]: [] };
  };
