import assert from "node:assert/strict";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetch, type Agent } from "undici";
import { startCli } from "./cli.js";
import { loopbackAgent } from "./loopback-agent.js";
import { killMarked, MARKER_VAR } from "./process-tree.js";

/**
 * One running `edgeparity up` child process for an end-to-end suite: the ready line, the CA, a
 * liveness check that says why the process is gone (its stderr), and a cleanup that also ends any
 * target command the CLI left behind (found by an environment marker).
 */
export interface CliSession {
  proc: ChildProcessWithoutNullStreams;
  ready: Record<string, unknown>;
  /** Access-log lines printed on stdout after the ready line. */
  lines: string[];
  stderr(): string;
  caPath: string;
  caPem: string;
  /** The distribution's https:// and http:// URLs from the ready line. */
  distribution(name: string): { url: string; httpUrl: string; id: string; domain: string };
  /** Fails with the CLI's last stderr lines when the process has exited, or when a GET of `url` does not answer `status`. */
  assertAlive(context: string, url: string, status?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code (null when killed by a signal) and removes the state. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  marker: string;
  dir: string;
}

/** Environment added to the test's, node flags before the CLI (e.g. `--import`), and the working directory. */
export interface CliSessionOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  cwd?: string;
}

export async function startCliSession(args: string[], options: CliSessionOptions = {}): Promise<CliSession> {
  const dir = await mkdtemp(join(tmpdir(), "ep-e2e-"));
  const marker = randomUUID();
  const { ready, proc, lines, stderr } = await startCli(
    ["--state-dir", join(dir, "state"), ...args],
    options.cwd,
    { ...options.env, [MARKER_VAR]: marker },
    options.nodeArgs,
  );
  const caPath = ready.caPath as string;
  const caPem = await readFile(caPath, "utf8");
  let agent: Agent | undefined;
  const tail = () => stderr().split("\n").slice(-15).join("\n");
  const session: CliSession = {
    proc,
    ready,
    lines,
    stderr,
    caPath,
    caPem,
    marker,
    dir,
    distribution(name) {
      const d = (ready.distributions as Record<string, { url: string; httpUrl: string; id: string; domain: string }>)[name];
      assert.ok(d, `no distribution ${name} in the ready line`);
      return d;
    },
    async assertAlive(context, url, status = 200) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        assert.fail(`edgeparity exited (code ${proc.exitCode}, signal ${proc.signalCode}) ${context}; its stderr ends:\n${tail()}`);
      agent ??= loopbackAgent(caPem);
      let got: number;
      try {
        const r = await fetch(url, { dispatcher: agent, signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer();
        got = r.status;
      } catch (e) {
        assert.fail(`follow-up GET ${url} failed ${context}: ${(e as Error).message}; exit ${proc.exitCode}; stderr ends:\n${tail()}`);
      }
      assert.equal(got, status, `follow-up GET ${url} ${context}`);
      assert.equal(proc.exitCode, null, `edgeparity still running ${context}`);
    },
    async stop(timeoutMs = 10_000) {
      await agent?.close();
      agent = undefined;
      if (proc.exitCode === null && proc.signalCode === null) {
        const closed = once(proc, "close");
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
        await closed;
        clearTimeout(timer);
      }
      await killMarked(marker);
      await rm(dir, { recursive: true, force: true });
      return { code: proc.exitCode, signal: proc.signalCode };
    },
  };
  return session;
}
