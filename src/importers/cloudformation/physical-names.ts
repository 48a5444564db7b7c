import { createHash } from "node:crypto";
import { stableId } from "../../core/ids.js";

/**
 * The values CloudFormation would return for `Ref` and `Fn::GetAtt`, as edgeparity assigns them:
 * generated names stable per stack and logical id, and the AWS DNS names the services claim as
 * origins (a bucket's `<name>.s3.us-east-1.amazonaws.com`, a load balancer's
 * `<name>-<digits>.us-east-1.elb.amazonaws.com`).
 */

export const REGION = "us-east-1";
/** The local account, as CloudFront's OAC signing principal names it (`arn:aws:cloudfront::000000000000:distribution/…`). */
export const ACCOUNT_ID = "000000000000";

/** 12 stable upper-case alphanumerics, like the suffix CloudFormation appends to a generated name. */
function suffix(seed: string): string {
  return stableId(`cloudformation:${seed}`).slice(1, 13);
}

/** 16 stable hex digits, as ELBv2 resource ids look (only their shape matters: the model reads names). */
export function hexId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 16);
}

/**
 * A name for a resource whose template gives none: CloudFormation's `<stack>-<logicalId>-<suffix>`,
 * cut to the type's limit (CloudFormation User Guide, "Name type"). Stable, so URLs survive restarts.
 */
export function generatedName(stackName: string, logicalId: string, o: { maxLength: number; lowerCase?: boolean }): string {
  const clean = (s: string) =>
    s
      .replace(/[^A-Za-z0-9-]/g, "-")
      .replace(/-+/g, "-")
      .replace(/^-|-$/g, "");
  const tail = suffix(`${stackName}/${logicalId}`);
  const room = o.maxLength - tail.length - 2;
  let stack = clean(stackName);
  let id = clean(logicalId);
  if (stack.length + id.length > room) {
    const half = Math.floor(room / 2);
    stack = stack.slice(0, Math.max(half, room - id.length)).replace(/-$/, "");
    id = id.slice(0, room - stack.length).replace(/-$/, "");
  }
  const name = [stack, id, tail].filter(Boolean).join("-");
  return o.lowerCase ? name.toLowerCase() : name;
}

/**
 * The load balancer's DNS name as the ELBv2 service claims it (its rule, design.md §Hostnames:
 * digits stable per name). Reproduced here because importers may not import services.
 */
export function loadBalancerDnsName(name: string, internal: boolean): string {
  const lower = name.toLowerCase();
  let h = 0;
  for (let i = 0; i < lower.length; i++) h = (Math.imul(h, 31) + lower.charCodeAt(i)) >>> 0;
  return `${internal ? "internal-" : ""}${lower}-${1_000_000_000 + (h % 1_000_000_000)}.${REGION}.elb.amazonaws.com`;
}

/** CloudFront's distribution id, as the CloudFront service mints it from the logical name (`stableId("distribution:<name>")`). */
export function distributionId(name: string): string {
  return stableId(`distribution:${name}`);
}

export function elbArn(kind: string, path: string): string {
  return `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT_ID}:${kind}/${path}`;
}

/** The hosted zone of us-east-1 Application Load Balancers (Elastic Load Balancing endpoints and quotas). */
export const ALB_HOSTED_ZONE_ID = "Z35SXDOTRQ7X7K";
