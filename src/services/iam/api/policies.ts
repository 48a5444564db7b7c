import { queryBoolean, queryRequired, queryString, QueryApiError, type QueryOperation } from "../../../core/query-api.js";
import type { QueryParams } from "../../../core/query-protocol.js";
import { deleteConflict, limitExceeded, noSuchPolicy, noSuchPolicyVersion, policyExists } from "./errors.js";
import type { IamDeps } from "./iam-state.js";
import { policyArnParam, descriptionParam, page, pathParam, pathPrefixParam, policyNameParam, tagsParam } from "./params.js";
import { policyDocumentParam } from "./policy-document.js";
import { tagOperations } from "./tags.js";
import { AWS_MANAGED_POLICY, findPolicyByArn, policyArn, uniqueId, type IamRecords, type PolicyRecord } from "./records.js";
import { attachmentCount, policyShape, policyVersionShape } from "./shapes.js";

/**
 * Customer managed policies and their versions (IAM API Reference CreatePolicy …
 * SetDefaultPolicyVersion, TagPolicy …): recorded, never evaluated. A policy keeps at most 5
 * versions; version ids are `v1`, `v2`, … and never reused.
 */
const MAX_VERSIONS = 5;

/** The customer managed policy an ARN names. */
function findPolicy(records: IamRecords, arn: string): PolicyRecord {
  const p = findPolicyByArn(records, arn);
  if (!p) throw noSuchPolicy(arn);
  return p;
}

function versionIdParam(p: QueryParams): string {
  const v = queryRequired(p, "VersionId");
  if (!/^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/.test(v))
    throw new QueryApiError(
      "ValidationError",
      `1 validation error detected: Value '${v}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`,
    );
  return v;
}

export function policyOperations(d: IamDeps): Record<string, QueryOperation> {
  return {
    async CreatePolicy(p) {
      const name = policyNameParam(p);
      const path = pathParam(p);
      const doc = policyDocumentParam(p, "PolicyDocument", "identity");
      const description = descriptionParam(p);
      const tags = tagsParam(p);
      const seed = d.seed();
      const { policy, records } = await d.change((r) => {
        if (r.policies[name.toLowerCase()]) throw policyExists(name);
        const now = d.now();
        const policy: PolicyRecord = {
          PolicyName: name,
          PolicyId: uniqueId("ANPA", seed),
          Path: path,
          CreateDate: now,
          UpdateDate: now,
          ...(description !== undefined ? { Description: description } : {}),
          Tags: tags,
          DefaultVersionId: "v1",
          Versions: [{ VersionId: "v1", Document: doc, CreateDate: now }],
          NextVersion: 2,
        };
        r.policies[name.toLowerCase()] = policy;
        return { policy, records: r };
      });
      return { Policy: policyShape(policy, records, true) };
    },
    GetPolicy(p) {
      const r = d.read();
      return { Policy: policyShape(findPolicy(r, policyArnParam(p)), r, true) };
    },
    async DeletePolicy(p) {
      const arn = policyArnParam(p);
      await d.change((r) => {
        const policy = findPolicy(r, arn);
        if (attachmentCount(r, arn) > 0) throw deleteConflict.policyAttached();
        if (policy.Versions.length > 1) throw deleteConflict.policyVersions();
        delete r.policies[policy.PolicyName.toLowerCase()];
      });
      return undefined;
    },
    ListPolicies(p) {
      const r = d.read();
      const scope = queryString(p, "Scope") ?? "All";
      const prefix = pathPrefixParam(p);
      const onlyAttached = queryBoolean(p, "OnlyAttached") ?? false;
      // Divergence from AWS: AWS managed policies are not listed (edgeparity has no copy of them).
      const policies =
        scope === "AWS"
          ? []
          : Object.values(r.policies)
              .filter((x) => x.Path.startsWith(prefix) && (!onlyAttached || attachmentCount(r, policyArn(x)) > 0))
              .sort((a, b) => a.PolicyName.toLowerCase().localeCompare(b.PolicyName.toLowerCase()));
      const { items, ...more } = page(policies, p);
      return { Policies: items.map((x) => policyShape(x, r, false)), ...more };
    },
    async CreatePolicyVersion(p) {
      const arn = policyArnParam(p);
      const doc = policyDocumentParam(p, "PolicyDocument", "identity");
      const setAsDefault = queryBoolean(p, "SetAsDefault") ?? false;
      const { policy, version } = await d.change((r) => {
        const policy = findPolicy(r, arn);
        if (policy.Versions.length >= MAX_VERSIONS)
          throw limitExceeded("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");
        const now = d.now();
        const version = { VersionId: `v${policy.NextVersion}`, Document: doc, CreateDate: now };
        policy.NextVersion++;
        policy.Versions.push(version);
        if (setAsDefault) policy.DefaultVersionId = version.VersionId;
        policy.UpdateDate = now;
        return { policy, version };
      });
      return { PolicyVersion: policyVersionShape(policy, version, true) };
    },
    GetPolicyVersion(p) {
      const arn = policyArnParam(p);
      const id = versionIdParam(p);
      const policy = findPolicy(d.read(), arn);
      const v = policy.Versions.find((x) => x.VersionId === id);
      if (!v) throw noSuchPolicyVersion(arn, id);
      return { PolicyVersion: policyVersionShape(policy, v, true) };
    },
    ListPolicyVersions(p) {
      const policy = findPolicy(d.read(), policyArnParam(p));
      // Newest first, as IAM lists them.
      const { items, ...more } = page([...policy.Versions].reverse(), p);
      return { Versions: items.map((v) => policyVersionShape(policy, v, false)), ...more };
    },
    async DeletePolicyVersion(p) {
      const arn = policyArnParam(p);
      const id = versionIdParam(p);
      await d.change((r) => {
        const policy = findPolicy(r, arn);
        if (!policy.Versions.some((v) => v.VersionId === id)) throw noSuchPolicyVersion(arn, id);
        if (policy.DefaultVersionId === id) throw deleteConflict.defaultVersion();
        policy.Versions = policy.Versions.filter((v) => v.VersionId !== id);
      });
      return undefined;
    },
    async SetDefaultPolicyVersion(p) {
      const arn = policyArnParam(p);
      const id = versionIdParam(p);
      await d.change((r) => {
        const policy = findPolicy(r, arn);
        if (!policy.Versions.some((v) => v.VersionId === id)) throw noSuchPolicyVersion(arn, id);
        policy.DefaultVersionId = id;
        policy.UpdateDate = d.now();
      });
      return undefined;
    },
    ...tagOperations(d, "Policy", (p) => policyArnParam(p), findPolicy),
  };
}

/** A policy ARN a role may attach: a customer managed policy recorded here, or any AWS managed policy ARN. */
export function attachablePolicyName(records: IamRecords, arn: string): string | undefined {
  const aws = AWS_MANAGED_POLICY.exec(arn);
  if (aws) return aws[1];
  return findPolicyByArn(records, arn)?.PolicyName;
}
