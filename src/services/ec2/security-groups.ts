import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { Ec2ApiError, ec2Errors } from "./api-error.js";
import { page, type Ec2Operation } from "./context.js";
import { read, type Ec2Params } from "./ec2-params.js";
import { matchesFilters, parseFilters, specifiedTags } from "./filters.js";
import type { Ec2Records, RuleRecord } from "./records.js";
import { ruleShape, securityGroupShape } from "./shapes.js";

/**
 * Security groups and their rules (EC2 API 2016-11-15) as records: described, never enforced on
 * traffic. A rule is kept per peer, as DescribeSecurityGroupRules lists them; DescribeSecurityGroups
 * groups them back into IpPermissions.
 */

const GROUP_FILTERS = ["group-id", "group-name", "vpc-id", "description", "owner-id"];
const RULE_FILTERS = ["group-id", "security-group-rule-id"];

function defaultVpcId(r: Ec2Records): string | undefined {
  return Object.entries(r.vpcs).find(([, v]) => v.IsDefault)?.[0];
}

/** The group a call names by GroupId, or by GroupName in the default VPC (EC2's rule for GroupName). */
function requireGroup(r: Ec2Records, params: Ec2Params): string {
  const id = read.string(params, "GroupId");
  if (id !== undefined) {
    if (!r.securityGroups[id]) throw ec2Errors.groupNotFound(id);
    return id;
  }
  const name = read.string(params, "GroupName");
  if (name === undefined) throw ec2Errors.missing("GroupId");
  const vpc = defaultVpcId(r) ?? "";
  const found = Object.entries(r.securityGroups).find(([, g]) => g.GroupName === name && g.VpcId === vpc);
  if (!found) throw ec2Errors.groupNameNotFound(name, vpc);
  return found[0];
}

export const createSecurityGroup: Ec2Operation = async (params, ctx) => {
  const name = read.string(params, "GroupName");
  if (name === undefined) throw ec2Errors.missing("GroupName");
  const description = read.string(params, "GroupDescription");
  if (description === undefined) throw ec2Errors.missing("GroupDescription");
  // Names and descriptions: up to 255 characters; a name may not start with `sg-` (API Reference, CreateSecurityGroup).
  if (name.length > 255 || name.length === 0) throw ec2Errors.invalidValue(name, "groupName");
  if (name.toLowerCase().startsWith("sg-")) throw ec2Errors.invalidValue(name, "groupName", "Group names may not be in the format sg-*.");
  if (description.length > 255) throw ec2Errors.invalidValue(description, "groupDescription");
  const tags = specifiedTags(params, "security-group");
  const id = ctx.newId("sg");
  const r = await ctx.change((r) => {
    const vpcId = read.string(params, "VpcId") ?? defaultVpcId(r);
    if (vpcId === undefined) throw new Ec2ApiError("VPCIdNotSpecified", "No default VPC for this user");
    if (!r.vpcs[vpcId]) throw ec2Errors.vpcNotFound(vpcId);
    if (Object.values(r.securityGroups).some((g) => g.VpcId === vpcId && g.GroupName === name)) throw ec2Errors.groupDuplicate(name, vpcId);
    // A new group allows all outbound traffic until that rule is revoked (VPC User Guide, "Security group rules").
    r.securityGroups[id] = {
      GroupName: name,
      Description: description,
      VpcId: vpcId,
      Rules: [{ SecurityGroupRuleId: ctx.newId("sgr"), IsEgress: true, IpProtocol: "-1", CidrIpv4: "0.0.0.0/0" }],
    };
    if (Object.keys(tags).length) r.tags[id] = tags;
    return r;
  });
  return { return: true, groupId: id, tagSet: securityGroupShape(id, r.securityGroups[id]!, r).tagSet };
};

export const describeSecurityGroups: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = read.strings(params, "GroupId");
  const names = read.strings(params, "GroupName");
  const missing = ids.find((id) => !r.securityGroups[id]);
  if (missing !== undefined) throw ec2Errors.groupNotFound(missing);
  const vpc = defaultVpcId(r) ?? "";
  const unnamed = names.find((n) => !Object.values(r.securityGroups).some((g) => g.GroupName === n && g.VpcId === vpc));
  if (unnamed !== undefined) throw ec2Errors.groupNameNotFound(unnamed, vpc);
  const found = Object.entries(r.securityGroups).filter(
    ([id, g]) =>
      (ids.length === 0 || ids.includes(id)) &&
      (names.length === 0 || (names.includes(g.GroupName) && g.VpcId === vpc)) &&
      matchesFilters(
        filters,
        GROUP_FILTERS,
        { "group-id": id, "group-name": g.GroupName, "vpc-id": g.VpcId, description: g.Description, "owner-id": LOCAL_ACCOUNT_ID },
        r.tags[id],
      ),
  );
  const { items, nextToken } = page(found, params);
  return { securityGroupInfo: items.map(([id, g]) => securityGroupShape(id, g, r)), nextToken };
};

export const deleteSecurityGroup: Ec2Operation = async (params, ctx) => {
  await ctx.change((r) => {
    const id = requireGroup(r, params);
    const g = r.securityGroups[id]!;
    if (g.GroupName === "default" && r.vpcs[g.VpcId]?.DefaultSecurityGroupId === id) throw ec2Errors.cannotDeleteDefault(id);
    // A group another group's rule references is in use (API Reference, DeleteSecurityGroup: DependencyViolation).
    const referenced = Object.entries(r.securityGroups).some(([other, o]) => other !== id && o.Rules.some((x) => x.ReferencedGroupId === id));
    if (referenced) throw ec2Errors.groupInUse(id);
    for (const rule of g.Rules) delete r.tags[rule.SecurityGroupRuleId];
    delete r.securityGroups[id];
    delete r.tags[id];
  });
  return { return: true };
};

/** The rules an Authorize/Revoke call names: `IpPermissions.N` with one rule per peer, or the legacy top-level CidrIp form. */
function rulesOf(params: Ec2Params, isEgress: boolean, r: Ec2Records): Omit<RuleRecord, "SecurityGroupRuleId">[] {
  const perms = read.list(params, "IpPermissions");
  if (perms.length === 0 && read.string(params, "IpProtocol") !== undefined) {
    perms.push({
      IpProtocol: read.string(params, "IpProtocol")!,
      ...(read.string(params, "FromPort") !== undefined ? { FromPort: read.string(params, "FromPort")! } : {}),
      ...(read.string(params, "ToPort") !== undefined ? { ToPort: read.string(params, "ToPort")! } : {}),
      ...(read.string(params, "CidrIp") !== undefined ? { IpRanges: [{ CidrIp: read.string(params, "CidrIp")! }] } : {}),
    });
  }
  const out: Omit<RuleRecord, "SecurityGroupRuleId">[] = [];
  for (const p of perms) {
    const protocol = normaliseProtocol(read.string(p, "IpProtocol"));
    const all = protocol === "-1";
    const from = all ? undefined : read.integer(p, "FromPort");
    const to = all ? undefined : read.integer(p, "ToPort");
    if (!all && (protocol === "tcp" || protocol === "udp")) {
      if (from === undefined || to === undefined)
        throw ec2Errors.invalidValue(String(from ?? to ?? ""), "FromPort/ToPort", "Invalid value. Must specify both from and to ports with TCP/UDP.");
      if (from < 0 || to > 65535 || from > to) throw new Ec2ApiError("InvalidParameterValue", `Invalid TCP/UDP port range: ${from}-${to}`);
    }
    const base = { IsEgress: isEgress, IpProtocol: protocol, FromPort: from, ToPort: to };
    const peers: Partial<RuleRecord>[] = [
      ...read.list(p, "IpRanges").map((x) => ({ CidrIpv4: read.string(x, "CidrIp"), Description: read.string(x, "Description") })),
      ...read.list(p, "Ipv6Ranges").map((x) => ({ CidrIpv6: read.string(x, "CidrIpv6"), Description: read.string(x, "Description") })),
      ...read.list(p, "PrefixListIds").map((x) => ({ PrefixListId: read.string(x, "PrefixListId"), Description: read.string(x, "Description") })),
      ...read.list(p, "Groups").map((x) => ({ ReferencedGroupId: read.string(x, "GroupId"), Description: read.string(x, "Description") })),
    ];
    for (const peer of peers) {
      if (peer.ReferencedGroupId !== undefined && !r.securityGroups[peer.ReferencedGroupId]) throw ec2Errors.groupNotFound(peer.ReferencedGroupId);
      if (peer.CidrIpv4 !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(peer.CidrIpv4)) throw ec2Errors.invalidCidr(peer.CidrIpv4, "cidrIp");
      out.push(Object.fromEntries(Object.entries({ ...base, ...peer }).filter(([, v]) => v !== undefined)) as Omit<RuleRecord, "SecurityGroupRuleId">);
    }
  }
  if (out.length === 0) throw ec2Errors.missing("IpPermissions");
  return out;
}

/** EC2 takes protocol names or numbers; 6, 17, 1 are stored as tcp, udp, icmp and all numbers ≥ 0 as given. */
function normaliseProtocol(p: string | undefined): string {
  if (p === undefined) throw ec2Errors.missing("IpProtocol");
  const lower = p.toLowerCase();
  const named = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", all: "-1" }[lower];
  if (named) return named;
  if (["tcp", "udp", "icmp", "icmpv6", "-1"].includes(lower) || /^\d{1,3}$/.test(lower)) return lower;
  throw ec2Errors.invalidValue(p, "ipProtocol");
}

const samePeer = (a: Omit<RuleRecord, "SecurityGroupRuleId">, b: Omit<RuleRecord, "SecurityGroupRuleId">) =>
  a.IsEgress === b.IsEgress &&
  a.IpProtocol === b.IpProtocol &&
  a.FromPort === b.FromPort &&
  a.ToPort === b.ToPort &&
  a.CidrIpv4 === b.CidrIpv4 &&
  a.CidrIpv6 === b.CidrIpv6 &&
  a.PrefixListId === b.PrefixListId &&
  a.ReferencedGroupId === b.ReferencedGroupId;

function describeRule(x: Omit<RuleRecord, "SecurityGroupRuleId">): string {
  const peer = x.CidrIpv4 ?? x.CidrIpv6 ?? x.PrefixListId ?? x.ReferencedGroupId ?? "";
  const ports = x.FromPort === undefined ? "ALL" : `from port: ${x.FromPort}, to port: ${x.ToPort}`;
  return `peer: ${peer}, ${x.IpProtocol === "-1" ? "ALL" : x.IpProtocol.toUpperCase()}, ${ports}, ALLOW`;
}

const authorize =
  (isEgress: boolean): Ec2Operation =>
  async (params, ctx) => {
    const tags = specifiedTags(params, "security-group-rule");
    const added = await ctx.change((r) => {
      const id = requireGroup(r, params);
      const g = r.securityGroups[id]!;
      const rules = rulesOf(params, isEgress, r);
      const dup = rules.find((x) => g.Rules.some((y) => samePeer(x, y)));
      if (dup) throw ec2Errors.permissionDuplicate(describeRule(dup));
      const made = rules.map((x) => ({ ...x, SecurityGroupRuleId: ctx.newId("sgr") }));
      g.Rules.push(...made);
      if (Object.keys(tags).length) for (const m of made) r.tags[m.SecurityGroupRuleId] = { ...tags };
      return { id, made, r };
    });
    return { return: true, securityGroupRuleSet: added.made.map((m) => ruleShape(added.id, m, added.r)) };
  };

const revoke =
  (isEgress: boolean): Ec2Operation =>
  async (params, ctx) => {
    await ctx.change((r) => {
      const id = requireGroup(r, params);
      const g = r.securityGroups[id]!;
      const ruleIds = read.strings(params, "SecurityGroupRuleId");
      let gone: RuleRecord[];
      if (ruleIds.length) {
        const unknown = ruleIds.find((rid) => !g.Rules.some((x) => x.SecurityGroupRuleId === rid && x.IsEgress === isEgress));
        if (unknown !== undefined) throw ec2Errors.ruleNotFound(unknown);
        gone = g.Rules.filter((x) => ruleIds.includes(x.SecurityGroupRuleId));
      } else {
        const rules = rulesOf(params, isEgress, r);
        gone = g.Rules.filter((y) => rules.some((x) => samePeer(x, y)));
        if (gone.length < rules.length) throw ec2Errors.permissionNotFound();
      }
      g.Rules = g.Rules.filter((x) => !gone.includes(x));
      for (const x of gone) delete r.tags[x.SecurityGroupRuleId];
    });
    return { return: true };
  };

export const authorizeSecurityGroupIngress = authorize(false);
export const authorizeSecurityGroupEgress = authorize(true);
export const revokeSecurityGroupIngress = revoke(false);
export const revokeSecurityGroupEgress = revoke(true);

export const describeSecurityGroupRules: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const ids = read.strings(params, "SecurityGroupRuleId");
  const all = Object.entries(r.securityGroups).flatMap(([gid, g]) => g.Rules.map((rule) => ({ gid, rule })));
  const missing = ids.find((id) => !all.some((x) => x.rule.SecurityGroupRuleId === id));
  if (missing !== undefined) throw ec2Errors.ruleNotFound(missing);
  const found = all.filter(
    ({ gid, rule }) =>
      (ids.length === 0 || ids.includes(rule.SecurityGroupRuleId)) &&
      matchesFilters(filters, RULE_FILTERS, { "group-id": gid, "security-group-rule-id": rule.SecurityGroupRuleId }, r.tags[rule.SecurityGroupRuleId]),
  );
  const { items, nextToken } = page(found, params);
  return { securityGroupRuleSet: items.map(({ gid, rule }) => ruleShape(gid, rule, r)), nextToken };
};

/** ModifySecurityGroupRules: a rule's peer, ports and description replaced in place (`SecurityGroupRule.N.SecurityGroupRule`). */
export const modifySecurityGroupRules: Ec2Operation = async (params, ctx) => {
  await ctx.change((r) => {
    const id = requireGroup(r, params);
    const g = r.securityGroups[id]!;
    for (const item of read.list(params, "SecurityGroupRule")) {
      const ruleId = read.string(item, "SecurityGroupRuleId") ?? "";
      const rule = g.Rules.find((x) => x.SecurityGroupRuleId === ruleId);
      if (!rule) throw ec2Errors.ruleNotFound(ruleId);
      const req = read.struct(item, "SecurityGroupRule") ?? {};
      const protocol = normaliseProtocol(read.string(req, "IpProtocol") ?? rule.IpProtocol);
      const all = protocol === "-1";
      const next: RuleRecord = { SecurityGroupRuleId: ruleId, IsEgress: rule.IsEgress, IpProtocol: protocol };
      if (!all) {
        next.FromPort = read.integer(req, "FromPort");
        next.ToPort = read.integer(req, "ToPort");
      }
      const peer = {
        CidrIpv4: read.string(req, "CidrIpv4"),
        CidrIpv6: read.string(req, "CidrIpv6"),
        PrefixListId: read.string(req, "PrefixListId"),
        ReferencedGroupId: read.string(req, "ReferencedGroupId"),
        Description: read.string(req, "Description"),
      };
      Object.assign(next, Object.fromEntries(Object.entries(peer).filter(([, v]) => v !== undefined)));
      g.Rules[g.Rules.indexOf(rule)] = next;
    }
  });
  return { return: true };
};

/** UpdateSecurityGroupRuleDescriptionsIngress/Egress: descriptions of existing rules, matched by peer. */
const updateDescriptions =
  (isEgress: boolean): Ec2Operation =>
  async (params, ctx) => {
    await ctx.change((r) => {
      const id = requireGroup(r, params);
      const g = r.securityGroups[id]!;
      for (const x of rulesOf(params, isEgress, r)) {
        const rule = g.Rules.find((y) => samePeer(x, y));
        if (!rule) throw ec2Errors.permissionNotFound();
        if (x.Description === undefined) delete rule.Description;
        else rule.Description = x.Description;
      }
    });
    return { return: true };
  };
export const updateSecurityGroupRuleDescriptionsIngress = updateDescriptions(false);
export const updateSecurityGroupRuleDescriptionsEgress = updateDescriptions(true);
