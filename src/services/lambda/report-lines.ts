/**
 * The platform lines Lambda writes around each invocation (Lambda developer guide, Node.js logging):
 *   START RequestId: <id> Version: $LATEST
 *   END RequestId: <id>
 *   REPORT RequestId: <id>\tDuration: 3.26 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\tInit Duration: 166.36 ms
 * Billed Duration is the duration rounded up to the next millisecond; since 2025-08-01 the init
 * phase of on-demand ZIP functions is billed too, so a cold start bills Duration + Init Duration
 * (AWS Compute Blog, "AWS Lambda standardizes billing for INIT phase").
 */
export interface InvocationReport {
  Duration: number;
  BilledDuration: number;
  MemorySize: number;
  MaxMemoryUsed: number;
  InitDuration?: number;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export function buildReport(durationMs: number, initDurationMs: number | undefined, memorySize: number, heapBytes: number): InvocationReport {
  const r: InvocationReport = {
    Duration: round2(durationMs),
    BilledDuration: Math.ceil(durationMs + (initDurationMs ?? 0)),
    MemorySize: memorySize,
    MaxMemoryUsed: Math.max(1, Math.ceil(heapBytes / (1024 * 1024))),
  };
  if (initDurationMs !== undefined) r.InitDuration = round2(initDurationMs);
  return r;
}

export function reportLine(requestId: string, r: InvocationReport): string {
  const init = r.InitDuration !== undefined ? `\tInit Duration: ${r.InitDuration.toFixed(2)} ms` : "";
  return `REPORT RequestId: ${requestId}\tDuration: ${r.Duration.toFixed(2)} ms\tBilled Duration: ${r.BilledDuration} ms\tMemory Size: ${r.MemorySize} MB\tMax Memory Used: ${r.MaxMemoryUsed} MB${init}`;
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
