export type LogLevel = "error" | "warn" | "info" | "debug";

export interface Log {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Writes `level: message` lines to a stream (stderr for the CLI, so stdout keeps the access log and --json). */
export class StreamLog implements Log {
  constructor(
    private readonly write: (line: string) => void,
    private readonly level: LogLevel = "info",
  ) {}
  #emit(level: LogLevel, message: string): void {
    if (ORDER[level] <= ORDER[this.level]) this.write(`${level}: ${message}\n`);
  }
  error(m: string): void {
    this.#emit("error", m);
  }
  warn(m: string): void {
    this.#emit("warn", m);
  }
  info(m: string): void {
    this.#emit("info", m);
  }
  debug(m: string): void {
    this.#emit("debug", m);
  }
}

/** Keeps lines in memory; what tests and the programmatic API use by default. */
export class MemoryLog implements Log {
  readonly lines: { level: LogLevel; message: string }[] = [];
  error(message: string): void {
    this.lines.push({ level: "error", message });
  }
  warn(message: string): void {
    this.lines.push({ level: "warn", message });
  }
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  debug(message: string): void {
    this.lines.push({ level: "debug", message });
  }
}
