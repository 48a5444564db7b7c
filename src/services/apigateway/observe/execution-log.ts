/**
 * A REST request's execution log (API Gateway's CloudWatch execution logging, INFO level): lines
 * in API Gateway's wording, each prefixed `(<requestId>)`. Collected only while someone listens to
 * the request channel (`edgeparity up --verbose`, tests); otherwise the shared OFF log drops every
 * line without building it — callers pass a function for anything costly.
 */
export interface ExecutionLog {
  readonly on: boolean;
  add(line: string | (() => string)): void;
  readonly lines: readonly string[];
}

export const EXECUTION_LOG_OFF: ExecutionLog = { on: false, add() {}, lines: [] };

export function startExecutionLog(requestId: string): ExecutionLog {
  const lines: string[] = [];
  return {
    on: true,
    lines,
    add(line) {
      lines.push(`(${requestId}) ${typeof line === "string" ? line : line()}`);
    },
  };
}

/** `{Accept=*\/*, Host=x}`: how execution logs print parameter maps (Java's Map.toString). */
export function formatLogMap(entries: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [k, v] of entries) parts.push(`${k}=${v}`);
  return `{${parts.join(", ")}}`;
}
