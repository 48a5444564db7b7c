// CloudFront → ALB → target through two builds side by side (issue 14, "without a loopback hop"):
//   node bench/origin-hop.mjs --cli <base>/dist/cli/main.js,dist/cli/main.js [--rounds 5] [--seconds 2]
// Both `edgeparity up` processes run at once on the suite's stack (bench/bench-stack.mjs), pinned to
// CPU 0 with the target (bench/fixtures.mjs origin); wrk runs on CPU 1. Each round measures every
// build at c=1 (p50) and at c=32 (req/s), the builds' order alternating round by round, with each
// server's CPU time per request (utime + stime from /proc/<pid>/stat over the run ÷ requests).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeBenchStack } from "./bench-stack.mjs";

const { values } = parseArgs({ options: { cli: { type: "string" }, rounds: { type: "string", default: "5" }, seconds: { type: "string", default: "2" } } });
if (!values.cli) throw new Error("--cli <a>/dist/cli/main.js,<b>/dist/cli/main.js");
const CLIS = values.cli.split(",");
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const FIXTURES = fileURLToPath(new URL("fixtures.mjs", import.meta.url));
const pinned = (cpu, cmd, args) => (existsSync("/usr/bin/taskset") ? ["/usr/bin/taskset", ["-c", String(cpu), cmd, ...args]] : [cmd, args]);
const dir = mkdtempSync(join(tmpdir(), "ep-hop-"));
const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});
process.on("SIGINT", () => process.exit(130));

function start(cpu, cmd, args, stdout = "pipe") {
  const [c, a] = pinned(cpu, cmd, args);
  const p = spawn(c, a, { stdio: ["ignore", stdout, "inherit"] });
  children.push(p);
  return p;
}
const origin = start(0, process.execPath, [FIXTURES, "origin"]);
const originPort = JSON.parse(await new Promise((r) => createInterface({ input: origin.stdout }).once("line", r))).port;
const stackFile = writeBenchStack(dir, originPort);

async function up(cli, i) {
  const out = join(dir, `up-${i}.log`);
  const p = start(
    0,
    process.execPath,
    [cli, "up", "--json", "--http-port", "0", "--https-port", "0", "--config", stackFile, "--state-dir", join(dir, `state-${i}`), "--ca-dir", join(dir, "ca")],
    openSync(out, "w"),
  );
  for (;;) {
    if (p.exitCode !== null) throw new Error(`${cli} exited ${p.exitCode}`);
    const text = readFileSync(out, "utf8");
    const nl = text.indexOf("\n");
    if (nl > 0) return { cli, proc: p, ready: JSON.parse(text.slice(0, nl)) };
    await new Promise((r) => setTimeout(r, 5));
  }
}
// One at a time: both share the CA folder, made by the first.
const edges = [];
for (const [i, cli] of CLIS.entries()) edges.push(await up(cli, i));

function cpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
}
function wrk(edge, connections) {
  const host = edge.ready.distributions.toalblat.domain;
  const args = ["-t1", `-c${connections}`, `-d${SECONDS}s`, "--latency", "-H", `Host: ${host}`, `http://127.0.0.1:${edge.ready.httpPort}/1k`];
  const [c, a] = pinned(1, "/usr/bin/wrk", args);
  const before = cpuUs(edge.proc.pid);
  return new Promise((resolve, reject) => {
    const p = spawn(c, a, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.once("close", () => {
      const cpu = cpuUs(edge.proc.pid) - before;
      if (/Non-2xx|Socket errors/.test(out)) return reject(new Error(out));
      const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
        p50: Number(p50[1]) * { us: 1, ms: 1000, s: 1e6 }[p50[2]],
        cpu: cpu / Number(/(\d+) requests in/.exec(out)[1]),
      });
    });
    p.once("error", reject);
  });
}

const results = edges.map(() => ({ p50: [], cpu1: [], rps: [], cpu32: [] }));
console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
for (const e of edges) await wrk(e, 8); // warm-up (JIT, pools)
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...edges.keys()].reverse() : [...edges.keys()];
  for (const i of order) {
    const a = await wrk(edges[i], 1);
    const b = await wrk(edges[i], 32);
    Object.entries({ p50: a.p50, cpu1: a.cpu, rps: b.rps, cpu32: b.cpu }).forEach(([k, v]) => results[i][k].push(v));
    console.log(
      `round ${round + 1} ${edges[i].cli}: c=1 p50 ${a.p50} µs, CPU ${a.cpu.toFixed(0)} µs/req; c=32 ${b.rps.toFixed(0)} req/s, CPU ${b.cpu.toFixed(0)} µs/req`,
    );
  }
}
const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
for (const [i, e] of edges.entries()) {
  const r = results[i];
  console.log(
    `${e.cli}: median c=1 p50 ${med(r.p50)} µs, CPU ${med(r.cpu1).toFixed(0)} µs/req; c=32 ${med(r.rps).toFixed(0)} req/s, CPU ${med(r.cpu32).toFixed(0)} µs/req`,
  );
}
if (edges.length === 2) {
  const ratio = (k) => results[1][k].map((v, j) => (v / results[0][k][j]).toFixed(2)).join(" / ");
  console.log(`second ÷ first per round: c=1 p50 ${ratio("p50")}; c=1 CPU ${ratio("cpu1")}; c=32 req/s ${ratio("rps")}; c=32 CPU ${ratio("cpu32")}`);
}
process.exit(0);
