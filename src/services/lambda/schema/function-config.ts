import { z } from "zod";

/**
 * A function as CreateFunction describes it (AWS's field names), trimmed to what the runtime runs.
 * `Code` is the local stand-in for the deployment package: the task root the Handler is resolved
 * against (LAMBDA_TASK_ROOT), or one file that pins the module when a binding names it exactly.
 */
export const NODEJS_RUNTIMES = ["nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"] as const;
export type NodejsRuntime = (typeof NODEJS_RUNTIMES)[number];

/** CreateFunction defaults (Lambda API reference, CreateFunction: Timeout 3, MemorySize 128). */
export const DEFAULT_TIMEOUT_S = 3;
export const DEFAULT_MEMORY_MB = 128;
/** Choice: the Runtime used when a binding does not name one. */
export const DEFAULT_RUNTIME: NodejsRuntime = "nodejs22.x";

export const LambdaFunctionConfigSchema = z.object({
  FunctionName: z.string(),
  Handler: z.string(),
  Runtime: z.string().default(DEFAULT_RUNTIME),
  Timeout: z.number().default(DEFAULT_TIMEOUT_S),
  MemorySize: z.number().default(DEFAULT_MEMORY_MB),
  Environment: z.object({ Variables: z.record(z.string(), z.string()).default({}) }).default({}),
  Code: z.union([z.object({ Directory: z.string() }), z.object({ File: z.string() })]),
});

export type LambdaFunctionConfig = z.input<typeof LambdaFunctionConfigSchema>;
export type ResolvedFunctionConfig = Readonly<z.output<typeof LambdaFunctionConfigSchema>> & { Runtime: NodejsRuntime };
