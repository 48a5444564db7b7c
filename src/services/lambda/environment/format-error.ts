import { types } from "node:util";
import type { LambdaErrorPayload } from "./messages.js";

/**
 * An error as the Node.js runtime reports it in the Invoke payload: `{ errorType, errorMessage,
 * trace }` from name, message and stack lines; a non-Error (callback("boom")) becomes
 * `{ errorType: typeof value, errorMessage: String(value), trace: [] }` (runtime interface client,
 * Errors.js toRapidResponse).
 */
export function toErrorPayload(error: unknown): LambdaErrorPayload {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      const e = error as Error;
      return { errorType: e.name, errorMessage: e.message, trace: (e.stack ?? "").split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage: "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

/**
 * The text after "Invoke Error" in the function's log: a tab, then the error as JSON with
 * errorType, errorMessage, its own enumerable fields and `stack` as an array of lines.
 */
export function toLoggedError(error: unknown): string {
  try {
    return "\t" + JSON.stringify(error, (_k, v: unknown) => withEnumerableProperties(v));
  } catch {
    return "\t" + JSON.stringify(toErrorPayload(error));
  }
}

function withEnumerableProperties(v: unknown): unknown {
  if (!(v instanceof Error)) return v;
  const out: Record<string, unknown> = { errorType: v.name, errorMessage: v.message, code: (v as { code?: unknown }).code, ...v };
  if (typeof v.stack === "string") out["stack"] = v.stack.split("\n");
  return out;
}

function isErrorLike(v: unknown): boolean {
  if (!v || typeof v !== "object") return false;
  const o = v as Record<string, unknown>;
  return typeof o["name"] === "string" && typeof o["message"] === "string" && typeof o["stack"] === "string" && !!o["name"] && !!o["message"];
}
