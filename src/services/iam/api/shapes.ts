import type { XmlValue } from "../../../core/query-protocol.js";
import { policyArn, roleArn, type IamRecords, type PolicyRecord, type PolicyVersionRecord, type RoleRecord } from "./records.js";

/**
 * The IAM API's output shapes (2010-05-08: Role, Policy, PolicyVersion). Policy documents go out
 * URL-encoded, as IAM returns them (IAM API Reference GetRole / GetPolicyVersion / GetRolePolicy:
 * "The policy document returned in this structure is URL-encoded compliant with RFC 3986"): the
 * AWS CLI and Terraform decode them, SDK users call decodeURIComponent.
 */
export const encodeDocument = (doc: string) => encodeURIComponent(doc);

/** `full`: GetRole / CreateRole; ListRoles leaves out Tags, RoleLastUsed and PermissionsBoundary (IAM API Reference ListRoles). */
export function roleShape(r: RoleRecord, full: boolean): XmlValue {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: roleArn(r),
    CreateDate: r.CreateDate,
    AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
    Description: r.Description,
    MaxSessionDuration: r.MaxSessionDuration,
    ...(full && r.PermissionsBoundary ? { PermissionsBoundary: { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: r.PermissionsBoundary } } : {}),
    ...(full && r.Tags.length > 0 ? { Tags: r.Tags } : {}),
    // Never used: nothing signs in as a role here.
    ...(full ? { RoleLastUsed: {} } : {}),
  };
}

/** How many roles have `arn` attached (IAM keeps no users or groups here). */
export function attachmentCount(records: IamRecords, arn: string): number {
  return Object.values(records.roles).filter((r) => r.AttachedPolicies.includes(arn)).length;
}

/** `full`: GetPolicy / CreatePolicy; ListPolicies leaves out Description and Tags (IAM API Reference ListPolicies). */
export function policyShape(p: PolicyRecord, records: IamRecords, full: boolean): XmlValue {
  const arn = policyArn(p);
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: arn,
    Path: p.Path,
    DefaultVersionId: p.DefaultVersionId,
    AttachmentCount: attachmentCount(records, arn),
    PermissionsBoundaryUsageCount: Object.values(records.roles).filter((r) => r.PermissionsBoundary === arn).length,
    IsAttachable: true,
    ...(full ? { Description: p.Description } : {}),
    CreateDate: p.CreateDate,
    UpdateDate: p.UpdateDate,
    ...(full && p.Tags.length > 0 ? { Tags: p.Tags } : {}),
  };
}

/** `withDocument`: GetPolicyVersion / CreatePolicyVersion; ListPolicyVersions leaves the Document out. */
export function policyVersionShape(p: PolicyRecord, v: PolicyVersionRecord, withDocument: boolean): XmlValue {
  return {
    ...(withDocument ? { Document: encodeDocument(v.Document) } : {}),
    VersionId: v.VersionId,
    IsDefaultVersion: v.VersionId === p.DefaultVersionId,
    CreateDate: v.CreateDate,
  };
}
