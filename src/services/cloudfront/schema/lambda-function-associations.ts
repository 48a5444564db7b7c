import { listItems } from "../../../model/aws-list.js";
import type { DistributionConfig } from "./distribution-config.js";

/**
 * What CreateDistribution checks on a behaviour's LambdaFunctionAssociations (cloudfront.md
 * §14.1), with CloudFront's InvalidLambdaFunctionAssociation texts as observed in the errors
 * Terraform, CDK and Serverless users quote ("The function ARN must reference a specific function
 * version. (The ARN must end with the version number.) ARN: …", "The function must be in region
 * 'us-east-1'. ARN: …"). What needs the function itself (its environment variables, its timeout)
 * is checked where the function is bound (lambda-edge/bind-functions.ts).
 */
export type AssociationIssue = [path: (string | number)[], message: string];

/** `arn:aws:lambda:<region>:<account>:function:<name>:<qualifier>`; the qualifier must be a version number. */
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]{1,64})(?::([^:]+))?$/;

export interface ParsedEdgeFunctionArn {
  region: string;
  functionName: string;
  version: string;
}

/** The ARN's parts when it names a numbered version; undefined for `$LATEST`, an alias, no qualifier, or no ARN. */
export function parseEdgeFunctionArn(arn: string): ParsedEdgeFunctionArn | undefined {
  const m = FUNCTION_ARN.exec(arn);
  if (!m || m[4] === undefined || !/^[1-9]\d*$/.test(m[4])) return undefined;
  return { region: m[1]!, functionName: m[3]!, version: m[4] };
}

/** Events whose function may read the request body (cloudfront.md §14.1 "IncludeBody option for viewer-request/origin-request"). */
const BODY_EVENTS = new Set(["viewer-request", "origin-request"]);

export function validateLambdaAssociations(dc: DistributionConfig): AssociationIssue[] {
  const issues: AssociationIssue[] = [];
  const behaviors: [(string | number)[], DistributionConfig["DefaultCacheBehavior"]][] = [[["DefaultCacheBehavior"], dc.DefaultCacheBehavior]];
  listItems(dc.CacheBehaviors).forEach((b, i) => behaviors.push([["CacheBehaviors", "Items", i], b]));
  for (const [at, b] of behaviors) {
    const seen = new Set<string>();
    listItems(b.LambdaFunctionAssociations).forEach((a, i) => {
      const p = [...at, "LambdaFunctionAssociations", "Items", i];
      const arn = a.LambdaFunctionARN;
      const parsed = parseEdgeFunctionArn(arn);
      if (!parsed)
        issues.push([
          [...p, "LambdaFunctionARN"],
          `InvalidLambdaFunctionAssociation: The function ARN must reference a specific function version. (The ARN must end with the version number.) ARN: ${arn}`,
        ]);
      else if (parsed.region !== "us-east-1")
        issues.push([[...p, "LambdaFunctionARN"], `InvalidLambdaFunctionAssociation: The function must be in region 'us-east-1'. ARN: ${arn}`]);
      // Choice: the texts of these two refusals are not quoted anywhere we could find; the codes are CloudFront's.
      if (seen.has(a.EventType))
        issues.push([[...p, "EventType"], `InvalidLambdaFunctionAssociation: More than one function is associated with the event type ${a.EventType}`]);
      seen.add(a.EventType);
      if (a.IncludeBody === true && !BODY_EVENTS.has(a.EventType))
        issues.push([
          [...p, "IncludeBody"],
          `InvalidLambdaFunctionAssociation: IncludeBody is supported only for viewer-request and origin-request events, not ${a.EventType}`,
        ]);
    });
  }
  return issues;
}
