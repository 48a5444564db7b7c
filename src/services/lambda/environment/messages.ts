/** The messages between an execution environment (main thread) and its worker (bootstrap.ts). */

/** What the worker needs to initialise: the function's code and identity. */
export interface BootstrapData {
  taskRoot: string;
  /** Pins the module file (Code.File); otherwise the Handler's module is looked up in taskRoot. */
  file: string | undefined;
  handler: string;
  runtime: string;
  functionName: string;
  memorySize: number;
  logGroupName: string;
  logStreamName: string;
}

/** Lambda's error payload: the runtime's `{ errorType, errorMessage, trace }` (trace may be absent). */
export interface LambdaErrorPayload {
  errorType?: string;
  errorMessage: string;
  trace?: string[];
}

export type LogLevelName = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

export type WorkerMessage =
  | { type: "ready"; initDurationMs: number }
  | { type: "init-error"; error: LambdaErrorPayload; initDurationMs: number }
  | { type: "log"; level: LogLevelName; line: string }
  | { type: "result"; requestId: string; payload: string; heapBytes: number }
  | { type: "error"; requestId: string; error: LambdaErrorPayload; heapBytes: number };

export interface InvokeMessage {
  type: "invoke";
  requestId: string;
  /** The event as JSON text: the handler gets a fresh parse, as from Lambda's Runtime API. */
  payload: string;
  /** Epoch ms when the function times out (context.getRemainingTimeInMillis). */
  deadlineMs: number;
  invokedFunctionArn: string;
}
