import type { LambdaErrorPayload } from "./environment/messages.js";

/**
 * Lambda's own error payloads and service errors, verbatim.
 * - Timeout: `{"errorMessage":"<ISO time> <request id> Task timed out after 3.00 seconds"}` (no
 *   errorType), and the same text as the last log line of the invocation.
 * - Runtime killed at the memory limit: errorType Runtime.OutOfMemory, errorMessage
 *   "RequestId: <id> Error: Runtime exited with error: signal: killed".
 * - Runtime exiting any other way: Runtime.ExitError, "… Runtime exited with error: exit status <n>".
 */
export function taskTimedOut(isoTime: string, requestId: string, elapsedMs: number): LambdaErrorPayload {
  return { errorMessage: `${isoTime} ${requestId} Task timed out after ${(elapsedMs / 1000).toFixed(2)} seconds` };
}

export function runtimeExited(requestId: string, outOfMemory: boolean, exitCode: number): Required<Omit<LambdaErrorPayload, "trace">> {
  return outOfMemory
    ? { errorType: "Runtime.OutOfMemory", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` }
    : { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${exitCode}` };
}

/** An Invoke the service itself refuses (Lambda API reference, Invoke errors). */
export class LambdaServiceError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export function resourceNotFound(functionArn: string): LambdaServiceError {
  return new LambdaServiceError("ResourceNotFoundException", 404, `Function not found: ${functionArn}`);
}
