/**
 * The access log's sink: lines are gathered and written once per event-loop turn (or when 64 KiB
 * are waiting), so a burst of responses costs one write call instead of one per response.
 * process.stdout is synchronous for files, pipes and terminals on Linux; one `write` per
 * request was ~19% of a cache hit's busy time under load (issue 14).
 *
 * Under sustained load a turn holds only a few responses (~5 at wrk -c32), so one write per turn
 * was still ~4 % of a hit's busy time. While turns keep bringing lines the batch waits, up to
 * MAX_DEFERRED_TURNS turns (well under a millisecond of a busy loop); the first turn that brings
 * none writes it. A lone response per turn (a test, a c=1 latency run, one browser request) is
 * written at the end of its turn, as before; a burst in one turn one (idle, instant) turn later.
 * No timer, and an idle loop spends no turn on it.
 *
 * Lines are encoded into one buffer as they come, so a batch is written as bytes: a batch kept as
 * one string (`pending += line`) is a deep rope that the write flattened and scanned for its UTF-8
 * length, ~2.4 % of a hit's busy time; each line encoded on its own is short and flat.
 */
export interface LineBatch {
  write(line: string): void;
  /** Writes what is waiting now (before other output, on shutdown). */
  flush(): void;
}

const MAX_PENDING = 64 * 1024;
const MAX_DEFERRED_TURNS = 16;

export function batchLines(sink: (chunk: Buffer) => void): LineBatch {
  // Room for the longest line at MAX_PENDING: a line larger than that goes out on its own.
  const buffer = Buffer.allocUnsafeSlow(MAX_PENDING * 2);
  let length = 0;
  let scheduled = false;
  /** Lines written since the last check, besides the batch's first: the traffic goes on. */
  let fresh = 0;
  let deferred = 0;
  const flush = () => {
    if (length === 0) return;
    // A copy: a stream may hold the chunk past write() (a pipe that would block).
    const chunk = Buffer.from(buffer.subarray(0, length));
    length = 0;
    sink(chunk);
  };
  const check = () => {
    if (length !== 0 && fresh > 0 && deferred < MAX_DEFERRED_TURNS) {
      fresh = 0;
      deferred++;
      setImmediate(check);
      return;
    }
    scheduled = false;
    flush();
  };
  return {
    write(line) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      if (line.length * 3 > buffer.length - length) {
        flush();
        if (line.length * 3 > buffer.length) return sink(Buffer.from(line));
      }
      length += buffer.write(line, length);
      if (length >= MAX_PENDING) return flush();
      if (scheduled) fresh++;
      else {
        scheduled = true;
        fresh = 0;
        deferred = 0;
        // The check phase runs after every I/O callback of this turn: each response finished in
        // it is in the batch. Not a timer (conventions §6): no time passes, only turns end.
        setImmediate(check);
      }
    },
    flush,
  };
}
