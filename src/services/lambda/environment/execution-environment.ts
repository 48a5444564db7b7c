import { Worker } from "node:worker_threads";
import type { BootstrapData, InvokeMessage, LambdaErrorPayload, LogLevelName, WorkerMessage } from "./messages.js";

/**
 * One execution environment: a worker thread with the function's heap limit
 * (resourceLimits.maxOldGenerationSizeMb = MemorySize) running bootstrap.ts. It runs the init
 * once, then one invocation at a time; module state persists between them. When the worker
 * dies (heap limit, process.exit, uncaught error) or is terminated (timeout), the environment
 * is dead and the pool replaces it.
 */
export type InitOutcome = { ok: true; initDurationMs: number } | { ok: false; error: LambdaErrorPayload; initDurationMs: number };

export type InvokeOutcome =
  | { kind: "result"; payload: string; heapBytes: number }
  | { kind: "error"; error: LambdaErrorPayload; heapBytes: number }
  /** The worker ended before answering: exitCode, or the heap limit (outOfMemory). */
  | { kind: "exit"; exitCode: number; outOfMemory: boolean };

export interface EnvironmentOptions {
  data: BootstrapData;
  env: Record<string, string>;
  onLog(level: LogLevelName, line: string): void;
}

// Under tsx (tests, `node --import tsx`) the worker gets no loader hooks, so the stub registers
// tsx before importing the TypeScript bootstrap; the built package runs bootstrap.js directly.
const IS_TS = import.meta.url.endsWith(".ts");
const BOOTSTRAP = new URL(IS_TS ? "./bootstrap.ts" : "./bootstrap.js", import.meta.url).href;
const STUB = IS_TS
  ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => m.register()).then(() => import(${JSON.stringify(BOOTSTRAP)}))`
  : `import(${JSON.stringify(BOOTSTRAP)})`;

export class ExecutionEnvironment {
  readonly ready: Promise<InitOutcome>;
  #worker: Worker;
  #dead = false;
  #pending: ((o: InvokeOutcome) => void) | undefined;
  #pendingId: string | undefined;
  #outOfMemory = false;
  #onDeath: (() => void)[] = [];

  constructor(o: EnvironmentOptions) {
    this.#worker = new Worker(STUB, {
      eval: true,
      workerData: o.data,
      env: o.env,
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: o.data.memorySize },
    });
    let settleInit!: (r: InitOutcome) => void;
    this.ready = new Promise((r) => (settleInit = r));
    // Output written to process.stdout/stderr directly (not through console) reaches the log unprefixed, as in Lambda.
    for (const stream of [this.#worker.stdout, this.#worker.stderr]) {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (buffered + chunk).split("\n");
        buffered = lines.pop()!;
        for (const line of lines) o.onLog("INFO", line);
      });
      stream.on("end", () => buffered && o.onLog("INFO", buffered));
    }
    this.#worker.on("message", (m: WorkerMessage) => {
      switch (m.type) {
        case "log":
          return o.onLog(m.level, m.line);
        case "ready":
          return settleInit({ ok: true, initDurationMs: m.initDurationMs });
        case "init-error":
          settleInit({ ok: false, error: m.error, initDurationMs: m.initDurationMs });
          return void this.terminate();
        case "result":
          return this.#settle(m.requestId, { kind: "result", payload: m.payload, heapBytes: m.heapBytes });
        case "error":
          return this.#settle(m.requestId, { kind: "error", error: m.error, heapBytes: m.heapBytes });
      }
    });
    this.#worker.on("error", (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") this.#outOfMemory = true;
    });
    this.#worker.on("exit", (exitCode) => {
      this.#dead = true;
      settleInit({
        ok: false,
        error: { errorType: "Runtime.ExitError", errorMessage: `Runtime exited with error: exit status ${exitCode}` },
        initDurationMs: 0,
      });
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.({ kind: "exit", exitCode, outOfMemory: this.#outOfMemory });
      for (const f of this.#onDeath) f();
    });
  }

  get isDead(): boolean {
    return this.#dead;
  }

  onDeath(f: () => void): void {
    this.#onDeath.push(f);
  }

  invoke(m: Omit<InvokeMessage, "type">): Promise<InvokeOutcome> {
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#pendingId = m.requestId;
      this.#worker.postMessage({ type: "invoke", ...m } satisfies InvokeMessage);
    });
  }

  #settle(requestId: string, o: InvokeOutcome): void {
    if (requestId !== this.#pendingId || !this.#pending) return;
    const pending = this.#pending;
    this.#pending = undefined;
    pending(o);
  }

  /** Ends the worker (timeout, reload, eviction, close); resolves once it has exited. */
  async terminate(): Promise<void> {
    if (this.#dead) return;
    this.#dead = true;
    await this.#worker.terminate();
  }
}
