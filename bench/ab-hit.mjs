// Two builds of the CLI side by side on cache hits, in short paired batches (issue 14): each
// `edgeparity up` on the suite's stack (bench/bench-stack.mjs, access log on stdout into a file, as
// the suite runs it), both pinned to CPU 0 (one serves while the other idles), the clients
// (bench/hit-batches.mjs, one child process per server) and the origin on CPU 1. Batches of
// --batch requests alternate A B, B A, …; each server's CPU time per request is read from
// /proc/<pid>/task/*/schedstat around its batch. A pair runs within ~0.2 s, so the host's drift
// (the suite's rounds of seconds moved row 1 between 0.60 and 0.95 for one build on 2026-12-02) is
// common to both halves; the medians over the pairs are the figures.
//
//   node bench/ab-hit.mjs --cli <a main.js>,<b main.js> [--path /1k] [--pairs 60] [--batch 4000] [--connections 32]
//     [--dist hit,many]   the distribution each side's requests go to (default hit,hit): one build
//                         twice, `--dist hit,many`, is the suite's 25-behaviours row in paired batches
import { fork, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readyLine, upArgs, writeBenchStack } from "./bench-stack.mjs";
import { minMedianMax as triple } from "./stats.mjs";

const { values } = parseArgs({
  options: {
    cli: { type: "string" },
    path: { type: "string", default: "/1k" },
    pairs: { type: "string", default: "60" },
    batch: { type: "string", default: "4000" },
    connections: { type: "string", default: "32" },
    dist: { type: "string", default: "hit,hit" },
  },
});
if (!values.cli || values.cli.split(",").length !== 2) {
  console.error("usage: node bench/ab-hit.mjs --cli <a dist/cli/main.js>,<b dist/cli/main.js> [--path /1k] [--pairs 60] [--batch 4000]");
  process.exit(2);
}
const PAIRS = Number(values.pairs);
const BATCH = Number(values.batch);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ep-ab-hit-"));
const children = [];
const cleanup = () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
};
process.on("exit", cleanup);
const pinned = (cpu, args, stdout = "pipe") => {
  const p = spawn("/usr/bin/taskset", ["-c", String(cpu), process.execPath, ...args], { stdio: ["ignore", stdout, "inherit"] });
  children.push(p);
  return p;
};
const firstLine = (p) => new Promise((res) => createInterface({ input: p.stdout }).once("line", res));
const origin = JSON.parse(await firstLine(pinned(1, [join(ROOT, "bench/fixtures.mjs"), "origin"]))).port;
const stackFile = writeBenchStack(dir, origin);

async function up(cli, name) {
  const out = join(dir, `up-${name}.log`);
  const proc = pinned(0, upArgs(cli, stackFile, join(dir, `state-${name}`), join(dir, "ca")), openSync(out, "w"));
  return { proc, ready: await readyLine(proc, out) };
}
const cpuNs = (pid) =>
  readdirSync(`/proc/${pid}/task`).reduce((s, tid) => s + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]), 0);

async function client(port) {
  const child = fork(join(ROOT, "bench/hit-batches.mjs"), [], {
    execPath: "/usr/bin/taskset",
    execArgv: ["-c", "1", process.execPath],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const ask = async (m) => {
    child.send(m);
    const [a] = await once(child, "message");
    if (a.error) throw new Error(`client: ${a.error}`);
    return a;
  };
  await ask({ connect: { port, connections: Number(values.connections) } });
  return ask;
}

const sides = [];
for (const [i, cli] of values.cli.split(",").entries()) {
  const { proc, ready } = await up(cli, String(i));
  const distribution = values.dist.split(",")[i];
  const request = `GET ${values.path} HTTP/1.1\r\nHost: ${ready.distributions[distribution].domain}\r\n\r\n`;
  sides.push({ cli: `${cli} (${distribution})`, proc, request, ask: await client(ready.httpPort), cpu: [], rps: [] });
}
async function run(side, keep) {
  const before = cpuNs(side.proc.pid);
  const { ms } = await side.ask({ batch: { request: side.request, n: BATCH } });
  if (!keep) return;
  side.cpu.push((cpuNs(side.proc.pid) - before) / 1000 / BATCH);
  side.rps.push((BATCH / ms) * 1000);
}
// Warm-up: the first answer fills the cache; then the JIT settles on both.
for (let i = 0; i < 5; i++) for (const s of sides) await run(s, false);
for (let r = 0; r < PAIRS; r++) for (const s of r % 2 ? [...sides].reverse() : sides) await run(s, true);

const [a, b] = sides;
console.log(`${PAIRS} pairs of ${BATCH} requests to ${values.path}, ${values.connections} connections; min / median / max`);
for (const [k, s] of [
  ["A", a],
  ["B", b],
])
  console.log(`${k} ${s.cli}: CPU µs/request ${triple(s.cpu, 2)}  req/s ${triple(s.rps, 0)}`);
console.log(
  `B ÷ A CPU per request, per pair: ${triple(
    a.cpu.map((x, i) => b.cpu[i] / x),
    3,
  )}`,
);
console.log(
  `B ÷ A req/s, per pair:           ${triple(
    a.rps.map((x, i) => b.rps[i] / x),
    3,
  )}`,
);
for (const s of sides) s.ask({ exit: true }).catch(() => {});
process.exit(0);
