import { readdirSync, readFileSync } from "node:fs";

/**
 * The process groups this process started (target commands, each spawned detached so it leads its
 * own group). Whatever way edgeparity ends — close(), a signal, a crash — the groups can be ended
 * synchronously from here, so a `npm run dev`-style wrapper and every child it forked go too
 * (issue 8 §1: "the target commands it started are ended").
 */
const groups = new Set<number>();
let exitHookInstalled = false;

export function trackProcessGroup(pgid: number): void {
  // Last resort for any way out that skipped close() (process.exit, a library user forgetting
  // close()): an `exit` listener may only do synchronous work, which signalling is.
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => signalProcessGroups("SIGKILL"));
  }
  groups.add(pgid);
}

/**
 * Sends `signal` to every tracked group that still has a live member and forgets the others.
 * Returns how many groups were still alive. Signal 0 only probes. Synchronous (it runs in an
 * `exit` handler and after an uncaught exception); only ever called while shutting down.
 */
export function signalProcessGroups(signal: NodeJS.Signals | 0): number {
  if (groups.size === 0) return 0;
  const live = liveGroups();
  let alive = 0;
  for (const pgid of groups) {
    if (live && !live.has(pgid)) {
      groups.delete(pgid);
      continue;
    }
    try {
      process.kill(-pgid, signal);
      alive++;
    } catch (e) {
      // ESRCH: no process left in the group. EPERM: the id was reused by someone else's group.
      if ((e as NodeJS.ErrnoException).code === "ESRCH" || (e as NodeJS.ErrnoException).code === "EPERM") groups.delete(pgid);
    }
  }
  return alive;
}

/**
 * Groups with a member that is not a zombie, read from /proc (Linux). A wrapper's child whose
 * parent died stays a zombie until init reaps it — seconds in a container — and kill(-pgid, 0)
 * still finds it. Elsewhere: undefined, and kill(-pgid, 0) decides.
 */
function liveGroups(): Set<number> | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return undefined;
  }
  const live = new Set<number>();
  for (const e of entries) {
    if (e.charCodeAt(0) < 48 || e.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, "latin1");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses, so split after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state !== "Z" && state !== "X") live.add(Number(pgrp));
  }
  return live;
}
