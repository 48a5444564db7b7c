import { queryInteger, queryString, type QueryOperation } from "../../../core/query-api.js";
import type { QueryParams } from "../../../core/query-protocol.js";
import { deleteConflict, noSuchRole, roleExists } from "./errors.js";
import type { IamDeps } from "./iam-state.js";
import { descriptionParam, page, pathParam, pathPrefixParam, roleNameParam, tagsParam } from "./params.js";
import { policyDocumentParam } from "./policy-document.js";
import { tagOperations } from "./tags.js";
import { uniqueId, type IamRecords, type RoleRecord } from "./records.js";
import { roleShape } from "./shapes.js";

/** Roles (IAM API Reference CreateRole … ListRoles, TagRole …): recorded, never assumed or enforced. */

export function findRole(records: IamRecords, name: string): RoleRecord {
  const r = records.roles[name.toLowerCase()];
  if (!r) throw noSuchRole(name);
  return r;
}

/** MaxSessionDuration: 3600–43200 seconds, default 3600 (CreateRole). */
const maxSessionParam = (p: QueryParams) => queryInteger(p, "MaxSessionDuration", 3600, 43200);

export function roleOperations(d: IamDeps): Record<string, QueryOperation> {
  return {
    async CreateRole(p) {
      const name = roleNameParam(p);
      const path = pathParam(p);
      const doc = policyDocumentParam(p, "AssumeRolePolicyDocument", "trust");
      const description = descriptionParam(p);
      const max = maxSessionParam(p) ?? 3600;
      const tags = tagsParam(p);
      const boundary = queryString(p, "PermissionsBoundary");
      const seed = d.seed();
      const role = await d.change((r) => {
        if (r.roles[name.toLowerCase()]) throw roleExists(name);
        const role: RoleRecord = {
          RoleName: name,
          RoleId: uniqueId("AROA", seed),
          Path: path,
          CreateDate: d.now(),
          AssumeRolePolicyDocument: doc,
          ...(description !== undefined ? { Description: description } : {}),
          MaxSessionDuration: max,
          ...(boundary !== undefined ? { PermissionsBoundary: boundary } : {}),
          Tags: tags,
          AttachedPolicies: [],
          InlinePolicies: {},
        };
        r.roles[name.toLowerCase()] = role;
        return role;
      });
      return { Role: roleShape(role, true) };
    },
    GetRole(p) {
      return { Role: roleShape(findRole(d.read(), roleNameParam(p)), true) };
    },
    async UpdateRole(p) {
      const name = roleNameParam(p);
      const description = descriptionParam(p);
      const max = maxSessionParam(p);
      await d.change((r) => {
        const role = findRole(r, name);
        if (description !== undefined) role.Description = description;
        if (max !== undefined) role.MaxSessionDuration = max;
      });
      return {};
    },
    async UpdateRoleDescription(p) {
      const name = roleNameParam(p);
      const description = descriptionParam(p) ?? "";
      const role = await d.change((r) => {
        const role = findRole(r, name);
        role.Description = description;
        return role;
      });
      return { Role: roleShape(role, true) };
    },
    async UpdateAssumeRolePolicy(p) {
      const name = roleNameParam(p);
      const doc = policyDocumentParam(p, "PolicyDocument", "trust");
      await d.change((r) => {
        findRole(r, name).AssumeRolePolicyDocument = doc;
      });
      return undefined;
    },
    async DeleteRole(p) {
      const name = roleNameParam(p);
      await d.change((r) => {
        const role = findRole(r, name);
        // IAM refuses while anything still hangs on the role (DeleteRole "Errors": DeleteConflict).
        if (role.AttachedPolicies.length > 0) throw deleteConflict.attachedPolicies();
        if (Object.keys(role.InlinePolicies).length > 0) throw deleteConflict.inlinePolicies();
        delete r.roles[name.toLowerCase()];
      });
      return undefined;
    },
    ListRoles(p) {
      const prefix = pathPrefixParam(p);
      const roles = sortedRoles(d.read()).filter((r) => r.Path.startsWith(prefix));
      const { items, ...more } = page(roles, p);
      return { Roles: items.map((r) => roleShape(r, false)), ...more };
    },
    ListInstanceProfilesForRole(p) {
      // Instance profiles are not kept: a known role has none (Terraform's role delete lists them).
      findRole(d.read(), roleNameParam(p));
      return { InstanceProfiles: [], IsTruncated: false };
    },
    ...tagOperations(d, "Role", (p) => roleNameParam(p), findRole),
  };
}

/** ListRoles order: by name, case-insensitively. */
const sortedRoles = (r: IamRecords) => Object.values(r.roles).sort((a, b) => a.RoleName.toLowerCase().localeCompare(b.RoleName.toLowerCase()));
