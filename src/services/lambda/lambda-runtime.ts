import { dirname, resolve } from "node:path";
import type { Clock, TimerHandle } from "../../core/clock.js";
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { EdgeparityError } from "../../core/errors.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import { ExecutionEnvironment, type InitOutcome, type InvokeOutcome } from "./environment/execution-environment.js";
import type { LambdaErrorPayload, LogLevelName } from "./environment/messages.js";
import { resourceNotFound, runtimeExited, taskTimedOut } from "./lambda-errors.js";
import { buildReport, endLine, reportLine, startLine, type InvocationReport } from "./report-lines.js";
import type { LambdaFunctionConfig, ResolvedFunctionConfig } from "./schema/function-config.js";
import { validateFunctionConfig } from "./schema/validate-function-config.js";

/**
 * The Lambda runtime: registered functions, a bounded pool of execution environments (worker
 * threads) shared by them, and Invoke. An invocation takes a warm environment of its function
 * if one is idle, else starts one (cold start: the init runs) while under the bound, else
 * recycles an idle environment of another function, else waits. It then runs with the
 * function's Timeout on the injected clock, and reports START / END / REPORT and Lambda's
 * payload for results, function errors, timeouts and runtime exits.
 */
export interface LambdaRuntimeDeps {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  /** Choice: the account in ARNs; AWS's documentation example by default. */
  accountId?: string;
  /** Environments alive at once across all functions (the account's ConcurrentExecutions, locally). Default 10. */
  concurrentExecutions?: number;
}

/** Invoke's request options (Lambda API reference, Invoke: X-Amz-Log-Type). */
export interface InvokeOptions {
  LogType?: "None" | "Tail";
}

/** Invoke's response (StatusCode, X-Amz-Function-Error, Payload, X-Amz-Executed-Version, X-Amz-Log-Result) and the REPORT figures. */
export interface InvokeResult {
  StatusCode: 200;
  FunctionError?: "Unhandled";
  /** The function's result, or Lambda's error object, as JSON text. */
  Payload: string;
  ExecutedVersion: "$LATEST";
  /** With LogType Tail: the last 4 KB of the invocation's log, base64. */
  LogResult?: string;
  RequestId: string;
  Report: InvocationReport;
}

export interface LambdaRuntime {
  /** CreateFunction (or, for a known name, UpdateFunctionConfiguration: its environments are replaced). */
  register(fn: LambdaFunctionConfig): void;
  invoke(functionName: string, event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Picks up edited handler code: idle environments end now, busy ones after their invocation. */
  reload(functionName: string): Promise<void>;
  functionArn(functionName: string): string;
  /** Ends every environment; waiting invocations fail. */
  close(): Promise<void>;
}

const DEFAULT_CONCURRENCY = 10;
/** Lambda's INIT phase limit: 10 s (AWS Compute Blog, INIT phase billing). */
const INIT_LIMIT_MS = 10_000;
/** X-Amz-Log-Result carries the last 4 KB of the log. */
const TAIL_BYTES = 4096;

interface FunctionSlot {
  config: ResolvedFunctionConfig;
  generation: number;
  idle: PooledEnvironment[];
}

interface PooledEnvironment {
  env: ExecutionEnvironment;
  slot: FunctionSlot;
  generation: number;
  initialized: boolean;
  counted: boolean;
  lastHeapBytes: number;
  /** Log lines of the invocation in flight, kept when it asked for LogType Tail. */
  tail: string[] | undefined;
}

export function startLambdaRuntime(deps: LambdaRuntimeDeps): LambdaRuntime {
  return new Runtime(deps);
}

class Runtime implements LambdaRuntime {
  #functions = new Map<string, FunctionSlot>();
  #live = new Set<PooledEnvironment>();
  #count = 0;
  #waiters: (() => void)[] = [];
  #closed = false;
  readonly #bound: number;

  constructor(private readonly deps: LambdaRuntimeDeps) {
    this.#bound = Math.max(1, deps.concurrentExecutions ?? DEFAULT_CONCURRENCY);
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.deps.region}:${this.deps.accountId ?? LOCAL_ACCOUNT_ID}:function:${name}`;
  }

  register(fn: LambdaFunctionConfig): void {
    const config = validateFunctionConfig(fn);
    const slot = this.#functions.get(config.FunctionName);
    if (!slot) return void this.#functions.set(config.FunctionName, { config, generation: 0, idle: [] });
    slot.config = config;
    void this.reload(config.FunctionName);
  }

  async reload(name: string): Promise<void> {
    const slot = this.#functions.get(name);
    if (!slot) throw resourceNotFound(this.functionArn(name));
    slot.generation++;
    const idle = slot.idle.splice(0);
    await Promise.all(idle.map((p) => this.#discard(p)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    await Promise.all([...this.#live].map((p) => this.#discard(p)));
  }

  async invoke(name: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const slot = this.#functions.get(name);
    if (!slot) throw resourceNotFound(this.functionArn(name));
    const payload = JSON.stringify(event === undefined ? null : event);
    const requestId = this.deps.ids.uuid();
    const p = await this.#acquire(slot);
    p.tail = options.LogType === "Tail" ? [] : undefined;
    const config = p.slot.config;
    let initDurationMs: number | undefined;
    let outcome: InvokeOutcome | { kind: "timeout"; elapsedMs: number };
    let durationMs = 0;
    let reusable = true;
    if (!p.initialized) {
      p.initialized = true;
      const init = await this.#within(p.env.ready, INIT_LIMIT_MS);
      initDurationMs = init === "timeout" ? INIT_LIMIT_MS : init.initDurationMs;
      if (init === "timeout" || !init.ok) {
        reusable = false;
        this.#emit(p, "INFO", startLine(requestId));
        outcome =
          init === "timeout"
            ? { kind: "timeout", elapsedMs: INIT_LIMIT_MS }
            : { kind: "error", error: (init as InitOutcome & { ok: false }).error, heapBytes: 0 };
        return this.#finish(p, requestId, outcome, 0, initDurationMs, reusable);
      }
    }
    this.#emit(p, "INFO", startLine(requestId));
    const timeoutMs = config.Timeout * 1000;
    const started = performance.now();
    const run = p.env.invoke({ requestId, payload, deadlineMs: this.deps.clock.now() + timeoutMs, invokedFunctionArn: this.functionArn(name) });
    const r = await this.#within(run, timeoutMs);
    durationMs = performance.now() - started;
    outcome = r === "timeout" ? { kind: "timeout", elapsedMs: durationMs } : r;
    return this.#finish(p, requestId, outcome, durationMs, initDurationMs, reusable);
  }

  #finish(
    p: PooledEnvironment,
    requestId: string,
    outcome: InvokeOutcome | { kind: "timeout"; elapsedMs: number },
    durationMs: number,
    initDurationMs: number | undefined,
    reusable: boolean,
  ): InvokeResult {
    const config = p.slot.config;
    let error: LambdaErrorPayload | undefined;
    let afterReport: string | undefined;
    let Payload: string;
    if (outcome.kind === "result") {
      p.lastHeapBytes = outcome.heapBytes;
      Payload = outcome.payload;
    } else if (outcome.kind === "error") {
      if (outcome.heapBytes) p.lastHeapBytes = outcome.heapBytes;
      error = outcome.error;
    } else if (outcome.kind === "timeout") {
      reusable = false;
      durationMs = outcome.elapsedMs;
      error = taskTimedOut(new Date(this.deps.clock.now()).toISOString(), requestId, outcome.elapsedMs);
      afterReport = error.errorMessage;
    } else {
      reusable = false;
      const e = runtimeExited(requestId, outcome.outOfMemory, outcome.exitCode);
      if (outcome.outOfMemory) p.lastHeapBytes = config.MemorySize * 1024 * 1024;
      error = e;
      afterReport = `${e.errorMessage}\n${e.errorType}`;
    }
    Payload ??= JSON.stringify(error);
    const report = buildReport(durationMs, initDurationMs, config.MemorySize, p.lastHeapBytes);
    this.#emit(p, "INFO", endLine(requestId));
    this.#emit(p, "INFO", reportLine(requestId, report));
    if (afterReport) this.#emit(p, "INFO", afterReport);
    const result: InvokeResult = { StatusCode: 200, Payload, ExecutedVersion: "$LATEST", RequestId: requestId, Report: report };
    if (error) result.FunctionError = "Unhandled";
    if (p.tail) result.LogResult = tailOf(p.tail);
    p.tail = undefined;
    this.#release(p, reusable);
    return result;
  }

  /** Resolves with `promise`, or "timeout" after `ms` on the injected clock. */
  #within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
    return new Promise((resolve) => {
      const timer: TimerHandle = this.deps.clock.setTimeout(() => resolve("timeout"), ms);
      void promise.then((v) => {
        this.deps.clock.clearTimeout(timer);
        resolve(v);
      });
    });
  }

  async #acquire(slot: FunctionSlot): Promise<PooledEnvironment> {
    for (;;) {
      if (this.#closed) throw new EdgeparityError("NOT_RUNNING", `Lambda runtime closed: cannot invoke ${slot.config.FunctionName}`);
      const warm = slot.idle.pop();
      if (warm) {
        if (!warm.env.isDead) return warm;
        continue;
      }
      if (this.#count < this.#bound) return this.#spawn(slot);
      // At the bound: recycle the idle environment of another function (or of older code) that waited longest.
      const victim = this.#oldestIdle();
      if (victim) {
        victim.slot.idle.splice(victim.slot.idle.indexOf(victim), 1);
        void this.#discard(victim);
        return this.#spawn(slot);
      }
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  #oldestIdle(): PooledEnvironment | undefined {
    for (const s of this.#functions.values()) if (s.idle.length > 0) return s.idle[0];
    return undefined;
  }

  #spawn(slot: FunctionSlot): PooledEnvironment {
    const c = slot.config;
    const now = new Date(this.deps.clock.now());
    const logGroupName = `/aws/lambda/${c.FunctionName}`;
    const logStreamName = `${now.getUTCFullYear()}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/[$LATEST]${this.deps.ids.hex32()}`;
    const taskRoot = "Directory" in c.Code ? resolve(c.Code.Directory) : dirname(resolve(c.Code.File));
    const p: PooledEnvironment = {
      slot,
      generation: slot.generation,
      initialized: false,
      counted: true,
      lastHeapBytes: 0,
      tail: undefined,
      env: undefined as unknown as ExecutionEnvironment,
    };
    p.env = new ExecutionEnvironment({
      data: {
        taskRoot,
        file: "File" in c.Code ? resolve(c.Code.File) : undefined,
        handler: c.Handler,
        runtime: c.Runtime,
        functionName: c.FunctionName,
        memorySize: c.MemorySize,
        logGroupName,
        logStreamName,
      },
      // Lambda's reserved variables win over the function's own (Lambda developer guide, defined runtime environment variables).
      env: {
        PATH: process.env["PATH"] ?? "",
        LANG: "en_US.UTF-8",
        ...c.Environment.Variables,
        AWS_REGION: this.deps.region,
        AWS_DEFAULT_REGION: this.deps.region,
        AWS_EXECUTION_ENV: `AWS_Lambda_${c.Runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: c.FunctionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.MemorySize),
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
        LAMBDA_TASK_ROOT: taskRoot,
        _HANDLER: c.Handler,
      },
      onLog: (level, line) => this.#emit(p, level, line),
    });
    this.#count++;
    this.#live.add(p);
    p.env.onDeath(() => {
      this.#uncount(p);
      const i = p.slot.idle.indexOf(p);
      if (i !== -1) p.slot.idle.splice(i, 1);
    });
    return p;
  }

  #release(p: PooledEnvironment, reusable: boolean): void {
    if (reusable && !this.#closed && !p.env.isDead && p.generation === p.slot.generation) p.slot.idle.push(p);
    else void this.#discard(p);
    this.#wake();
  }

  #discard(p: PooledEnvironment): Promise<void> {
    this.#uncount(p);
    return p.env.terminate();
  }

  #uncount(p: PooledEnvironment): void {
    if (!p.counted) return;
    p.counted = false;
    this.#count--;
    this.#live.delete(p);
    this.#wake();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #emit(p: PooledEnvironment, level: LogLevelName, line: string): void {
    p.tail?.push(line);
    const message = `[${p.slot.config.FunctionName}] ${line}`;
    if (level === "ERROR" || level === "FATAL") this.deps.log.error(message);
    else if (level === "WARN") this.deps.log.warn(message);
    else if (level === "INFO") this.deps.log.info(message);
    else this.deps.log.debug(message);
  }
}

function tailOf(lines: string[]): string {
  const all = Buffer.from(lines.join("\n") + "\n");
  return all.subarray(Math.max(0, all.length - TAIL_BYTES)).toString("base64");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
