import { parentPort, workerData } from "node:worker_threads";
import { format } from "node:util";
import { getHeapStatistics } from "node:v8";
import { systemClock } from "../../../core/clock.js";
import { toErrorPayload, toLoggedError } from "./format-error.js";
import { loadHandler, type UserHandler } from "./handler-loader.js";
import type { BootstrapData, InvokeMessage, LogLevelName, WorkerMessage } from "./messages.js";

/**
 * The worker side of one execution environment, doing what Lambda's Node.js runtime does: patch
 * the console to `<ISO time>\t<request id>\t<LEVEL>\t<message>` lines, run the init (import the
 * handler module) once, then for each invocation call the handler with (event, context, callback)
 * and report the first outcome: a returned promise settles it; a callback settles it once the
 * event loop is empty (unless context.callbackWaitsForEmptyEventLoop is false); a handler that
 * neither returns a promise nor calls back succeeds with null when the loop empties (runtime
 * interface client, Runtime.js / CallbackContext.js). Module state lives on between invocations.
 */
const port = parentPort!;
const data = workerData as BootstrapData;
let currentRequestId: string | undefined;

function post(m: WorkerMessage): void {
  port.postMessage(m);
}

// Lambda's log levels and the console methods that write them (runtime interface client, LogPatch.js).
const LEVELS: [keyof Console | "fatal", LogLevelName][] = [
  ["trace", "TRACE"],
  ["debug", "DEBUG"],
  ["info", "INFO"],
  ["log", "INFO"],
  ["warn", "WARN"],
  ["error", "ERROR"],
  ["fatal", "FATAL"],
];
const patched = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;
for (const [method, level] of LEVELS)
  patched[method] = (...args: unknown[]) =>
    post({ type: "log", level, line: `${new Date(systemClock.now()).toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}` });
const logError = (label: string, err: unknown) => patched["error"]!(label, toLoggedError(err));

function heapBytes(): number {
  const s = getHeapStatistics();
  return s.used_heap_size + s.external_memory;
}

// An exception or rejection nobody catches ends the runtime (exit 129 / 128), failing the invocation in flight.
process.on("uncaughtException", (err) => {
  logError("Uncaught Exception", err);
  if (currentRequestId) post({ type: "error", requestId: currentRequestId, error: toErrorPayload(err), heapBytes: heapBytes() });
  process.exit(129);
});
process.on("unhandledRejection", (reason) => {
  const err = new Error(String(reason));
  err.name = "Runtime.UnhandledPromiseRejection";
  logError("Unhandled Promise Rejection", err);
  if (currentRequestId) post({ type: "error", requestId: currentRequestId, error: toErrorPayload(err), heapBytes: heapBytes() });
  process.exit(128);
});

/** Resource kinds alive when the environment went idle; the loop is "empty" when nothing else is. */
let baseline = new Map<string, number>();
function snapshotResources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}
function whenEventLoopEmpty(): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => {
      // The poll's own timer is unref'd, so it is not among the active resources it counts.
      for (const [kind, n] of snapshotResources()) if (n > (baseline.get(kind) ?? 0)) return void setTimeout(poll, 2).unref();
      resolve();
    };
    setTimeout(poll, 0).unref();
  });
}

function isPromise(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as { then?: unknown }).then === "function";
}

// nodejs24.x removed callback handlers (runtime interface client, callback-deprecation.ts).
const CALLBACK_REMOVED =
  "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.";

function invoke(handler: UserHandler, m: InvokeMessage): void {
  currentRequestId = m.requestId;
  let finished = false;
  const complete = (result: unknown) => {
    if (finished) return;
    finished = true;
    let payload: string;
    try {
      payload = JSON.stringify(result === undefined ? null : result);
    } catch {
      // nodejs24.x names it Runtime.JSONStringifyError; earlier runtimes throw a plain Error (RAPIDClient.js).
      const e = new Error("Unable to stringify response body");
      if (data.runtime === "nodejs24.x") e.name = "Runtime.JSONStringifyError";
      finished = false;
      fail(e);
      return;
    }
    post({ type: "result", requestId: m.requestId, payload, heapBytes: heapBytes() });
  };
  const fail = (err: unknown) => {
    if (finished) return;
    finished = true;
    logError("Invoke Error", err);
    post({ type: "error", requestId: m.requestId, error: toErrorPayload(err), heapBytes: heapBytes() });
  };
  let waitsForEmptyEventLoop = true;
  let settled = false;
  const once =
    <A extends unknown[]>(f: (...a: A) => void) =>
    (...a: A) => {
      if (settled) return;
      settled = true;
      f(...a);
    };
  const done = once((err?: unknown, result?: unknown) => (err !== undefined && err !== null ? fail(err) : complete(result)));
  const callback = once((err?: unknown, result?: unknown) => {
    if (err !== undefined && err !== null) fail(err);
    else if (!waitsForEmptyEventLoop) complete(result);
    else void whenEventLoopEmpty().then(() => complete(result));
  });
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(v: boolean) {
      waitsForEmptyEventLoop = v;
    },
    succeed: (result?: unknown) => done(null, result),
    fail: (err?: unknown) => done(err ?? "handled"),
    done,
    functionName: data.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: m.invokedFunctionArn,
    memoryLimitInMB: String(data.memorySize),
    awsRequestId: m.requestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, m.deadlineMs - systemClock.now()),
  };
  let returned: unknown;
  try {
    returned = handler(JSON.parse(m.payload), context, callback);
  } catch (err) {
    callback(err);
    return;
  }
  if (isPromise(returned))
    returned.then(
      (v) => context.succeed(v),
      (e: unknown) => context.fail(e),
    );
  // Neither a promise nor (yet) a callback: the runtime answers null once the event loop drains.
  else void whenEventLoopEmpty().then(() => (settled ? undefined : done(null, null)));
}

async function main(): Promise<void> {
  const started = performance.now();
  let handler: UserHandler;
  try {
    handler = await loadHandler(data.taskRoot, data.file, data.handler);
    if (data.runtime === "nodejs24.x" && handler.length >= 3) {
      const e = new Error(CALLBACK_REMOVED);
      e.name = "Runtime.CallbackHandlerDeprecated";
      throw e;
    }
  } catch (err) {
    logError("Uncaught Exception", err);
    post({ type: "init-error", error: toErrorPayload(err), initDurationMs: performance.now() - started });
    return;
  }
  port.on("message", (m: InvokeMessage) => invoke(handler, m));
  baseline = snapshotResources();
  post({ type: "ready", initDurationMs: performance.now() - started });
}

void main();
