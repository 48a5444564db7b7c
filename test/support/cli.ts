import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
/**
 * `EDGEPARITY_TEST_CLI=dist/cli/main.js` runs these tests against a built CLI (the bundle) instead
 * of the sources through tsx.
 */
const cliArgs = (nodeArgs: string[] = []) => {
  const built = process.env.EDGEPARITY_TEST_CLI;
  return built ? [...nodeArgs, resolve(built)] : ["--import", "tsx", ...nodeArgs, CLI];
};

/** Runs the real CLI (through tsx) to completion; `env` adds to (or, with undefined, removes from) the environment. */
export function runCli(args: string[], cwd?: string, env?: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...cliArgs(), ...args], { cwd, env: withEnv({ ...process.env, NO_COLOR: "1" }, env) });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts `edgeparity up --json` and resolves with its ready line and the process; `nodeArgs` go before the CLI (e.g. `--import`). */
export function startCli(
  args: string[],
  cwd?: string,
  env?: Record<string, string | undefined>,
  nodeArgs: string[] = [],
): Promise<{ ready: Record<string, unknown>; proc: ChildProcessWithoutNullStreams; lines: string[]; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...cliArgs(nodeArgs), "up", "--json", "--http-port", "0", "--https-port", "0", ...args], {
      cwd,
      env: withEnv({ ...process.env }, env),
    });
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

function withEnv(base: NodeJS.ProcessEnv, changes: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  for (const [k, v] of Object.entries(changes ?? {})) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}
