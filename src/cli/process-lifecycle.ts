import { signalProcessGroups } from "../core/process-groups.js";

/**
 * How `edgeparity up` ends (issue 8 §1). SIGINT/SIGTERM: a graceful close bounded by `graceMs`,
 * then a forced exit; a second signal forces at once. An uncaught exception or unhandled rejection:
 * logged once with its stack, the target commands' process groups ended (SIGTERM, then SIGKILL),
 * exit 1. In every case no target command outlives the CLI (src/core/process-groups.ts).
 */
export interface ProcessLifecycle {
  /** Resolves with the first SIGINT/SIGTERM. */
  stopRequested: Promise<NodeJS.Signals>;
  /** Runs `close`, then ends target groups still alive; resolves with the exit code (0). */
  shutdown(close: () => Promise<void>): Promise<number>;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** 128 + signal number, the shell's convention for "ended by this signal". */
const SIGNAL_EXIT_CODE: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143 };

export function superviseProcess(o: { write(text: string): void; graceMs?: number; groupGraceMs?: number }): ProcessLifecycle {
  const graceMs = o.graceMs ?? 5000;
  const groupGraceMs = o.groupGraceMs ?? 2000;
  let state: "running" | "closing" | "crashing" = "running";
  let graceTimer: NodeJS.Timeout | undefined;
  let requestStop!: (s: NodeJS.Signals) => void;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (requestStop = resolve));

  const forceExit = (code: number): never => {
    signalProcessGroups("SIGKILL");
    process.exit(code);
  };

  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (state === "crashing") return;
    if (state === "closing") {
      o.write(`edgeparity: second ${signal} — exiting now\n`);
      forceExit(SIGNAL_EXIT_CODE[signal]);
    }
    state = "closing";
    graceTimer = setTimeout(() => {
      o.write(`edgeparity: did not shut down within ${graceMs / 1000} s of ${signal} — forcing exit\n`);
      forceExit(1);
    }, graceMs);
    graceTimer.unref();
    requestStop(signal);
  };
  for (const s of SIGNALS) process.on(s, () => onSignal(s));

  // With a listener here Node neither prints nor exits; unhandled rejections arrive with origin
  // "unhandledRejection" (the default --unhandled-rejections=throw), so one handler covers both.
  process.on("uncaughtException", (error, origin) => {
    const what = origin === "unhandledRejection" ? "unhandled promise rejection" : "uncaught exception";
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    if (state === "crashing") {
      o.write(`edgeparity: another ${what} while exiting: ${text}\n`);
      return;
    }
    state = "crashing";
    o.write(`edgeparity: internal error (${what}), exiting: ${text}\n`);
    void endGroups(groupGraceMs).then(() => process.exit(1));
  });

  return {
    stopRequested,
    async shutdown(close) {
      await close();
      // A target's child may outlive its group leader (it ignored SIGTERM, or the wrapper exited first).
      await endGroups(groupGraceMs);
      clearTimeout(graceTimer);
      // Exit even if a handle (a client's keep-alive socket, a timer) would keep the loop alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      return 0;
    },
  };
}

/** SIGTERM the target groups still alive, wait up to `ms` for them to go, then SIGKILL the rest. */
async function endGroups(ms: number): Promise<void> {
  if (signalProcessGroups("SIGTERM") === 0) return;
  const deadline = performance.now() + ms;
  while (signalProcessGroups(0) > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  signalProcessGroups("SIGKILL");
}
