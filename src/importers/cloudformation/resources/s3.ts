import { isRecord, rename, type Dropped } from "./shape.js";

/**
 * CloudFormation's AWS::S3::Bucket properties → the bucket configurations the S3 API keeps
 * (CloudFormation User Guide, AWS::S3::Bucket CorsRule and WebsiteConfiguration). CloudFormation
 * spells them differently: `CorsConfiguration.CorsRules[].{Id, ExposedHeaders, MaxAge}` is
 * PutBucketCors's `CORSConfiguration.CORSRules[].{ID, ExposeHeaders, MaxAgeSeconds}`;
 * `WebsiteConfiguration.IndexDocument: "index.html"` is `IndexDocument: { Suffix }`,
 * `ErrorDocument: "error.html"` is `ErrorDocument: { Key }`, and a routing rule's
 * `RoutingRuleCondition` / `RedirectRule` are `Condition` / `Redirect`.
 */

const CORS_RULE_NAMES = { Id: "ID", ExposedHeaders: "ExposeHeaders", MaxAge: "MaxAgeSeconds" };

export function toBucket(p: Record<string, unknown>, dropped: Dropped): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "BucketName") continue;
    if (k === "CorsConfiguration" && isRecord(v)) {
      const rules = Array.isArray(v.CorsRules) ? v.CorsRules.map((r) => (isRecord(r) ? rename(r, CORS_RULE_NAMES) : r)) : v.CorsRules;
      out.CORSConfiguration = { CORSRules: rules };
    } else if (k === "WebsiteConfiguration" && isRecord(v)) out.WebsiteConfiguration = toWebsiteConfiguration(v);
    else dropped.push({ path: [k], message: `AWS::S3::Bucket property ${k} is not emulated; ignored` });
  }
  return out;
}

function toWebsiteConfiguration(w: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (w.IndexDocument !== undefined) out.IndexDocument = { Suffix: w.IndexDocument };
  if (w.ErrorDocument !== undefined) out.ErrorDocument = { Key: w.ErrorDocument };
  if (w.RedirectAllRequestsTo !== undefined) out.RedirectAllRequestsTo = w.RedirectAllRequestsTo;
  if (Array.isArray(w.RoutingRules))
    out.RoutingRules = w.RoutingRules.map((r) =>
      isRecord(r)
        ? {
            ...(isRecord(r.RoutingRuleCondition) ? { Condition: codesAsText(r.RoutingRuleCondition) } : {}),
            Redirect: isRecord(r.RedirectRule) ? codesAsText(r.RedirectRule) : {},
          }
        : r,
    );
  return out;
}

/** Stack path under a bucket → template path under the Bucket's Properties. */
export function bucketTemplatePath(rest: readonly (string | number)[]): (string | number)[] {
  const names: Record<string, string> = {
    CORSConfiguration: "CorsConfiguration",
    CORSRules: "CorsRules",
    ID: "Id",
    ExposeHeaders: "ExposedHeaders",
    MaxAgeSeconds: "MaxAge",
  };
  return rest.map((s) => (typeof s === "string" ? (names[s] ?? s) : s)).filter((s) => s !== "Suffix" && s !== "Key");
}

/** The API's status codes in routing rules are strings; YAML may have read `404` as a number. */
function codesAsText(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]));
}
