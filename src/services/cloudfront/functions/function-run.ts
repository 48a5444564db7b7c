import type { FunctionEventType } from "./function-runtime.js";

/** One edge function run of a request, as the trace reports it (cloudfront.md §13.4 compute utilization). */
export interface FunctionRun {
  name: string;
  eventType: FunctionEventType;
  computeUtilization: number;
  error?: string;
  logs: string[];
}
