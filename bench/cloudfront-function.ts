/**
 * CloudFront Functions benchmark (issue 10): one distribution with two cache behaviours that serve
 * the same cached object (CachingOptimized, a hit after the first request), one with a
 * viewer-request CloudFront Function (a typical header/URI rewrite) and one without. Each round
 * runs both, the order alternating round by round (A B, B A, …); the ratio B ÷ A of each round is
 * printed as min / median / max, by req/s and by server CPU time per request, against the target
 * 0.90 (the function costs at most 10% of the hit path's throughput).
 *
 * Load comes from wrk (a separate process, pinned to CPU 1 while this process, the server, runs
 * on CPU 0, when `taskset` exists), or from autocannon in this process when wrk is missing (then
 * the CPU figure includes the load generator's).
 *
 *   node --import tsx bench/cloudfront-function.ts
 *   BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_CONNECTIONS=32; BENCH_ONLY=A|B runs one case (for --cpu-prof);
 *   BENCH_CODE='function handler(event) {…}' measures another function.
 */
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { REWRITE_FUNCTION, startFunctionBenchStack } from "./cloudfront-function-stack.js";

const HAS_TASKSET = existsSync("/usr/bin/taskset");
const WRK = "/usr/bin/wrk";
const HAS_WRK = existsSync(WRK);

// The server on CPU 0: re-run this script pinned, once.
if (HAS_TASKSET && HAS_WRK && process.env.BENCH_PINNED === undefined) {
  const r = spawnSync("/usr/bin/taskset", ["-c", "0", process.execPath, ...process.execArgv, fileURLToPath(import.meta.url)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(r.status ?? 1);
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ONLY = process.env.BENCH_ONLY;
const TARGET = 0.9;
// The function measured: BENCH_CODE, or a realistic rewrite (cloudfront-function-stack.ts).
const CODE = process.env.BENCH_CODE ?? REWRITE_FUNCTION;
const bench = await startFunctionBenchStack(CODE);
const { stack, host } = bench;
const edge = `http://127.0.0.1:${stack.httpPort}`;

interface Result {
  rps: number;
  /** Server CPU time per request (with autocannon: the load generator's too). Steadier than req/s on a shared machine. */
  cpuUs: number;
}

function runWrk(url: string): Promise<{ rps: number; total: number }> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "-H", `Host: ${host}`, url];
  const p = HAS_TASKSET ? spawn("/usr/bin/taskset", ["-c", "1", WRK, ...args]) : spawn(WRK, args);
  let out = "";
  p.stdout.on("data", (d: Buffer) => (out += d));
  p.stderr.on("data", (d: Buffer) => (out += d));
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => p.kill("SIGKILL"), (SECONDS + 15) * 1000);
    p.once("close", (code) => {
      clearTimeout(killer);
      if (code !== 0 || /Non-2xx|Socket errors/.test(out)) return reject(new Error(`wrk ${url}: exit ${code}\n${out}`));
      const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      resolve({ rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), total });
    });
  });
}

async function run(path: string): Promise<Result> {
  // Warm: the first request fills the cache; then every request is a hit.
  const warm = await stack.fetch(new URL(path, stack.distributions.bench!.httpUrl));
  await warm.arrayBuffer();
  const cpu = process.cpuUsage();
  let rps: number;
  let total: number;
  if (HAS_WRK) ({ rps, total } = await runWrk(`${edge}${path}`));
  else {
    const r = await autocannon({ url: `${edge}${path}`, connections: CONNECTIONS, duration: SECONDS, headers: { host }, pipelining: 1 });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    rps = r.requests.average;
    total = r.requests.total;
  }
  const used = process.cpuUsage(cpu);
  return { rps, cpuUs: (used.user + used.system) / total };
}

const A = () => run("/plain/object.txt");
const B = () => run("/fn/object.txt");
// Warm-up (JIT, caches), not counted.
if (ONLY !== "B") await A();
if (ONLY !== "A") await B();
const load = [loadavg()[0]!];
const rounds: { a?: Result; b?: Result }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const round: { a?: Result; b?: Result } = {};
  if (ONLY === "A") round.a = await A();
  else if (ONLY === "B") round.b = await B();
  else if (i % 2 === 0) {
    round.a = await A();
    round.b = await B();
  } else {
    round.b = await B();
    round.a = await A();
  }
  rounds.push(round);
}
load.push(loadavg()[0]!);
const check = stack.testFunction("rewrite", {
  version: "1.0",
  context: { eventType: "viewer-request" },
  request: { method: "GET", uri: "/", headers: {}, querystring: {}, cookies: {} },
});
await bench.close();

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const triple = (xs: number[], digits = 3) => `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;
const gen = HAS_WRK ? `wrk -c${CONNECTIONS}${HAS_TASKSET ? " (server CPU 0, wrk CPU 1)" : ""}` : `autocannon -c${CONNECTIONS} in process`;
console.log(`\nCloudFront Functions benchmark: ${gen}, ${SECONDS} s per run, ${ROUNDS} rounds alternating, 1 KiB cached object, HTTP/1.1 on loopback`);
console.log(`load average ${load.map((l) => l.toFixed(1)).join(" → ")}`);
const as = rounds.flatMap((r) => (r.a ? [r.a] : []));
const bs = rounds.flatMap((r) => (r.b ? [r.b] : []));
if (as.length)
  console.log(
    `A cache hit, no function                 req/s ${triple(
      as.map((r) => r.rps),
      0,
    )}  CPU µs/req ${triple(
      as.map((r) => r.cpuUs),
      1,
    )}`,
  );
if (bs.length)
  console.log(
    `B cache hit + viewer-request function    req/s ${triple(
      bs.map((r) => r.rps),
      0,
    )}  CPU µs/req ${triple(
      bs.map((r) => r.cpuUs),
      1,
    )}`,
  );
if (as.length && bs.length) {
  const byRps = rounds.map((r) => r.b!.rps / r.a!.rps);
  const byCpu = rounds.map((r) => r.a!.cpuUs / r.b!.cpuUs);
  const verdict = (xs: number[]) => (median(xs) >= TARGET ? "meets" : "misses");
  console.log(`ratio B/A by req/s (min / median / max):            ${triple(byRps)}  (${verdict(byRps)} the target ≥ ${TARGET})`);
  console.log(`ratio B/A by server CPU per request (min / median / max): ${triple(byCpu)}  (${verdict(byCpu)} the target ≥ ${TARGET})`);
}
console.log(`TestFunction ComputeUtilization of the function: ${check.ComputeUtilization}`);
