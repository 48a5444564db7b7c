/**
 * A minimal HTTP/1.1 load client for paired-batch benchmarks (bench/cloudfront-function-batches.ts):
 * keep-alive loopback connections, one request in flight on each, every answer a 200 recognised
 * by its status line (the bodies are small cached objects, so a status line never straddles two
 * reads in practice; a response that is not a 200 fails the batch). Batches of ~0.1 s instead of
 * wrk's ≥ 1 s rounds: a pair of batches A B run within ~0.2 s of each other, so the host's speed,
 * which drifts over seconds on a shared VM, is the same for both halves of a pair.
 *
 * Used in-process (import) or as a child process (run directly, pinned by the parent): it then
 * takes `{ connect: { port, connections } }` and `{ batch: { request, n } }` over IPC and answers
 * `{ ready }` / `{ done, ms }`.
 */
import { once } from "node:events";
import { connect } from "node:net";

export async function openConnections(port, connections) {
  const sockets = [];
  for (let i = 0; i < connections; i++) {
    const s = connect(port, "127.0.0.1");
    await once(s, "connect");
    s.setNoDelay(true);
    sockets.push(s);
  }
  return sockets;
}

/** `n` requests of the bytes `req` spread over `sockets`; resolves when all `n` answers came. */
export function batch(sockets, req, n) {
  let left = n;
  let done = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`batch stalled after ${done} of ${n} responses`)), 60_000);
    const finish = (error) => {
      clearTimeout(timer);
      for (const t of sockets) t.removeAllListeners("data");
      if (error) reject(error);
      else resolve();
    };
    for (const s of sockets) {
      s.on("data", (d) => {
        const text = d.toString("latin1");
        for (let at = text.indexOf("HTTP/1.1 "); at !== -1; at = text.indexOf("HTTP/1.1 ", at + 1)) {
          if (!text.startsWith("HTTP/1.1 200", at)) return finish(new Error(`not a 200: ${text.slice(at, at + 40)}`));
          done++;
          if (left > 0) {
            left--;
            s.write(req);
          }
        }
        if (done >= n) finish();
      });
      if (left > 0) {
        left--;
        s.write(req);
      }
    }
  });
}

if (process.send !== undefined && import.meta.url === `file://${process.argv[1]}`) {
  let sockets = [];
  process.on("message", async (m) => {
    try {
      if (m.connect) {
        sockets = await openConnections(m.connect.port, m.connect.connections);
        process.send({ ready: true });
      } else if (m.batch) {
        const req = Buffer.from(m.batch.request, "latin1");
        const t0 = performance.now();
        await batch(sockets, req, m.batch.n);
        process.send({ done: true, ms: performance.now() - t0 });
      } else if (m.exit) {
        for (const s of sockets) s.destroy();
        process.exit(0);
      }
    } catch (e) {
      process.send({ error: String(e) });
    }
  });
}
