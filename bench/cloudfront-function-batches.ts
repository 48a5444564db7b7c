/**
 * CloudFront Functions benchmark in short paired batches (issue 10): the stack of
 * bench/cloudfront-function.ts (a cached 1 KiB object behind `/plain/*` (A) and behind `/fn/*` with
 * a viewer-request function (B)), loaded by bench/hit-batches.mjs over keep-alive loopback
 * connections in batches of BENCH_BATCH requests, A and B alternating (A B, B A, …). Each pair runs
 * within ~0.2 s, so the host's drift (the same hit took 18–45 µs of CPU from one wrk second to the
 * next on 2026-12-02) is common to both halves of a pair; the medians over the pairs are the
 * figures. Printed per placement: the server's CPU time per request (A, B, B − A: the function's
 * cost), and of each pair A ÷ B by server CPU and B ÷ A by req/s, against the target 0.90.
 *
 * Placements (BENCH_PLACEMENT=apart|same|both, default both):
 * - apart: the edge pinned to CPU 0, the client a child process pinned to CPU 1 (issue 14's
 *   placement, with wrk's role taken by the client: its CPU is not in the edge's figure);
 * - same: the client in the edge's own process (its CPU is in the figure on both sides, so A ÷ B
 *   reads higher than apart's; B − A is the same thing measured without cross-CPU wake-ups).
 *
 *   node --import tsx bench/cloudfront-function-batches.ts   (BENCH_BATCH=4000 BENCH_ROUNDS=30 BENCH_CONNECTIONS=32)
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { pinToCpu0, REWRITE_FUNCTION, startFunctionBenchStack } from "./cloudfront-function-stack.js";
// @ts-expect-error a plain JavaScript module (it also runs as the child client, without tsx)
import { batch, openConnections } from "./hit-batches.mjs";
// @ts-expect-error: plain ESM shared with bench/ab-hit.mjs, without types
import { median, minMedianMax as triple } from "./stats.mjs";

const TASKSET = "/usr/bin/taskset";
const HAS_TASKSET = existsSync(TASKSET);
pinToCpu0(import.meta.url);

const BATCH = Number(process.env.BENCH_BATCH ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TARGET = 0.9;
const PLACEMENTS = (process.env.BENCH_PLACEMENT ?? "both") === "both" ? ["apart", "same"] : [process.env.BENCH_PLACEMENT!];

const bench = await startFunctionBenchStack(REWRITE_FUNCTION);
const { stack, host } = bench;
const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
const A = request("/plain/object.txt");
const B = request("/fn/object.txt");

interface Client {
  /** Runs one batch; resolves with its wall time in ms. */
  run(req: string, n: number): Promise<number>;
  close(): Promise<void>;
}

async function sameProcessClient(): Promise<Client> {
  const sockets = await openConnections(stack.httpPort, CONNECTIONS);
  return {
    async run(req, n) {
      const t0 = performance.now();
      await batch(sockets, Buffer.from(req, "latin1"), n);
      return performance.now() - t0;
    },
    async close() {
      for (const s of sockets) s.destroy();
    },
  };
}

async function childClient(): Promise<Client> {
  const script = fileURLToPath(new URL("./hit-batches.mjs", import.meta.url));
  // Pinned to CPU 1 (the parent is pinned to 0, which a fork would inherit); plain node, no tsx.
  const child = HAS_TASKSET
    ? fork(script, [], { execPath: TASKSET, execArgv: ["-c", "1", process.execPath], stdio: ["ignore", "inherit", "inherit", "ipc"] })
    : fork(script, [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = async (m: object): Promise<{ ms?: number; error?: string }> => {
    child.send(m);
    const [answer] = (await once(child, "message")) as [{ ms?: number; error?: string }];
    if (answer.error !== undefined) throw new Error(`client: ${answer.error}`);
    return answer;
  };
  await ask({ connect: { port: stack.httpPort, connections: CONNECTIONS } });
  return {
    async run(req, n) {
      return (await ask({ batch: { request: req, n } })).ms!;
    },
    async close() {
      child.send({ exit: true });
      await once(child, "exit");
    },
  };
}

interface Half {
  cpuUs: number;
  rps: number;
}

async function measure(client: Client): Promise<{ a: Half[]; b: Half[] }> {
  const one = async (req: string, n: number): Promise<Half> => {
    const cpu = process.cpuUsage();
    const ms = await client.run(req, n);
    const used = process.cpuUsage(cpu);
    return { cpuUs: (used.user + used.system) / n, rps: (n / ms) * 1000 };
  };
  // Warm: fill the cache, let the JIT settle on both paths.
  for (let i = 0; i < 3; i++) {
    await one(A, BATCH);
    await one(B, BATCH);
  }
  const a: Half[] = [];
  const b: Half[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      a.push(await one(A, BATCH));
      b.push(await one(B, BATCH));
    } else {
      b.push(await one(B, BATCH));
      a.push(await one(A, BATCH));
    }
  }
  return { a, b };
}

console.log(
  `CloudFront Functions, paired batches: ${ROUNDS} pairs of ${BATCH} requests each side, ${CONNECTIONS} connections, 1 KiB cached object, HTTP/1.1 on loopback`,
);
for (const placement of PLACEMENTS) {
  const load = loadavg()[0]!;
  const client = placement === "apart" ? await childClient() : await sameProcessClient();
  const { a, b } = await measure(client);
  await client.close();
  const byCpu = a.map((x, i) => x.cpuUs / b[i]!.cpuUs);
  const byRps = a.map((x, i) => b[i]!.rps / x.rps);
  const diff = a.map((x, i) => b[i]!.cpuUs - x.cpuUs);
  const who = placement === "apart" ? "edge on CPU 0, client process on CPU 1; edge CPU" : "client in the edge's process; CPU of both";
  console.log(`\n${placement}: ${who}; load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `  A cache hit, no function               CPU µs/req ${triple(
      a.map((x) => x.cpuUs),
      1,
    )}  req/s ${triple(
      a.map((x) => x.rps),
      0,
    )}`,
  );
  console.log(
    `  B cache hit + viewer-request function  CPU µs/req ${triple(
      b.map((x) => x.cpuUs),
      1,
    )}  req/s ${triple(
      b.map((x) => x.rps),
      0,
    )}`,
  );
  console.log(`  B − A per pair (min / median / max): ${triple(diff, 2)} µs (the function's cost per request)`);
  const verdict = median(byCpu) >= TARGET ? "meets" : "misses";
  console.log(`  A ÷ B by CPU per request, per pair: ${triple(byCpu, 3)}  (${verdict} the target ≥ ${TARGET})`);
  console.log(`  B ÷ A by req/s, per pair:           ${triple(byRps, 3)}`);
}
await bench.close();
