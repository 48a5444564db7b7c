import { basename, extname } from "node:path";
import type { LambdaFunctionConfig } from "./schema/function-config.js";

/**
 * A function bound to one local handler file (`local.functions.<FunctionName>`, used by API Gateway
 * integrations and Lambda@Edge associations alike) as CreateFunction takes it: the file is pinned
 * and the Handler is `<file stem>.<export>`.
 */
export interface BoundFunction {
  FunctionName: string;
  /** Absolute path of the handler file. */
  file: string;
  export: string;
  Runtime?: string | undefined;
  Timeout?: number | undefined;
  MemorySize?: number | undefined;
  Variables?: Record<string, string> | undefined;
}

export function boundFunctionConfig(f: BoundFunction): LambdaFunctionConfig {
  // A dot in the stem would end Lambda's module part early; the file is pinned anyway.
  const stem = basename(f.file, extname(f.file)).replace(/\./g, "_");
  return {
    FunctionName: f.FunctionName,
    Handler: `${stem}.${f.export}`,
    Code: { File: f.file },
    ...(f.Runtime ? { Runtime: f.Runtime } : {}),
    ...(f.Timeout ? { Timeout: f.Timeout } : {}),
    ...(f.MemorySize ? { MemorySize: f.MemorySize } : {}),
    ...(f.Variables ? { Environment: { Variables: f.Variables } } : {}),
  };
}
