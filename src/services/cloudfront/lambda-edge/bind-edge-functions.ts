import { resolve } from "node:path";
import { listItems } from "../../../model/aws-list.js";
import type { BoundFunction } from "../../lambda/index.js";
import type { DistributionConfig } from "../schema/distribution-config.js";
import { parseEdgeFunctionArn } from "../schema/lambda-function-associations.js";
import { limitsOf } from "./limits.js";

/**
 * Binds each Lambda@Edge association's function to its handler file, `local.functions.<name>`
 * (the binding API Gateway's Lambda integrations use), and makes the checks CloudFront makes on
 * the function when it is associated (cloudfront.md §14.1, §14.5), with CloudFront's texts as
 * quoted in users' errors: "The function cannot have environment variables. Function: <arn>",
 * "The function timeout is larger than the maximum allowed for functions that are triggered by a
 * CloudFront event: 30 Max allowed: 5 Function: <arn>". The function's Timeout (default 3 s, as
 * CreateFunction's) is what the runtime enforces.
 */
export interface EdgeFunctionBinding {
  handler: string;
  export: string;
  Runtime?: string | undefined;
  Timeout?: number | undefined;
  MemorySize?: number | undefined;
  Environment?: { Variables: Record<string, string> } | undefined;
}

/** CreateFunction's default Timeout (Lambda API reference). */
const DEFAULT_TIMEOUT_S = 3;
/** Viewer triggers run with 128 MB (cloudfront.md §14.5). */
const VIEWER_MEMORY_MB = 128;

export function bindEdgeFunctions(
  distributions: Readonly<Record<string, DistributionConfig>>,
  bindings: Readonly<Record<string, EdgeFunctionBinding>>,
  baseDir: string,
): { problems: string[]; functions: BoundFunction[] } {
  const problems: string[] = [];
  const functions = new Map<string, BoundFunction>();
  for (const [name, dc] of Object.entries(distributions)) {
    const behaviors: [string, DistributionConfig["DefaultCacheBehavior"]][] = [[`distributions.${name}.DefaultCacheBehavior`, dc.DefaultCacheBehavior]];
    listItems(dc.CacheBehaviors).forEach((b, i) => behaviors.push([`distributions.${name}.CacheBehaviors.Items[${i}]`, b]));
    for (const [where, b] of behaviors)
      listItems(b.LambdaFunctionAssociations).forEach((a, i) => {
        const at = `${where}.LambdaFunctionAssociations.Items[${i}]`;
        const arn = a.LambdaFunctionARN;
        const fn = parseEdgeFunctionArn(arn)?.functionName;
        if (fn === undefined) return; // refused by the schema check already
        const bound = bindings[fn];
        if (bound === undefined) {
          problems.push(
            `local.functions.${fn}.handler: Lambda@Edge function ${fn} (${at}) is not bound to a handler file; add local.functions.${fn}.handler: <file>.mjs`,
          );
          return;
        }
        if (Object.keys(bound.Environment?.Variables ?? {}).length > 0)
          problems.push(`${at}: InvalidLambdaFunctionAssociation: The function cannot have environment variables. Function: ${arn}`);
        const limits = limitsOf(a.EventType);
        const timeout = bound.Timeout ?? DEFAULT_TIMEOUT_S;
        if (timeout > limits.maxTimeoutSeconds)
          problems.push(
            `${at}: InvalidLambdaFunctionAssociation: The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: ${timeout} Max allowed: ${limits.maxTimeoutSeconds} Function: ${arn}`,
          );
        // Choice: the text follows the timeout refusal's pattern (not quoted anywhere we found).
        if (a.EventType.startsWith("viewer-") && (bound.MemorySize ?? VIEWER_MEMORY_MB) > VIEWER_MEMORY_MB)
          problems.push(
            `${at}: InvalidLambdaFunctionAssociation: The function memory size is larger than the maximum allowed for functions that are triggered by a CloudFront viewer event: ${bound.MemorySize} Max allowed: ${VIEWER_MEMORY_MB} Function: ${arn}`,
          );
        functions.set(fn, {
          FunctionName: fn,
          file: resolve(baseDir, bound.handler),
          export: bound.export,
          Runtime: bound.Runtime,
          Timeout: bound.Timeout,
          MemorySize: bound.MemorySize,
        });
      });
  }
  return { problems, functions: [...functions.values()] };
}
