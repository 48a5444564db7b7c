import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Runs the real CLI (through tsx) to completion. */
export function runCli(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Extra process settings for `startCli`: environment added to the test's, and node flags before the CLI (e.g. `--import`). */
export interface StartCliOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
}

/** Starts `edgeparity up --json` and resolves with its ready line and the process. */
export function startCli(
  args: string[],
  cwd?: string,
  options: StartCliOptions = {},
): Promise<{ ready: Record<string, unknown>; proc: ChildProcessWithoutNullStreams; lines: string[]; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", ...(options.nodeArgs ?? []), CLI, "up", "--json", "--http-port", "0", "--https-port", "0", ...args],
      {
        cwd,
        env: { ...process.env, ...options.env },
      },
    );
    let stderr = "";
    proc.stderr.on("data", (d) => (stderr += d));
    const lines: string[] = [];
    let ready = false;
    createInterface({ input: proc.stdout }).on("line", (line) => {
      if (!ready) {
        ready = true;
        try {
          resolve({ ready: JSON.parse(line) as Record<string, unknown>, proc, lines, stderr: () => stderr });
        } catch (e) {
          proc.kill("SIGKILL");
          reject(new Error(`first stdout line is not JSON: ${line}\n${stderr}`, { cause: e }));
        }
      } else lines.push(line);
    });
    proc.on("close", (code) => {
      if (!ready) reject(new Error(`edgeparity up exited ${code} before ready:\n${stderr}`));
    });
  });
}
