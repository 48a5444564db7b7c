import { EdgeparityError } from "../core/errors.js";
import { STACK_SLICES } from "../services/schemas.js";
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
    throw invalid(source, formatIssues(result.error.issues, [], StackSchema));
  }
  const stack = result.data;
  const problems: string[] = [];
  const warnings: StackWarning[] = [];
  for (const slice of STACK_SLICES) {
    if (!("check" in slice)) continue;
    const r = slice.check(stack);
    for (const [path, message] of r.problems) problems.push(`${formatPath([...path])}: ${message}`);
    for (const w of r.notEmulated) warnings.push({ source, path: formatPath([...w.path]), message: w.message });
  }
  if (problems.length > 0) throw invalid(source, problems);
  return { stack, warnings };
}

function invalid(source: string, lines: string[]): EdgeparityError<"STACK_INVALID"> {
  // `<path>: NoSuchCachePolicy: …`: one AWS code for every problem becomes the error's name.
  const codes = new Set(lines.map((l) => /^[^\s]+: ([A-Z][A-Za-z]+): /.exec(l)?.[1]));
  const awsCode = codes.size === 1 ? [...codes][0] : undefined;
  return new EdgeparityError("STACK_INVALID", `${source}: the stack is not valid:\n  ${lines.join("\n  ")}`, { awsCode });
}
