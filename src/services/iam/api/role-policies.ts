import type { QueryOperation } from "../../../core/query-api.js";
import { noSuchPolicy, noSuchRolePolicy, notAttachable } from "./errors.js";
import type { IamDeps } from "./iam-state.js";
import { policyArnParam, page, pathPrefixParam, policyNameParam, roleNameParam } from "./params.js";
import { attachablePolicyName } from "./policies.js";
import { policyDocumentParam } from "./policy-document.js";
import { AWS_MANAGED_POLICY, findPolicyByArn } from "./records.js";
import { findRole } from "./roles.js";
import { encodeDocument } from "./shapes.js";

/**
 * What hangs on a role: managed policies attached by ARN (AttachRolePolicy …) and inline policies
 * (PutRolePolicy …), recorded so DeleteRole / DeletePolicy refuse as IAM does; never evaluated.
 */
export function rolePolicyOperations(d: IamDeps): Record<string, QueryOperation> {
  return {
    async AttachRolePolicy(p) {
      const name = roleNameParam(p);
      const arn = policyArnParam(p);
      await d.change((r) => {
        const role = findRole(r, name);
        if (attachablePolicyName(r, arn) === undefined) throw notAttachable(arn);
        // Attaching an attached policy again changes nothing and succeeds, as in IAM.
        if (!role.AttachedPolicies.includes(arn)) role.AttachedPolicies.push(arn);
      });
      return undefined;
    },
    async DetachRolePolicy(p) {
      const name = roleNameParam(p);
      const arn = policyArnParam(p);
      await d.change((r) => {
        const role = findRole(r, name);
        if (!role.AttachedPolicies.includes(arn)) throw noSuchPolicy(arn);
        role.AttachedPolicies = role.AttachedPolicies.filter((a) => a !== arn);
      });
      return undefined;
    },
    ListAttachedRolePolicies(p) {
      const r = d.read();
      const role = findRole(r, roleNameParam(p));
      const prefix = pathPrefixParam(p);
      const attached = role.AttachedPolicies.flatMap((arn) => {
        const path = AWS_MANAGED_POLICY.test(arn) ? arn.slice("arn:aws:iam::aws:policy".length) : (findPolicyByArn(r, arn)?.Path ?? "/");
        const name = attachablePolicyName(r, arn) ?? arn.slice(arn.lastIndexOf("/") + 1);
        return path.startsWith(prefix) ? [{ PolicyName: name, PolicyArn: arn }] : [];
      });
      const { items, ...more } = page(attached, p);
      return { AttachedPolicies: items, ...more };
    },
    async PutRolePolicy(p) {
      const name = roleNameParam(p);
      const policyName = policyNameParam(p);
      const doc = policyDocumentParam(p, "PolicyDocument", "identity");
      await d.change((r) => {
        // Putting a name the role has replaces that policy (PutRolePolicy).
        findRole(r, name).InlinePolicies[policyName] = doc;
      });
      return undefined;
    },
    GetRolePolicy(p) {
      const role = findRole(d.read(), roleNameParam(p));
      const policyName = policyNameParam(p);
      const doc = role.InlinePolicies[policyName];
      if (doc === undefined) throw noSuchRolePolicy(policyName);
      return { RoleName: role.RoleName, PolicyName: policyName, PolicyDocument: encodeDocument(doc) };
    },
    async DeleteRolePolicy(p) {
      const name = roleNameParam(p);
      const policyName = policyNameParam(p);
      await d.change((r) => {
        const role = findRole(r, name);
        if (role.InlinePolicies[policyName] === undefined) throw noSuchRolePolicy(policyName);
        delete role.InlinePolicies[policyName];
      });
      return undefined;
    },
    ListRolePolicies(p) {
      const role = findRole(d.read(), roleNameParam(p));
      const { items, ...more } = page(Object.keys(role.InlinePolicies).sort(), p);
      return { PolicyNames: items, ...more };
    },
  };
}
