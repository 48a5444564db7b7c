import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { EdgeparityError } from "../../../core/errors.js";
import type { Log } from "../../../core/log.js";
import { systemClock, type Clock } from "../../../core/clock.js";
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

export interface CommandTargetSpec {
  command: string;
  cwd: string;
  env?: Record<string, string>;
  port?: number;
  /** How long it has to listen on its port (`local.targetGroups.<name>.startTimeout`), on the stack's clock. Default 15 s. */
  startTimeoutMs?: number;
  /** Its stdout/stderr as log lines prefixed with the target group's name: info (default), debug, or off. */
  output?: "info" | "debug" | "off";
}

/**
 * Starts the command and waits until its port accepts connections: "starting <command>…" first,
 * its output as log lines, and a crash after start reported with its exit code (the target then
 * fails its health checks as an ALB would see it: connections refused).
 */
export async function startCommandTarget(spec: CommandTargetSpec, name: string, log: Log, clock: Clock = systemClock): Promise<CommandTarget> {
  const port = spec.port || (await freePort());
  const prefix = `target group ${name}`;
  const timeoutMs = spec.startTimeoutMs ?? 15_000;
  log.info(`${prefix}: starting ${spec.command}… (PORT=${port}, up to ${timeoutMs / 1000} s to listen)`);
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
  const output = spec.output ?? "info";
  const emit = (stream: string) => (d: Buffer) => {
    if (output === "off") return;
    for (const line of d.toString().trimEnd().split("\n")) log[output](`${name} | ${stream === "stderr" ? "stderr: " : ""}${line}`);
  };
  child.stdout?.on("data", emit("stdout"));
  child.stderr?.on("data", emit("stderr"));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let listening = false;
  let stopping = false;
  child.once("exit", (code, signal) => {
    exited = { code, signal };
    if (!listening || stopping) return;
    log.error(
      `${prefix}: command "${spec.command}" exited ${signal ? `on ${signal}` : `with code ${code}`} after it started; its target 127.0.0.1:${port} refuses connections and fails its health checks (edgeparity does not restart it; save the stack file to start it again)`,
    );
  });
  let timedOut = false;
  const timer = clock.setTimeout(() => (timedOut = true), timeoutMs);
  try {
    for (;;) {
      if (exited !== undefined)
        throw new EdgeparityError("LISTEN_FAILED", `${prefix}: command "${spec.command}" exited with code ${exited.code} before listening on port ${port}`);
      if (await canConnect(port)) break;
      if (timedOut) {
        killGroup(child, "SIGKILL");
        throw new EdgeparityError(
          "LISTEN_FAILED",
          `${prefix}: command "${spec.command}" did not listen on port ${port} (env PORT) within ${timeoutMs / 1000} s; raise local.targetGroups.${name}.startTimeout if it needs longer`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    clock.clearTimeout(timer);
  }
  listening = true;
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
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
