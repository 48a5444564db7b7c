import { Ec2ApiError, ec2Errors } from "./api-error.js";
import { page, type Ec2Operation } from "./context.js";
import { read } from "./ec2-params.js";
import { matchesFilters, parseFilters, tagsOf } from "./filters.js";
import type { Ec2Records } from "./records.js";

/** CreateTags / DeleteTags / DescribeTags over every resource the stand-in keeps (EC2 API 2016-11-15). */

/** The resource type EC2 reports for an id, and whether it exists. */
function resourceOf(r: Ec2Records, id: string): string | undefined {
  if (r.vpcs[id]) return "vpc";
  if (r.subnets[id]) return "subnet";
  if (r.securityGroups[id]) return "security-group";
  for (const g of Object.values(r.securityGroups)) if (g.Rules.some((x) => x.SecurityGroupRuleId === id)) return "security-group-rule";
  for (const v of Object.values(r.vpcs)) {
    if (v.MainRouteTableId === id) return "route-table";
    if (v.DefaultNetworkAclId === id) return "network-acl";
  }
  return undefined;
}

/** EC2 names a missing resource by its id's kind (`InvalidVpcID.NotFound`), and an id of no known kind `InvalidID`. */
function notFound(id: string): Ec2ApiError {
  if (id.startsWith("vpc-")) return ec2Errors.vpcNotFound(id);
  if (id.startsWith("subnet-")) return ec2Errors.subnetNotFound(id);
  if (id.startsWith("sgr-")) return ec2Errors.ruleNotFound(id);
  if (id.startsWith("sg-")) return ec2Errors.groupNotFound(id);
  if (id.startsWith("rtb-")) return new Ec2ApiError("InvalidRouteTableID.NotFound", `The routeTable ID '${id}' does not exist`);
  if (id.startsWith("acl-")) return new Ec2ApiError("InvalidNetworkAclID.NotFound", `The networkAcl ID '${id}' does not exist`);
  return ec2Errors.invalidId(id);
}

export const createTags: Ec2Operation = async (params, ctx) => {
  const ids = read.strings(params, "ResourceId");
  if (ids.length === 0) throw ec2Errors.missing("ResourceId");
  const tags = tagsOf(read.list(params, "Tag"));
  if (Object.keys(tags).length === 0) throw ec2Errors.missing("Tag");
  // Keys: 1–128 characters, not starting with `aws:` (EC2 User Guide, "Tag restrictions").
  for (const k of Object.keys(tags)) {
    if (k.length > 128) throw ec2Errors.invalidValue(k, "key", "Tag keys must be between 1 and 128 characters.");
    if (k.toLowerCase().startsWith("aws:")) throw new Ec2ApiError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
  }
  await ctx.change((r) => {
    for (const id of ids) if (resourceOf(r, id) === undefined) throw notFound(id);
    for (const id of ids) r.tags[id] = { ...r.tags[id], ...tags };
  });
  return { return: true };
};

export const deleteTags: Ec2Operation = async (params, ctx) => {
  const ids = read.strings(params, "ResourceId");
  if (ids.length === 0) throw ec2Errors.missing("ResourceId");
  const given = read.list(params, "Tag");
  await ctx.change((r) => {
    for (const id of ids) if (resourceOf(r, id) === undefined) throw notFound(id);
    for (const id of ids) {
      const current = r.tags[id];
      if (!current) continue;
      // No Tag: every tag goes. A Tag with a Value removes the key only when the value matches.
      if (given.length === 0) delete r.tags[id];
      else
        for (const t of given) {
          const key = read.string(t, "Key");
          if (key === undefined || !Object.hasOwn(current, key)) continue;
          const value = read.string(t, "Value");
          if (value === undefined || current[key] === value) delete current[key];
        }
      if (r.tags[id] && Object.keys(r.tags[id]).length === 0) delete r.tags[id];
    }
  });
  return { return: true };
};

export const describeTags: Ec2Operation = async (params, ctx) => {
  const r = ctx.records();
  const filters = parseFilters(params);
  const all = Object.entries(r.tags).flatMap(([id, tags]) => {
    const type = resourceOf(r, id) ?? "";
    return Object.entries(tags).map(([key, value]) => ({ resourceId: id, resourceType: type, key, value }));
  });
  const found = all.filter((t) =>
    matchesFilters(filters, ["resource-id", "resource-type", "key", "value"], {
      "resource-id": t.resourceId,
      "resource-type": t.resourceType,
      key: t.key,
      value: t.value,
    }),
  );
  const { items, nextToken } = page(found, {
    ...params,
    ...(params.maxResults !== undefined ? { MaxResults: params.maxResults } : {}),
    ...(params.nextToken !== undefined ? { NextToken: params.nextToken } : {}),
  });
  return { tagSet: [...items], nextToken };
};
