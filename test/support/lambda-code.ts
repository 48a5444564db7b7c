import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import { randomIds } from "../../src/core/ids.js";
import { MemoryLog } from "../../src/core/log.js";
import { startLambdaRuntime, type LambdaRuntime, type LambdaRuntimeDeps } from "../../src/services/lambda/index.js";

/** A temp task root with handler files, and a Lambda runtime on real time that logs to memory. */
export interface LambdaBench {
  dir: string;
  log: MemoryLog;
  runtime: LambdaRuntime;
  write(file: string, source: string): void;
  /** The messages logged so far, without the `[FunctionName] ` prefix. */
  lines(functionName: string): string[];
  close(): Promise<void>;
}

export function startLambdaBench(files: Record<string, string>, deps: Partial<LambdaRuntimeDeps> = {}): LambdaBench {
  const dir = mkdtempSync(join(tmpdir(), "edgeparity-lambda-"));
  const write = (file: string, source: string) => writeFileSync(join(dir, file), source);
  for (const [f, s] of Object.entries(files)) write(f, s);
  const log = new MemoryLog();
  const runtime = startLambdaRuntime({ clock: systemClock, ids: randomIds, log, region: "us-east-1", ...deps });
  return {
    dir,
    log,
    runtime,
    write,
    lines: (fn) => log.lines.filter((l) => l.message.startsWith(`[${fn}] `)).map((l) => l.message.slice(fn.length + 3)),
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
