// The long-running slowdown of issue 14 (bench/README.md): `edgeparity up` processes on the suite's stack,
// pinned to CPU 0 (wrk on CPU 1). Each process of a group first serves that group's kinds of load, then
// all of them and a fresh one (one unmeasured hit run each) are measured on 1 KiB hits in alternating
// rounds, with the server's CPU time per request from /proc/<pid>/stat.
//   node bench/long-running.mjs --cli dist/cli/main.js[,<other build>/dist/cli/main.js] [--kinds all | alb1/h2/...]
//     [--seconds 2] [--kindseconds 2] [--rounds 8] [--prof DIR] [--flags="<node flags>"]
// A group whose first kind starts with "!" is started with the node flags in $XFLAG (e.g. "!" alone: a fresh process).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, openSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { ALB_DNS, readyLine, upArgs, writeBenchStack } from "./bench-stack.mjs";
const { values } = parseArgs({
  options: {
    cli: { type: "string" },
    kinds: { type: "string", default: "all" },
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    prof: { type: "string" },
    flags: { type: "string", default: "" },
    kindseconds: { type: "string" },
    fresh: { type: "string", default: "1" },
  },
});
const S = Number(values.seconds),
  KS = Number(values.kindseconds ?? values.seconds),
  ROUNDS = Number(values.rounds);
const CLIS = values.cli.split(",");
const dir = mkdtempSync(join(tmpdir(), "ep-longrun-"));
const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
function startChild(cpu, cmd, args, stdout = "pipe") {
  const p = spawn("/usr/bin/taskset", ["-c", String(cpu), cmd, ...args], {
    stdio: ["ignore", stdout, "pipe"],
  });
  p.stderr.on("data", (d) => process.stderr.write(`[child] ${d}`));
  children.push(p);
  return p;
}
const firstLine = (p) => new Promise((res) => createInterface({ input: p.stdout }).once("line", res));
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const origin = JSON.parse(await firstLine(startChild(1, process.execPath, [join(ROOT, "bench/fixtures.mjs"), "origin"]))).port;
// The suite's stack (bench/bench-stack.mjs), its file in a folder of its own (the stack's folder is watched).
const stackFile = writeBenchStack(dir, origin);
const caDir = join(dir, "ca");
let n = 0;
async function up(cli, name, extra = []) {
  const out = join(dir, `up-${name}.log`);
  const fd = openSync(out, "w");
  const flags = [
    ...extra,
    ...values.flags.split(" ").filter(Boolean),
    ...(values.prof ? ["--cpu-prof", `--cpu-prof-dir=${values.prof}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
  ];
  const proc = startChild(0, process.execPath, [...flags, ...upArgs(cli, stackFile, join(dir, `state-${n++}`), caDir)], fd);
  return { proc, ready: await readyLine(proc, out), name, log: out };
}
function get(url, host, o = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: o.method ?? "GET", headers: { host, "accept-encoding": "identity" } }, (res) => {
      res.resume();
      res.once("end", () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.once("error", reject);
    req.end(o.body);
  });
}
function stat(pid) {
  const st = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    u: Number(f[11]) * 10000,
    s: Number(f[12]) * 10000,
    minflt: Number(f[7]),
    vcs: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(s)[1]),
    ivcs: Number(/nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(s)[1]),
  };
}
function exec(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn("/usr/bin/taskset", ["-c", "1", cmd, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.once("close", (c) => (c ? reject(new Error(out)) : resolve(out)));
  });
}
const putScript = join(dir, "put.lua");
writeFileSync(putScript, `wrk.method = "PUT"\nwrk.body = string.rep("x", 1048576)\nwrk.headers["Content-Type"] = "application/octet-stream"\n`);
async function wrk(url, host, o = {}) {
  const args = ["-t1", `-c${o.c ?? 32}`, `-d${o.s ?? S}s`, ...(host ? ["-H", `Host: ${host}`] : []), ...(o.script ? ["-s", o.script] : []), url];
  const s0 = o.pid ? stat(o.pid) : null;
  const t0 = process.hrtime.bigint();
  const out = await exec("/usr/bin/wrk", args);
  const t1 = process.hrtime.bigint();
  const s1 = o.pid ? stat(o.pid) : null;
  if (/Non-2xx|Socket errors/.test(out)) console.error(`wrk errors ${url} ${host}\n${out}`);
  const reqs = Number(/(\d+) requests in/.exec(out)?.[1]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    cpu: s0 ? (s1.u + s1.s - s0.u - s0.s) / reqs : NaN,
    d: s0 ? Object.fromEntries(Object.keys(s0).map((k) => [k, (s1[k] - s0[k]) / reqs])) : null,
    reqs,
    t0: Number(t0 / 1000n),
    t1: Number(t1 / 1000n),
  };
}
const KINDS = {
  hit: (e) => wrk(`${e.base}/1k`, e.ready.distributions.hit.domain, { s: KS }),
  hit100k: (e) => wrk(`${e.base}/100k`, e.ready.distributions.hit.domain, { s: KS }),
  h2: (e) =>
    exec("/usr/bin/h2load", [
      "-t1",
      "-c4",
      "-m8",
      "-D",
      String(KS),
      `--connect-to=127.0.0.1:${e.ready.httpsPort}`,
      `https://${e.ready.distributions.hit.domain}:${e.ready.httpsPort}/1k`,
    ]),
  s3get: (e) => wrk(`${e.base}/1k`, "bench-bucket.s3.localhost", { s: KS }),
  s3put: (e) => wrk(`${e.base}/put-1m`, "bench-bucket.s3.localhost", { c: 8, script: putScript, s: KS }),
  pass: (e) => wrk(`${e.base}/1k`, e.ready.distributions.pass.domain, { c: 1, s: KS }),
  toalb: (e) => wrk(`${e.base}/1k`, e.ready.distributions.toalb.domain, { c: 1, s: KS }),
  alb: (e) => wrk(`http://127.0.0.1:${e.ready.loadBalancers.lb1.listeners[0].localPort}/1k`, ALB_DNS, { c: 1, s: KS }),
  many: (e) => wrk(`${e.base}/1k`, e.ready.distributions.many.domain, { s: KS }),
  lb100: (e) => wrk(`http://127.0.0.1:${e.ready.loadBalancers.lb100.listeners[0].localPort}/1k`, ALB_DNS, { s: KS }),
  lb1: (e) => wrk(`http://127.0.0.1:${e.ready.loadBalancers.lb1.listeners[0].localPort}/1k`, ALB_DNS, { s: KS }),
  none: async () => {},
  eleven: async (e) => {
    const r = e.ready,
      base = e.base,
      host = r.distributions.hit.domain,
      lb = `http://127.0.0.1:${r.loadBalancers.lb1.listeners[0].localPort}`,
      b = "bench-bucket.s3.localhost";
    for (const f of [
      () => get(`${base}/1k`, b, { method: "PUT", body: Buffer.alloc(1024, 120) }),
      () => get(`${base}/1k`, b),
      () => get(`${base}/1k`, r.distributions.pass.domain),
      () => get(`${base}/1k`, r.distributions.toalb.domain),
      () => get(`${lb}/1k`, ALB_DNS),
      () => get(`${base}/100k`, host),
      () => get(`${base}/100k`, r.distributions.many.domain),
      () => get(`${base}/1k`, r.distributions.many.domain),
      () => get(`${base}/1k`, b),
      () => get(`${base}/1k`, r.distributions.pass.domain),
      () => get(`${base}/100k`, host),
    ])
      await f();
  },
  alb1: async (e) => {
    for (let i = 0; i < 3; i++) await get(`http://127.0.0.1:${e.ready.loadBalancers.lb1.listeners[0].localPort}/1k`, ALB_DNS);
  },
};
const GROUPS =
  values.kinds === "all"
    ? [["hit", "hit", "hit", "hit100k", "h2", "s3get", "s3put", "pass", "toalb", "alb", "many", "lb100", "lb1", "many", "hit"]]
    : values.kinds.split("/").map((g) => g.split(","));
const XFLAG = process.env.XFLAG ? process.env.XFLAG.split(" ") : [];
async function prep(e) {
  e.base = `http://127.0.0.1:${e.ready.httpPort}`;
  await get(`${e.base}/1k`, "bench-bucket.s3.localhost", { method: "PUT", body: Buffer.alloc(1024, 120) });
  for (let i = 0; i < 3; i++)
    for (const s of ["1k", "100k"]) for (const h of [e.ready.distributions.hit.domain, e.ready.distributions.many.domain]) await get(`${e.base}/${s}`, h);
}
const procs = [];
for (const cli of CLIS) {
  const tag = CLIS.length > 1 ? `${CLIS.indexOf(cli)}` : "";
  for (const g0 of GROUPS) {
    const x = g0[0].startsWith("!");
    const g = x ? [g0[0].slice(1), ...g0.slice(1)].filter((k) => k !== "") : g0;
    const name = `${x ? "X" : ""}${GROUPS.length > 1 ? (g.join("+") || "fresh").slice(0, 20) : "long"}${tag}`;
    // Groups of the same kinds get the group's number, so their logs and profiles stay apart.
    const L = await up(cli, GROUPS.filter((h) => h.join() === g0.join()).length > 1 ? `${name}-${GROUPS.indexOf(g0)}` : name, x ? XFLAG : []);
    L.kinds = g.length ? g : ["none"];
    await prep(L);
    procs.push(L);
  }
  if (values.fresh === "1") {
    const F = await up(cli, `fresh${tag}`);
    F.kinds = [];
    await prep(F);
    procs.push(F);
  }
}
for (const p of procs) console.log(`pid ${p.proc.pid} ${p.name}`);
for (const p of procs) await wrk(`${p.base}/1k`, p.ready.distributions.hit.domain); // JIT warm load run
for (const p of procs) for (const k of p.kinds) await KINDS[k](p);
const res = Object.fromEntries(procs.map((p) => [p.name, []]));
const windows = Object.fromEntries(procs.map((p) => [p.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const p of r % 2 ? [...procs].reverse() : procs) {
    const perf = process.env.PERF
      ? spawn(
          "perf",
          [
            "record",
            "-q",
            "-F",
            "4000",
            "-e",
            "cpu-clock",
            "-g",
            "-p",
            String(p.proc.pid),
            "-o",
            join(dir, `perf-${p.name}-${p.proc.pid}-${r}.data`),
            "--",
            "sleep",
            String(S - 0.5),
          ],
          { stdio: "ignore" },
        )
      : null;
    const w = await wrk(`${p.base}/1k`, p.ready.distributions.hit.domain, { pid: p.proc.pid });
    if (perf) await new Promise((res) => (perf.exitCode !== null ? res() : perf.once("exit", res)));
    res[p.name].push(w);
    windows[p.name].push([w.t0, w.t1, w.reqs]);
    console.log(
      `round ${r + 1} ${p.name.padEnd(20)} rps ${w.rps.toFixed(0)} cpu/req ${w.cpu.toFixed(2)} µs  user ${w.d.u.toFixed(2)} sys ${w.d.s.toFixed(2)} minflt ${w.d.minflt.toFixed(3)} vcs ${w.d.vcs.toFixed(3)} ivcs ${w.d.ivcs.toFixed(3)}`,
    );
  }
}
for (const p of procs)
  console.log(
    `${p.name}: cpu µs/req ${res[p.name].map((w) => w.cpu.toFixed(2)).join(" ")}  rss ${(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.proc.pid}/status`, "utf8"))[1] / 1024).toFixed(0)} MB`,
  );
if (process.env.SNAP)
  for (const p of procs) {
    p.proc.kill("SIGUSR2");
    await new Promise((r) => setTimeout(r, 8000));
  }
writeFileSync(join(dir, "windows.json"), JSON.stringify(windows));
console.log(`windows: ${join(dir, "windows.json")}`);
for (const p of procs) {
  p.proc.kill("SIGTERM");
  await new Promise((r) => p.proc.once("exit", r));
}
process.exit(0);
