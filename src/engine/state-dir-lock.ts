import { unlinkSync, readFileSync } from "node:fs";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { EdgeparityError } from "../core/errors.js";

/**
 * One edgeparity per state dir: two processes sharing bucket objects and cache spill files would
 * silently diverge. The lock file holds the holder's pid; a lock whose pid is dead (kill -9, a
 * crash) is stale and taken over. While serving, `instance.json` beside it tells the CLI
 * (`edgeparity invalidate`) which ports the running instance listens on.
 */
export interface StateDirLock {
  /** The lock file. */
  path: string;
  /** Writes `<stateDir>/instance.json` (pid, ports, CA) once the instance is ready. */
  publish(info: Omit<RunningInstance, "pid">): Promise<void>;
  /** Removes instance.json and the lock (only if still ours). Idempotent. */
  release(): Promise<void>;
}

export interface RunningInstance {
  pid: number;
  /** The address it listens on (as given: 127.0.0.1, 0.0.0.0, ::). */
  host: string;
  httpPort: number;
  httpsPort: number;
  caPath: string;
  spkiHash: string;
  startedAt: string;
}

const LOCK_FILE = "edgeparity.lock";
const INSTANCE_FILE = "instance.json";

export async function lockStateDir(stateDir: string, pid: number = process.pid): Promise<StateDirLock> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const instancePath = join(stateDir, INSTANCE_FILE);
  const mine = `${JSON.stringify({ pid })}\n`;
  const temp = `${path}.${pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, mine);
  try {
    // link() is an atomic create-if-absent with the whole content in place: no reader sees an empty lock.
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw e;
      }
      const holder = await readHolder(path);
      if (holder !== undefined && isAlive(holder)) {
        throw new EdgeparityError(
          "STATE_DIR_LOCKED",
          `another edgeparity (pid ${holder}) is using the state dir ${stateDir}; stop it, or pass a different --state-dir (lock: ${path})`,
        );
      }
      // Stale (its process is gone) or unreadable: take it over. Two processes doing this in the
      // same instant could both win; for a developer tool restarting after a crash that is accepted.
      await unlink(path).catch(() => {});
    }
  } finally {
    await unlink(temp).catch(() => {});
  }

  let released = false;
  const isOurs = (text: string | undefined) => text === mine;
  // A process that exits without close() (an uncaught error) leaves no lock behind.
  const onExit = () => {
    if (released) return;
    try {
      unlinkSync(instancePath);
    } catch {
      /* not published */
    }
    try {
      if (isOurs(readFileSync(path, "utf8"))) unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.once("exit", onExit);
  return {
    path,
    async publish(info) {
      const text = `${JSON.stringify({ pid, ...info } satisfies RunningInstance, null, 2)}\n`;
      const t = `${instancePath}.${pid}.tmp`;
      await writeFile(t, text);
      await rename(t, instancePath);
    },
    async release() {
      if (released) return;
      released = true;
      process.removeListener("exit", onExit);
      await unlink(instancePath).catch(() => {});
      if (isOurs(await readFile(path, "utf8").catch(() => undefined))) await unlink(path).catch(() => {});
    },
  };
}

/** The instance serving from this state dir, if one published itself and its process is alive. */
export async function readRunningInstance(stateDir: string): Promise<RunningInstance | undefined> {
  const text = await readFile(join(stateDir, INSTANCE_FILE), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let info: RunningInstance;
  try {
    info = JSON.parse(text) as RunningInstance;
  } catch {
    return undefined;
  }
  return Number.isInteger(info.pid) && Number.isInteger(info.httpPort) && isAlive(info.pid) ? info : undefined;
}

async function readHolder(path: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(path, "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 checks existence only; EPERM means it exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
