import { EdgeparityError } from "../core/errors.js";
import { findNotEmulated } from "../services/cloudfront/schema/not-emulated.js";
import { validateDistribution } from "../services/cloudfront/schema/validate-distribution.js";
import { findNotEmulatedElbv2 } from "../services/elbv2/schema/not-emulated.js";
import { validateLoadBalancers } from "../services/elbv2/schema/validate-load-balancers.js";
import { formatIssues, formatPath } from "./format-issues.js";
import { StackSchema, type Stack } from "./stack.js";

/** A setting that was accepted but is not (fully) applied; always shown to the operator at load. */
export interface StackWarning {
  source: string;
  path: string;
  message: string;
}

export interface ParsedStack {
  stack: Stack;
  warnings: StackWarning[];
}

/**
 * The one gate every format passes through: schema, then AWS's cross-field checks, then the list
 * of settings that are not emulated. Throws STACK_INVALID listing every problem with its path.
 */
export function parseStack(input: unknown, source: string): ParsedStack {
  const result = StackSchema.safeParse(input);
  if (!result.success) {
    throw invalid(source, formatIssues(result.error.issues));
  }
  const stack = result.data;
  const problems: string[] = [];
  const warnings: StackWarning[] = [];
  const catalog = {
    cachePolicies: new Set(Object.keys(stack.cachePolicies)),
    originRequestPolicies: new Set(Object.keys(stack.originRequestPolicies)),
  };
  for (const [name, dc] of Object.entries(stack.distributions)) {
    const prefix = ["distributions", name];
    for (const [path, message] of validateDistribution(dc, catalog)) problems.push(`${formatPath([...prefix, ...path])}: ${message}`);
    for (const w of findNotEmulated(dc)) warnings.push({ source, path: formatPath([...prefix, ...w.path]), message: w.message });
  }
  for (const [path, message] of validateLoadBalancers(stack.loadBalancers, stack.targetGroups)) problems.push(`${formatPath(path)}: ${message}`);
  for (const w of findNotEmulatedElbv2(stack.loadBalancers, stack.targetGroups)) warnings.push({ source, path: formatPath(w.path), message: w.message });
  if (problems.length > 0) throw invalid(source, problems);
  return { stack, warnings };
}

function invalid(source: string, lines: string[]): EdgeparityError<"STACK_INVALID"> {
  return new EdgeparityError("STACK_INVALID", `${source}: the stack is not valid:\n  ${lines.join("\n  ")}`);
}
