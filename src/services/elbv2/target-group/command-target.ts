import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { EdgeparityError } from "../../../core/errors.js";
import type { Log } from "../../../core/log.js";
import { trackProcessGroup } from "../../../core/process-groups.js";

/**
 * A target that is a command edgeparity starts (a user's `npm run dev` backend). Its port comes
 * in env `PORT`; the target is registered once the port accepts connections.
 */
export interface CommandTarget {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCommandTarget(
  spec: { command: string; cwd: string; env?: Record<string, string>; port?: number },
  name: string,
  log: Log,
): Promise<CommandTarget> {
  const port = spec.port || (await freePort());
  const child = spawn(spec.command, {
    cwd: spec.cwd,
    shell: true,
    env: { ...process.env, ...spec.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: process.platform !== "win32",
  });
  // Its own process group (detached): ending the group ends a wrapper's children too, and the CLI
  // ends every tracked group however it exits (src/core/process-groups.ts).
  if (child.pid !== undefined && process.platform !== "win32") trackProcessGroup(child.pid);
  const prefix = `target ${name}`;
  child.stdout?.on("data", (d: Buffer) => log.debug(`${prefix}: ${d.toString().trimEnd()}`));
  child.stderr?.on("data", (d: Buffer) => log.info(`${prefix}: ${d.toString().trimEnd()}`));
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited !== undefined)
      throw new EdgeparityError("LISTEN_FAILED", `${prefix}: command "${spec.command}" exited with code ${exited} before listening on port ${port}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new EdgeparityError("LISTEN_FAILED", `${prefix}: command "${spec.command}" did not listen on port ${port} (env PORT) within 15 s`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== undefined) return resolve();
        child.once("exit", () => resolve());
        // Kill the whole process group: `shell: true` puts a shell between us and the server.
        killGroup(child, "SIGTERM");
        setTimeout(() => killGroup(child, "SIGKILL"), 3000).unref();
      }),
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
