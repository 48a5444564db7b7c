/**
 * The access log's sink: lines are gathered and written once per event-loop turn (or when 64 KiB
 * are waiting), so a burst of responses costs one write call instead of one per response.
 * process.stdout is synchronous for files, pipes and terminals on Linux; one `write` per
 * request was ~19% of a cache hit's busy time under load (issue 14).
 */
export interface LineBatch {
  write(line: string): void;
  /** Writes what is waiting now (before other output, on shutdown). */
  flush(): void;
}

const MAX_PENDING = 64 * 1024;

export function batchLines(write: (chunk: string) => void): LineBatch {
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    write(chunk);
  };
  return {
    write(line) {
      pending += line;
      if (pending.length >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        // The check phase runs after every I/O callback of this turn: each response finished in
        // it is in the batch. Not a timer (conventions §6): no time passes, only the turn ends.
        setImmediate(flush);
      }
    },
    flush,
  };
}
