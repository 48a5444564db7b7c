import { setFlagsFromString } from "node:v8";

/**
 * V8's budget for WebAssembly dynamic tiering: how much code (roughly, bytes executed) one
 * function runs in its baseline (Liftoff) code before V8 recompiles it with TurboFan on a
 * background thread. The default, 1.8 M, is spent by undici's HTTP/1.1 parser (llhttp: one wasm
 * function of 33 KB, a loop over its state machine) on the first response it parses, a target
 * group's first health check. That TurboFan compile took 86–178 ms of CPU and 29 MB of zone
 * memory (42 MB allocated) here; it ran while `edgeparity up` was starting and serving its first
 * request, and glibc kept 0 or ~10 MB of the freed memory resident (idle RSS 73 or 83 MB; issue
 * 14, bench/README.md "Cold start and idle RSS"). This budget defers the compile to a process
 * that has parsed ~1,200 origin or target responses, where it pays for itself; until then the
 * Liftoff code parses as fast within the noise (undici client CPU per 1 KiB response, A/B).
 */
const WASM_TIERING_BUDGET = 2_000_000_000;

/** Raises the budget, unless the operator set it on node's command line. V8 reads it when a module is instantiated (undici's first connection). */
export function deferWasmTierUp(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((a) => /^--wasm[-_]tiering[-_]budget/.test(a))) return false;
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  return true;
}
