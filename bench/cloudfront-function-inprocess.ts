/**
 * CloudFront Functions benchmark without the kernel's wake-ups in the figure (issue 10): the same
 * stack as bench/cloudfront-function.ts, loaded by a client in the same process over 8 keep-alive
 * loopback connections, batches of requests to the behaviour without (A) and with (B) the
 * viewer-request function alternating round by round; the process's CPU time per request of each
 * batch, median over the rounds. Both sides include the client's own work, so B − A (printed in
 * µs) is the function's cost; the ratio against the wrk benchmark's hit is in bench/README.md.
 * Robust to other load on the machine (medians of short alternating batches), unlike req/s.
 *
 *   node --import tsx bench/cloudfront-function-inprocess.ts      (BENCH_BATCH=3000 BENCH_ROUNDS=30)
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { REWRITE_FUNCTION, startFunctionBenchStack } from "./cloudfront-function-stack.js";

const BATCH = Number(process.env.BENCH_BATCH ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const CONNECTIONS = 8;
const bench = await startFunctionBenchStack(REWRITE_FUNCTION);
const { stack, host } = bench;

const sockets: Socket[] = [];
for (let i = 0; i < CONNECTIONS; i++) {
  const s = connect(stack.httpPort, "127.0.0.1");
  await once(s, "connect");
  s.setNoDelay(true);
  sockets.push(s);
}
const request = (path: string) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
const A = request("/plain/object.txt");
const B = request("/fn/object.txt");

/** `n` requests, one in flight per connection; a response is counted by its status line (every one is a 200 hit). */
function batch(req: Buffer, n: number): Promise<void> {
  let left = n;
  let done = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`batch stalled after ${done} of ${n} responses`)), 60_000);
    for (const s of sockets) {
      s.on("data", (d: Buffer) => {
        const text = d.toString("latin1");
        for (let at = text.indexOf("HTTP/1.1 "); at !== -1; at = text.indexOf("HTTP/1.1 ", at + 1)) {
          if (!text.startsWith("HTTP/1.1 200", at)) return reject(new Error(`not a 200: ${text.slice(at, at + 40)}`));
          done++;
          if (left > 0) {
            left--;
            s.write(req);
          }
        }
        if (done >= n) {
          clearTimeout(timer);
          for (const t of sockets) t.removeAllListeners("data");
          resolve();
        }
      });
      if (left > 0) {
        left--;
        s.write(req);
      }
    }
  });
}

// Warm: fill the cache and the JIT.
await batch(A, 2000);
await batch(B, 2000);
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const which of r % 2 === 0 ? ["a", "b"] : ["b", "a"]) {
    const cpu = process.cpuUsage();
    await batch(which === "a" ? A : B, BATCH);
    const used = process.cpuUsage(cpu);
    (which === "a" ? a : b).push((used.user + used.system) / BATCH);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
const diffs = a.map((x, i) => b[i]! - x);
console.log(
  `CloudFront Functions in-process: ${ROUNDS} rounds of ${BATCH} requests, ${CONNECTIONS} connections (client in the same process)\n` +
    `A hit, no function: ${median(a).toFixed(2)} µs/request (CPU, client included)\n` +
    `B hit + viewer-request function: ${median(b).toFixed(2)} µs/request\n` +
    `B − A per round, median: ${median(diffs).toFixed(2)} µs (the function's cost per request)`,
);
for (const s of sockets) s.destroy();
await bench.close();
