import { readdir, readFile } from "node:fs/promises";

/**
 * Finds processes by an environment marker (`EP_TEST_MARKER=<id>`) that a test gives the CLI: every
 * target command and its children inherit it, so a test can tell whether any of them outlived the
 * CLI, and clean up after a run that left orphans. Linux /proc; other platforms find none.
 */
export const MARKER_VAR = "EP_TEST_MARKER";

export async function processesWithMarker(marker: string): Promise<number[]> {
  const needle = `${MARKER_VAR}=${marker}\0`;
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const found: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const env = await readFile(`/proc/${e}/environ`, "latin1").catch(() => "");
    // A zombie has an empty environ; it is already dead.
    if (`${env}\0`.includes(needle)) found.push(Number(e));
  }
  return found;
}

/** SIGKILLs every process carrying the marker (test cleanup); returns the pids it found. */
export async function killMarked(marker: string): Promise<number[]> {
  const pids = await processesWithMarker(marker);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return pids;
}

/** Polls until no process carries the marker, or `timeoutMs` passes; returns the survivors. */
export async function waitForNoMarked(marker: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await processesWithMarker(marker);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a pid is a live process (not a zombie). */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "latin1").catch(() => "");
  if (stat === "") return false;
  // Field 3 (after the parenthesised command name) is the state; Z = zombie, X = dead.
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}
