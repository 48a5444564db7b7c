import { inspect } from "node:util";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import vm from "node:vm";
import { installByteStrings } from "./byte-strings.js";
import { COMPUTE_BUDGET_MS, MAX_FUNCTION_MEMORY_BYTES, MAX_LOG_BYTES, RUNAWAY_TIMEOUT_MS, type FunctionRuntime } from "./function-runtime.js";
import { snapshotGlobals, type GlobalsSnapshot } from "./globals-snapshot.js";
import type { KeyValueStore } from "./key-value-store.js";
import { makeRequire, type InvocationScope, type OriginRequestChange } from "./modules.js";
import { instrumentCode, TICK_SOURCE } from "./instrument.js";

/**
 * One function version's sandbox (cloudfront.md §13.1): a `node:vm` context made and its code
 * compiled once, then reused by every invocation. The code is compiled as a factory — its top
 * level wrapped in a function that returns `handler` — and every invocation calls the factory
 * afresh, so each starts from the function's initial state, as AWS's does ("all customer-specific
 * data is cleared between function executions", Infrastructure security in Amazon CloudFront):
 * its `var`s, functions and top-level work are new each time, for the price of a function call,
 * not a new context. Code that writes to a global object (instrument.ts tells) also has the
 * globals it changed put back after each invocation (globals-snapshot.ts).
 *
 * Steps of an invocation: freeze `Date` at its start → arm the time budget (instrument.ts:
 * checks compiled into every loop and function body; `vm`'s own `timeout` guards the load and
 * TestFunction) → note the heap → run the top level and `handler(event)`, with the context's
 * microtasks drained inside the same run (so an async 2.0 handler that only awaits KeyValueStore
 * reads settles synchronously and a cache hit stays synchronous) → measure the time as compute
 * utilization, and the heap's growth against the 2 MB memory limit (§13.4).
 *
 * What the context lacks is what AWS's runtime lacks: no `eval` or `Function` constructor
 * (code generation from strings is off, so both throw), no timers, no `process`, no network or
 * file system, no `require` beyond the runtime's modules.
 *
 * Divergence from AWS: memory is what the invocation allocates on V8's heap (plus external memory
 * such as Buffers), sampled at its end and every 1024 budget checks, rises summed — an
 * approximation of AWS's 2 MB (docs/fidelity.md): a collection inside one built-in call can hide
 * part of that call's allocation, a string built by `+=` counts its pieces until something
 * flattens it, and code that cannot allocate much (instrument.ts) is not measured.
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
  /** performance.now() past which the budget check stops the function (instrument.ts). */
  deadline: number;
  /** Why the budget check stopped the function (time or memory); every later check throws it again. */
  stop: string | undefined;
}

/** The invocation, made in the context around the code's factory: top level, then `handler(event)`. */
const INVOKE_FUNCTION = `(function (io, factory) {
  return function () {
    io.done = false; io.threw = false; io.value = undefined; io.error = undefined;
    try {
      var handler = factory();
      if (typeof handler !== "function") { io.done = true; io.threw = true; io.error = new ReferenceError('"handler" is not defined'); return; }
      var r = handler(io.event);
      if (r !== null && typeof r === "object" && typeof r.then === "function") {
        r.then(function (v) { io.done = true; io.value = v; }, function (e) { io.done = true; io.threw = true; io.error = e; });
      } else { io.done = true; io.value = r; }
    } catch (e) { io.done = true; io.threw = true; io.error = e; }
  };
})`;

/** The code's top level as a function returning its handler; "use strict" on the first line keeps every line number (§13.1: always strict). */
const factorySource = (instrumented: string) => `(function () {"use strict";${instrumented}\n;return typeof handler === "function" ? handler : undefined;\n})`;

const FREEZE_DATE_SOURCE = `(function (RealDate, io) {
  var FrozenDate = new Proxy(RealDate, {
    construct: function (t, args, nt) { return Reflect.construct(t, args.length === 0 ? [io.now] : args, nt); },
    apply: function (t) { return new t(io.now).toString(); }
  });
  RealDate.now = function () { return io.now; };
  Object.defineProperty(globalThis, "Date", { value: FrozenDate, writable: false, configurable: false });
})`;

const TOP_LEVEL_TIMEOUT_MS = 1000;
/** The logs of an invocation that logged nothing (most): shared, never written (#log makes a new list first). */
const NO_LOGS: string[] = Object.freeze([]) as unknown as string[];
const RUNAWAY = "InternalError: the function exceeded its maximum allowed time and was stopped";
/** §13.1 names MemoryError among the runtime's errors; the message text is ours (AWS's is UNCONFIRMED). */
const OUT_OF_MEMORY = "MemoryError: the function exceeded its maximum allowed memory of 2 MB";

/** Heap in use plus external memory (Buffers): what an invocation's allocation is measured on. */
function heapInUse(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/**
 * V8's full collection, taken once from a throwaway context (the flag is off again before any
 * function's context is made, so no function sees a `gc`). The sandbox runs it after an
 * invocation that allocated more than COLLECT_AFTER_BYTES, so the garbage that invocation left
 * is not what the next one's allocation frees, hiding it from the measure.
 */
const collectGarbage = (() => {
  setFlagsFromString("--expose-gc");
  try {
    return vm.runInNewContext("gc") as () => void;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
})();
const COLLECT_AFTER_BYTES = 1024 * 1024;

/**
 * An invocation shorter than this cannot have filled 2 MB of V8's heap (V8 writes what it
 * allocates: 2 MB take ~50 µs even as a zeroed ArrayBuffer), so its end sample is skipped — one
 * heap read per invocation instead of two (~0.3 µs each). Code that uses the `buffer` module
 * (Buffer.allocUnsafe takes megabytes in 0.5 µs) is always sampled.
 */
const SAMPLE_AFTER_MS = 0.01;
// Code that cannot allocate much (instrument.ts: no loop, no second function, no built-in that
// makes large values) is not measured at all: a heap read costs ~0.3–1.3 µs, a third of what such a function costs.

export class FunctionSandbox {
  readonly #context: vm.Context;
  /** The invocation as a context function, called directly: no script run per request (a run costs ~3 µs). */
  readonly #call: () => void;
  /** Runs the invocation as a script, under `vm`'s timeout (TestFunction). */
  readonly #guardedInvoke: vm.Script;
  /** An empty run: settles what the handler's promise awaits (the context drains its microtasks after every run). */
  readonly #drain: vm.Script;
  readonly #isAsync: boolean;
  readonly #io: Io;
  readonly #scope: InvocationScope = { originChange: undefined };
  readonly #timeoutMs: number;
  /** The globals before any of the code ran, for code that writes to them (put back after each invocation). */
  readonly #globals: GlobalsSnapshot | undefined;
  readonly #isAlwaysSampled: boolean;
  readonly #isMeasured: boolean;
  /** The invocation's allocation so far: the sum of the heap's rises between samples (a fall is a collection). */
  #allocated = 0;
  #heapSeen = 0;
  #logs: string[] = [];
  #logBytes = 0;
  /** Set when the code's top level failed: every invocation is an execution error (§13.4). */
  readonly loadError: string | undefined;

  constructor(o: SandboxOptions) {
    this.#timeoutMs = o.timeoutMs ?? RUNAWAY_TIMEOUT_MS;
    const io: Io = { event: undefined, done: false, value: undefined, error: undefined, threw: false, now: 0, deadline: Infinity, stop: undefined };
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
    delete global.WebAssembly;
    (vm.runInContext(FREEZE_DATE_SOURCE, this.#context) as (d: unknown, io: Io) => void)(global.Date, io);
    const overMemory = () => this.#isMeasured && this.#sampleHeap() > MAX_FUNCTION_MEMORY_BYTES;
    (vm.runInContext(TICK_SOURCE, this.#context) as (io: Io, now: () => number, over: () => boolean, runaway: string, memory: string) => void)(
      io,
      () => performance.now(),
      overMemory,
      RUNAWAY,
      OUT_OF_MEMORY,
    );
    if (o.runtime === "cloudfront-js-1.0") installByteStrings(global.String as StringConstructor);
    const { source, touchesGlobals, usesBuffers, mayAllocateMuch } = instrumentCode(o.code, o.runtime === "cloudfront-js-2.0");
    this.#isAlwaysSampled = usesBuffers;
    this.#isMeasured = mayAllocateMuch;
    // Compiling the factory runs none of the code: its top level runs at load (below) and in each invocation.
    const factory = new vm.Script(factorySource(source), { filename: o.name }).runInContext(this.#context) as () => unknown;
    this.#call = (vm.runInContext(INVOKE_FUNCTION, this.#context, { filename: "edgeparity:invoke" }) as (io: Io, f: () => unknown) => () => void)(io, factory);
    hidden("__edgeparity_factory", factory);
    hidden("__edgeparity_invoke", this.#call);
    this.#guardedInvoke = new vm.Script("__edgeparity_invoke();", { filename: "edgeparity:invoke" });
    this.#drain = new vm.Script("undefined;", { filename: "edgeparity:drain" });
    this.#globals = touchesGlobals ? snapshotGlobals(global) : undefined;
    let loadError: string | undefined;
    let handler: unknown;
    try {
      io.now = Date.now();
      this.#startHeap();
      // The top level once at load, so code that cannot run fails the load (every invocation then answers 503, §13.4):
      // a generous bound, so a busy machine never fails a healthy load.
      handler = new vm.Script("__edgeparity_factory();", { filename: "edgeparity:load" }).runInContext(this.#context, { timeout: TOP_LEVEL_TIMEOUT_MS });
    } catch (e) {
      loadError = describeThrown(e);
    }
    this.#globals?.restore();
    this.loadError = loadError;
    // An async handler (2.0) runs as a script: its awaits settle in the run's own microtask drain.
    this.#isAsync = loadError === undefined && Object.prototype.toString.call(handler) === "[object AsyncFunction]";
    this.#logs = [];
    this.#logBytes = 0;
  }

  /**
   * Runs the handler on `event`, with `Date` frozen at `now` (epoch ms). Never throws.
   * `guarded`: also under `vm`'s timeout (TestFunction: it also stops a runaway regex).
   */
  invoke(event: unknown, now: number, guarded = false): InvocationOutcome {
    this.#logs = NO_LOGS;
    this.#logBytes = 0;
    this.#scope.originChange = undefined;
    if (this.loadError !== undefined) return { error: this.loadError, logs: [], computeUtilization: 0, originChange: undefined };
    const io = this.#io;
    io.event = event;
    io.now = now;
    io.stop = undefined;
    if (this.#isMeasured) this.#startHeap();
    const started = performance.now();
    io.deadline = started + this.#timeoutMs;
    let stopped: string | undefined;
    try {
      if (guarded) this.#guardedInvoke.runInContext(this.#context, { timeout: this.#timeoutMs });
      else if (this.#isAsync) this.#guardedInvoke.runInContext(this.#context);
      else {
        this.#call();
        // A 2.0 async handler: its awaits settle in the context's microtask queue, drained after a run.
        if (!io.done) this.#drain.runInContext(this.#context);
      }
    } catch (e) {
      stopped = (e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT" ? RUNAWAY : describeThrown(e);
    }
    const ms = performance.now() - started;
    if (io.stop !== undefined) stopped = io.stop;
    else if (this.#isMeasured && (ms > SAMPLE_AFTER_MS || this.#isAlwaysSampled || this.#allocated > 0) && this.#sampleHeap() > MAX_FUNCTION_MEMORY_BYTES)
      stopped = OUT_OF_MEMORY;
    io.event = undefined;
    this.#globals?.restore();
    if (this.#allocated > COLLECT_AFTER_BYTES) collectGarbage();
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

  #startHeap(): void {
    this.#allocated = 0;
    this.#heapSeen = heapInUse();
  }

  /** Samples the heap (at the end, and every 1024 budget checks): rises add up, falls are collections. */
  #sampleHeap(): number {
    const now = heapInUse();
    if (now > this.#heapSeen) this.#allocated += now - this.#heapSeen;
    this.#heapSeen = now;
    return this.#allocated;
  }

  #log(args: unknown[]): void {
    if (this.#logBytes >= MAX_LOG_BYTES) return;
    let line = args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 4, breakLength: Infinity }))).join(" ");
    const room = MAX_LOG_BYTES - this.#logBytes;
    if (Buffer.byteLength(line) > room) line = Buffer.from(line).subarray(0, room).toString("utf8");
    this.#logBytes += Buffer.byteLength(line);
    if (this.#logs === NO_LOGS) this.#logs = [];
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
