import { inspect } from "node:util";
import vm from "node:vm";
import { installByteStrings } from "./byte-strings.js";
import { COMPUTE_BUDGET_MS, MAX_LOG_BYTES, RUNAWAY_TIMEOUT_MS, type FunctionRuntime } from "./function-runtime.js";
import type { KeyValueStore } from "./key-value-store.js";
import { makeRequire, type InvocationScope, type OriginRequestChange } from "./modules.js";
import { instrumentCode, TICK_SOURCE } from "./instrument.js";

/**
 * One function version's sandbox (cloudfront.md §13.1): a `node:vm` context made and its code
 * compiled once, then reused by every invocation. Steps of an invocation: freeze `Date` at its
 * start → arm the time budget (instrument.ts: checks compiled into every loop and function body;
 * `vm`'s own `timeout` guards the top level and TestFunction) → run `handler(event)`, with the context's microtasks drained
 * inside the same run (so an async 2.0 handler that only awaits KeyValueStore reads settles
 * synchronously and a cache hit stays synchronous) → measure the time as compute utilization.
 *
 * What the context lacks is what AWS's runtime lacks: no `eval` or `Function` constructor
 * (code generation from strings is off, so both throw), no timers, no `process`, no network or
 * file system, no `require` beyond the runtime's modules.
 *
 * Divergence from AWS: globals a function sets persist across its invocations in one revision
 * (AWS starts each invocation from a fresh copy), and the 2 MB memory limit is not enforced.
 */
export interface InvocationOutcome {
  /** The handler's return value (or what its promise resolved to). */
  value?: unknown;
  /** An execution error: the thrown value's text, or why the run was stopped. */
  error?: string;
  logs: string[];
  computeUtilization: number;
  originChange: OriginRequestChange | undefined;
}

export interface SandboxOptions {
  name: string;
  runtime: FunctionRuntime;
  code: string;
  keyValueStore: KeyValueStore | undefined;
  timeoutMs?: number;
}

/** The one object host and context share; the host writes `event`, `now`, `deadline` and reads the rest. */
interface Io {
  event: unknown;
  done: boolean;
  value: unknown;
  error: unknown;
  threw: boolean;
  /** Epoch ms `Date` answers during the invocation. */
  now: number;
  /** performance.now() past which the budget check throws (instrument.ts). */
  deadline: number;
  over: boolean;
}

const INVOKE_FUNCTION = `(function (io) {
  io.done = false; io.threw = false; io.value = undefined; io.error = undefined;
  if (typeof handler !== "function") { io.done = true; io.threw = true; io.error = new ReferenceError('"handler" is not defined'); return; }
  try {
    var r = handler(io.event);
    if (r !== null && typeof r === "object" && typeof r.then === "function") {
      r.then(function (v) { io.done = true; io.value = v; }, function (e) { io.done = true; io.threw = true; io.error = e; });
    } else { io.done = true; io.value = r; }
  } catch (e) { io.done = true; io.threw = true; io.error = e; }
})`;

const FREEZE_DATE_SOURCE = `(function (RealDate, io) {
  var FrozenDate = new Proxy(RealDate, {
    construct: function (t, args, nt) { return Reflect.construct(t, args.length === 0 ? [io.now] : args, nt); },
    apply: function (t) { return new t(io.now).toString(); }
  });
  RealDate.now = function () { return io.now; };
  Object.defineProperty(globalThis, "Date", { value: FrozenDate, writable: false, configurable: false });
})`;

const TOP_LEVEL_TIMEOUT_MS = 1000;
const RUNAWAY = "InternalError: the function exceeded its maximum allowed time and was stopped";

export class FunctionSandbox {
  readonly #context: vm.Context;
  /** The invocation as a context function, called directly: no script run per request (a run costs ~3 µs). */
  readonly #call: (io: Io) => void;
  /** Runs the invocation as a script, under `vm`'s timeout (TestFunction). */
  readonly #guardedInvoke: vm.Script;
  /** An empty run: settles what the handler's promise awaits (the context drains its microtasks after every run). */
  readonly #drain: vm.Script;
  readonly #isAsync: boolean;
  readonly #io: Io;
  readonly #scope: InvocationScope = { originChange: undefined };
  readonly #timeoutMs: number;
  #logs: string[] = [];
  #logBytes = 0;
  /** Set when the code's top level failed: every invocation is an execution error (§13.4). */
  readonly loadError: string | undefined;

  constructor(o: SandboxOptions) {
    this.#timeoutMs = o.timeoutMs ?? RUNAWAY_TIMEOUT_MS;
    const io: Io = { event: undefined, done: false, value: undefined, error: undefined, threw: false, now: 0, deadline: Infinity, over: false };
    this.#io = io;
    const log = (...args: unknown[]) => this.#log(args);
    // An ordinary global object (no interceptors): global lookups in the function cost what they cost in plain JavaScript.
    this.#context = vm.createContext(vm.constants.DONT_CONTEXTIFY, {
      name: `cloudfront-function:${o.name}`,
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: "afterEvaluate",
    });
    const global = vm.runInContext("globalThis", this.#context) as Record<string, unknown>;
    const ctxPromise = global.Promise as PromiseConstructor;
    const promises = { resolve: (v: unknown) => ctxPromise.resolve(v), reject: (e: unknown) => ctxPromise.reject(e) };
    const hidden = (name: string, value: unknown) => Object.defineProperty(global, name, { value, enumerable: false, writable: false, configurable: false });
    hidden("console", Object.freeze({ log, info: log, warn: log, error: log, debug: log }));
    hidden("require", makeRequire(o.runtime, o.keyValueStore, this.#scope, promises));
    hidden("__edgeparity_io", io);
    delete global.WebAssembly;
    (vm.runInContext(FREEZE_DATE_SOURCE, this.#context) as (d: unknown, io: Io) => void)(global.Date, io);
    (vm.runInContext(TICK_SOURCE, this.#context) as (io: Io, now: () => number) => void)(io, () => performance.now());
    if (o.runtime === "cloudfront-js-1.0") installByteStrings(global.String as StringConstructor);
    this.#call = vm.runInContext(INVOKE_FUNCTION, this.#context, { filename: "edgeparity:invoke" }) as (io: Io) => void;
    hidden("__edgeparity_invoke", this.#call);
    this.#guardedInvoke = new vm.Script("__edgeparity_invoke(__edgeparity_io);", { filename: "edgeparity:invoke" });
    this.#drain = new vm.Script("undefined;", { filename: "edgeparity:drain" });
    // §13.1: strict mode always; written on the first line so every line number stays the code's.
    const source = `"use strict";${instrumentCode(o.code, o.runtime === "cloudfront-js-2.0")}`;
    let loadError: string | undefined;
    try {
      io.now = Date.now();
      // The top level runs once per revision: a generous bound, so a busy machine never fails a healthy load.
      new vm.Script(source, { filename: o.name }).runInContext(this.#context, { timeout: TOP_LEVEL_TIMEOUT_MS });
    } catch (e) {
      loadError = describeThrown(e);
    }
    this.loadError = loadError;
    // An async handler (2.0) runs as a script: its awaits settle in the run's own microtask drain.
    this.#isAsync =
      loadError === undefined &&
      vm.runInContext('typeof handler === "function" && Object.prototype.toString.call(handler) === "[object AsyncFunction]"', this.#context) === true;
    this.#logs = [];
    this.#logBytes = 0;
  }

  /**
   * Runs the handler on `event`, with `Date` frozen at `now` (epoch ms). Never throws.
   * `guarded`: also under `vm`'s timeout (TestFunction: it also stops a runaway regex).
   */
  invoke(event: unknown, now: number, guarded = false): InvocationOutcome {
    this.#logs = [];
    this.#logBytes = 0;
    this.#scope.originChange = undefined;
    if (this.loadError !== undefined) return { error: this.loadError, logs: [], computeUtilization: 0, originChange: undefined };
    const io = this.#io;
    io.event = event;
    io.now = now;
    io.over = false;
    const started = performance.now();
    io.deadline = started + this.#timeoutMs;
    let stopped: string | undefined;
    try {
      if (guarded) this.#guardedInvoke.runInContext(this.#context, { timeout: this.#timeoutMs });
      else if (this.#isAsync) this.#guardedInvoke.runInContext(this.#context);
      else {
        this.#call(io);
        // A 2.0 async handler: its awaits settle in the context's microtask queue, drained after a run.
        if (!io.done) this.#drain.runInContext(this.#context);
      }
    } catch (e) {
      stopped = (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT" ? RUNAWAY : describeThrown(e);
    }
    if (io.over) stopped = RUNAWAY;
    const ms = performance.now() - started;
    io.event = undefined;
    const computeUtilization = Math.min(100, Math.max(1, Math.round((ms / COMPUTE_BUDGET_MS) * 100)));
    const out: InvocationOutcome = { logs: this.#logs, computeUtilization, originChange: this.#scope.originChange };
    if (stopped !== undefined) out.error = stopped;
    else if (!io.done) out.error = "InternalError: the handler's promise did not settle (only KeyValueStore reads can be awaited)";
    else if (io.threw) out.error = describeThrown(io.error);
    else out.value = io.value;
    io.value = undefined;
    io.error = undefined;
    return out;
  }

  #log(args: unknown[]): void {
    if (this.#logBytes >= MAX_LOG_BYTES) return;
    let line = args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4, breakLength: Infinity }))).join(" ");
    const room = MAX_LOG_BYTES - this.#logBytes;
    if (Buffer.byteLength(line) > room) line = Buffer.from(line).subarray(0, room).toString("utf8");
    this.#logBytes += Buffer.byteLength(line);
    this.#logs.push(line);
  }
}

/** `TypeError: x is not a function`: how a thrown value reads in TestFunction's FunctionErrorMessage. */
function describeThrown(e: unknown): string {
  if (e !== null && typeof e === "object" && "message" in e) {
    const name = (e as { name?: unknown }).name;
    return `${typeof name === "string" ? name : "Error"}: ${String((e as { message: unknown }).message)}`;
  }
  return `Error: ${String(e)}`;
}
