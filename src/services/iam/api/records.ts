import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import { stableHash } from "../../../core/ids.js";

/**
 * What the IAM API keeps (issue 11: record keeping, never enforced): roles with their trust
 * policy, attached managed policies and inline policies, and customer managed policies with their
 * versions. JSON in the API's records (`StackApi.records("iam")`, `<state-dir>/api/stack.json`), so
 * they survive restarts; nothing served reads them. Keys are lower-case names: IAM names are
 * unique regardless of case (IAM User Guide "IAM identifiers": "you cannot create roles named both
 * Role1 and role1").
 */
// A type, not an interface: the XML writer takes it as a plain record.
export type Tag = { Key: string; Value: string };

export interface RoleRecord {
  RoleName: string;
  RoleId: string;
  Path: string;
  /** ISO 8601, seconds precision, as IAM reports it. */
  CreateDate: string;
  /** The trust policy as sent (IAM answers it URL-encoded). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags: Tag[];
  /** Managed policy ARNs, in attachment order. */
  AttachedPolicies: string[];
  /** Inline policy name → document as sent. */
  InlinePolicies: Record<string, string>;
}

export interface PolicyVersionRecord {
  VersionId: string;
  Document: string;
  CreateDate: string;
}

export interface PolicyRecord {
  PolicyName: string;
  PolicyId: string;
  Path: string;
  CreateDate: string;
  UpdateDate: string;
  Description?: string;
  Tags: Tag[];
  DefaultVersionId: string;
  Versions: PolicyVersionRecord[];
  /** The number the next CreatePolicyVersion takes (`v<N>`; IAM never reuses one). */
  NextVersion: number;
}

export interface IamRecords {
  roles: Record<string, RoleRecord>;
  policies: Record<string, PolicyRecord>;
}

export const emptyRecords = (): IamRecords => ({ roles: {}, policies: {} });

export const roleArn = (r: Pick<RoleRecord, "Path" | "RoleName">) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${r.Path}${r.RoleName}`;
export const policyArn = (p: Pick<PolicyRecord, "Path" | "PolicyName">) => `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy${p.Path}${p.PolicyName}`;

/** AWS managed policies (`arn:aws:iam::aws:policy/…`): attachable by ARN; edgeparity has no copy of their documents. */
export const AWS_MANAGED_POLICY = /^arn:aws:iam::aws:policy\/(?:[!-~]*\/)?([\w+=,.@-]+)$/;

export function findPolicyByArn(records: IamRecords, arn: string): PolicyRecord | undefined {
  const m = /^arn:aws:iam::(\d{12}):policy(\/(?:[!-~]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  if (!m || m[1] !== LOCAL_ACCOUNT_ID) return undefined;
  const p = records.policies[m[3]!.toLowerCase()];
  return p && p.Path === m[2] ? p : undefined;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * An IAM unique id: a 4-letter type prefix (`AROA` role, `ANPA` managed policy) and 17 characters
 * of AWS's base32 alphabet (IAM User Guide "Unique identifiers"), from `seed` (a fresh uuid for a
 * new resource, so a role re-created under the same name gets a new id as in AWS).
 */
export function uniqueId(prefix: "AROA" | "ANPA", seed: string): string {
  let x = (stableHash(seed) << 64n) | stableHash(`${seed}\u0000`);
  let out = prefix;
  for (let i = 0; i < 17; i++) {
    out += BASE32[Number(x & 31n)];
    x >>= 5n;
  }
  return out;
}

/** IAM's timestamps have whole seconds (`2026-12-01T17:49:20Z`). */
export const iamDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
