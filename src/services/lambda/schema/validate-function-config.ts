import { EdgeparityError } from "../../../core/errors.js";
import { LambdaFunctionConfigSchema, NODEJS_RUNTIMES, type LambdaFunctionConfig, type NodejsRuntime, type ResolvedFunctionConfig } from "./function-config.js";

/**
 * CreateFunction's input constraints (Lambda API reference, CreateFunction request parameters):
 * FunctionName 1–64 of [a-zA-Z0-9-_], Handler ≤ 128 non-space characters, Timeout 1–900 s,
 * MemorySize 128–10240 MB. A breach is refused with the service's ValidationException text
 * ("1 validation error detected: Value 'x' at 'memorySize' failed to satisfy constraint: …").
 */
export function validateFunctionConfig(input: LambdaFunctionConfig): ResolvedFunctionConfig {
  const c = LambdaFunctionConfigSchema.parse(input);
  const errors: string[] = [];
  const check = (ok: boolean, value: unknown, field: string, constraint: string) => {
    if (!ok) errors.push(`Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
  };
  check(/^[a-zA-Z0-9-_]{1,64}$/.test(c.FunctionName), c.FunctionName, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+");
  check(/^[^\s]{1,128}$/.test(c.Handler), c.Handler, "handler", "Member must satisfy regular expression pattern: [^\\s]+");
  check(Number.isInteger(c.Timeout) && c.Timeout >= 1, c.Timeout, "timeout", "Member must have value greater than or equal to 1");
  check(c.Timeout <= 900, c.Timeout, "timeout", "Member must have value less than or equal to 900");
  check(Number.isInteger(c.MemorySize) && c.MemorySize >= 128, c.MemorySize, "memorySize", "Member must have value greater than or equal to 128");
  check(c.MemorySize <= 10240, c.MemorySize, "memorySize", "Member must have value less than or equal to 10240");
  if (errors.length > 0)
    throw new EdgeparityError(
      "STACK_INVALID",
      `function ${c.FunctionName}: ValidationException: ${errors.length} validation error${errors.length > 1 ? "s" : ""} detected: ${errors.join("; ")}`,
    );
  if (!(NODEJS_RUNTIMES as readonly string[]).includes(c.Runtime))
    throw new EdgeparityError("STACK_INVALID", `function ${c.FunctionName}: Runtime ${c.Runtime} is not emulated (use one of ${NODEJS_RUNTIMES.join(", ")})`);
  return Object.freeze({ ...c, Runtime: c.Runtime as NodejsRuntime });
}
