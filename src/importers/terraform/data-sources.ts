import { createHash } from "node:crypto";
import { ACCOUNT_ID, REGION } from "../cloudformation/physical-names.js";

/**
 * Data sources edgeparity answers without AWS (Terraform AWS provider docs, "Data Sources"): the
 * account and region, CloudFront's managed policies by name, IAM policy documents (pure functions
 * of their blocks) and `archive_file` (the zip of local code a Lambda function deploys). Any other
 * data source is read from AWS at plan time, which is not resolvable locally: undefined here.
 */

/** Managed policy names → IDs (CloudFront Developer Guide, "Use managed cache policies" / "origin request policies" / "response headers policies"). */
const MANAGED_IDS: Record<string, Record<string, string>> = {
  aws_cloudfront_cache_policy: {
    Amplify: "2e54312d-136d-493c-8eb9-b001f22f67d2",
    CachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    CachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    CachingOptimizedForUncompressedObjects: "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
    "Elemental-MediaPackage": "08627262-05a9-4f76-9ded-b50ca2e3a84f",
    UseOriginCacheControlHeaders: "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
    "UseOriginCacheControlHeaders-QueryStrings": "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
  },
  aws_cloudfront_origin_request_policy: {
    AllViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
    "AllViewerAndCloudFrontHeaders-2022-06": "33f36d7e-f396-46d9-90e0-52428a34d9dc",
    AllViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    "CORS-CustomOrigin": "59781a5b-3903-41f3-afcb-af62929ccde1",
    "CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    "Elemental-MediaTailor-PersonalizedManifests": "775133bc-15f2-49f9-abea-afb2e0bf67d2",
    HostHeaderOnly: "bf0718e1-ba1e-49d1-88b1-f726733018ae",
    UserAgentRefererHeaders: "acba4595-bd28-49b8-b9fe-13317c0390fa",
  },
  aws_cloudfront_response_headers_policy: {
    SimpleCORS: "60669652-455b-4ae9-85a4-c4c02393f86c",
    "CORS-With-Preflight": "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
    SecurityHeadersPolicy: "67f7725c-6f97-4210-82d7-5512b31e9d03",
    "CORS-and-SecurityHeadersPolicy": "e61eb60c-9c35-4d20-a928-2b84e02af89c",
    "CORS-with-preflight-and-SecurityHeadersPolicy": "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
  },
};

export type DataAnswer = { value: Record<string, unknown> } | { unresolvable: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function blocks(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : isRecord(v) ? [v] : [];
}

export function answerDataSource(type: string, args: Record<string, unknown>): DataAnswer {
  switch (type) {
    case "aws_caller_identity":
      return { value: { account_id: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/edgeparity`, user_id: "AIDAEDGEPARITYLOCAL", id: ACCOUNT_ID } };
    case "aws_region":
      return { value: { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com`, description: "US East (N. Virginia)" } };
    case "aws_partition":
      return { value: { partition: "aws", dns_suffix: "amazonaws.com", reverse_dns_prefix: "com.amazonaws", id: "aws" } };
    case "aws_cloudfront_cache_policy":
    case "aws_cloudfront_origin_request_policy":
    case "aws_cloudfront_response_headers_policy": {
      const table = MANAGED_IDS[type]!;
      const name = typeof args.name === "string" ? args.name.replace(/^Managed-/, "") : undefined;
      const id = typeof args.id === "string" ? args.id : name !== undefined ? table[name] : undefined;
      if (id === undefined || !Object.values(table).includes(id))
        return {
          unresolvable: `${type} ${JSON.stringify(args.name ?? args.id)} is not a managed policy (only managed policies can be looked up locally: ${Object.keys(
            table,
          )
            .map((n) => `Managed-${n}`)
            .join(", ")}); reference a resource of this configuration instead`,
        };
      const managedName = Object.entries(table).find(([, v]) => v === id)![0];
      return { value: { id, name: `Managed-${managedName}`, etag: "E1MANAGED" } };
    }
    case "aws_iam_policy_document":
      return { value: { json: policyJson(args), minified_json: policyJson(args, false), id: "local" } };
    case "archive_file": {
      const out = typeof args.output_path === "string" ? args.output_path : "";
      const digest = createHash("sha256").update(JSON.stringify(args)).digest();
      return {
        value: {
          ...args,
          id: digest.toString("hex").slice(0, 40),
          output_path: out,
          output_base64sha256: digest.toString("base64"),
          output_md5: createHash("md5").update(digest).digest("hex"),
          output_size: 0,
        },
      };
    }
  }
  return { unresolvable: `data source ${type} is read from AWS at plan time, which is not resolvable locally` };
}

/** aws_iam_policy_document → the policy JSON (Terraform AWS provider docs, aws_iam_policy_document). */
function policyJson(args: Record<string, unknown>, pretty = true): string {
  const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  const statements = blocks(args.statement).map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    for (const [k, field] of [
      ["actions", "Action"],
      ["not_actions", "NotAction"],
      ["resources", "Resource"],
      ["not_resources", "NotResource"],
    ] as const)
      if (Array.isArray(s[k]) && (s[k] as unknown[]).length) out[field] = one([...(s[k] as unknown[])].sort());
    for (const [k, field] of [
      ["principals", "Principal"],
      ["not_principals", "NotPrincipal"],
    ] as const) {
      const ps = blocks(s[k]);
      if (ps.length) out[field] = Object.fromEntries(ps.map((p) => [p.type === "*" ? "*" : String(p.type), one(p.identifiers)]));
    }
    const conds = blocks(s.condition);
    if (conds.length) {
      const c: Record<string, Record<string, unknown>> = {};
      for (const x of conds) (c[String(x.test)] ??= {})[String(x.variable)] = one(x.values);
      out.Condition = c;
    }
    return out;
  });
  const doc = { Version: args.version ?? "2012-10-17", ...(args.policy_id ? { Id: args.policy_id } : {}), Statement: statements };
  return pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
}
