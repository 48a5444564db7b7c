import type { LoadBalancer, TargetGroup } from "../schema/load-balancer.js";
import type { TargetBinding } from "../schema/stack-slice.js";
import type { TargetHealth } from "../target-group/target-group.js";

/**
 * What the ELBv2 API reads and writes. Reads see the whole served stack (the stack file's load
 * balancers and the API's); writes change only the API's own fragment, which the engine merges
 * beside the file and applies as a revision (the same parse and checks as a stack file). A
 * resource the stack file defines is changed by editing the file, never through the API.
 */
export interface Elbv2Fragment {
  loadBalancers: Record<string, unknown>[];
  targetGroups: Record<string, unknown>[];
  local: { targetGroups: Record<string, { targets: TargetBinding[] }> };
}

export interface Elbv2Served {
  loadBalancers: readonly LoadBalancer[];
  targetGroups: readonly TargetGroup[];
  targets: Readonly<Record<string, readonly TargetBinding[]>>;
  /** FunctionName → bound handler (`local.functions`), for Lambda targets registered by ARN. */
  functions: Readonly<Record<string, { handler: string; export: string }>>;
}

export interface Elbv2ApiDeps {
  region: string;
  served(): Elbv2Served;
  /** A copy of the API's fragment. */
  owned(): Elbv2Fragment;
  /** Applies `edit` to a copy of the fragment as one revision; throws the stack's validation error. */
  change(edit: (fragment: Elbv2Fragment) => void): Promise<void>;
  /** The live health of a target group's targets, or undefined when it is not running. */
  health(targetGroupName: string): readonly TargetHealth[] | undefined;
  /** The names an ACM certificate covers, or undefined when no certificate has this ARN. */
  certificateNames(arn: string): readonly string[] | undefined;
  /** CreatedTime of resources (the stack's start; AWS's own time is not kept). */
  createdTime: Date;
}
