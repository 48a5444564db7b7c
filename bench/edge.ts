/**
 * Edge pass-through benchmark (issue 2): autocannon on loopback against
 *   A. bare node:http serving the bytes from memory (baseline, same run),
 *   B. a cache-miss pass-through (CachingDisabled) to that same server through the distribution,
 *   C. a static S3 object through the distribution (CachingOptimized: served from the edge cache after the first request),
 * alternating A B C, C B A; prints req/s, p50/p99 and ratios to A. Then start-up time to ready
 * (in-process and the CLI) and idle RSS of the CLI. Bounded: ~40 s.
 *
 *   npm run bench            (node --import tsx bench/edge.ts)
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startEdgeparity } from "../src/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 32;
const body = Buffer.alloc(1024, "x");

interface Result {
  rps: number;
  p50: number;
  p99: number;
}

async function run(url: string, host: string): Promise<Result> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { host }, pipelining: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${host}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

const bare = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
bare.listen(0, "127.0.0.1");
await once(bare, "listening");
const barePort = (bare.address() as { port: number }).port;

const dir = await mkdtemp(join(tmpdir(), "ep-bench-"));
await writeFile(join(dir, "object.txt"), body);
const config = {
  buckets: {
    "bench-bucket": {
      Policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::bench-bucket/*" }] },
    },
  },
  distributions: {
    bench: {
      Origins: {
        Items: [
          { Id: "app", DomainName: "app.example.com", CustomOriginConfig: { OriginProtocolPolicy: "http-only" } },
          { Id: "s3", DomainName: "bench-bucket.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } },
        ],
      },
      CacheBehaviors: {
        Items: [{ PathPattern: "/object.txt", TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" }],
      },
      DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" },
    },
  },
  local: { origins: { "app.example.com": `http://127.0.0.1:${barePort}` }, buckets: { "bench-bucket": { folder: dir } } },
};

// First start creates the CA and certificate (once per state dir); the second is the everyday start.
let t0 = performance.now();
await (await startEdgeparity({ config, stateDir: join(dir, "state") })).close();
const coldReadyMs = performance.now() - t0;
t0 = performance.now();
const stack = await startEdgeparity({ config, stateDir: join(dir, "state") });
const inProcessReadyMs = performance.now() - t0;
const host = stack.distributions.bench!.domain;
const edge = `http://127.0.0.1:${stack.httpPort}`;
const probe = await stack.fetch(new URL("/object.txt", stack.distributions.bench!.httpUrl));
if (probe.status !== 200) throw new Error(`S3 object through the distribution answered ${probe.status}: ${await probe.text()}`);
await probe.arrayBuffer();

const cases: [string, () => Promise<Result>][] = [
  ["A bare node:http", () => run(`http://127.0.0.1:${barePort}/`, "localhost")],
  ["B edge miss pass-through", () => run(`${edge}/pass`, host)],
  ["C edge S3 object", () => run(`${edge}/object.txt`, host)],
];
const best = new Map<string, Result>();
for (const order of [cases, [...cases].reverse()]) {
  for (const [name, fn] of order) {
    const r = await fn();
    const prev = best.get(name);
    if (!prev || r.rps > prev.rps) best.set(name, r);
  }
}
await stack.close();
bare.close();

// CLI start-up to ready and idle RSS, built CLI when present (npm install builds it).
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const stackFile = join(dir, "stack.json");
await writeFile(stackFile, JSON.stringify(config));
t0 = performance.now();
const proc = spawn(process.execPath, [cli, "up", "--json", "--http-port", "0", "--https-port", "0", "--config", stackFile, "--state-dir", join(dir, "state")]);
const [line] = (await once(createInterface({ input: proc.stdout }), "line")) as [string];
const cliReadyMs = performance.now() - t0;
const reportedReadyMs = (JSON.parse(line) as { readyMs: number }).readyMs;
await new Promise((r) => setTimeout(r, 1000));
const rssKb = Number((await import("node:fs/promises").then((fs) => fs.readFile(`/proc/${proc.pid}/status`, "utf8"))).match(/VmRSS:\s+(\d+)/)![1]);
proc.kill("SIGTERM");
await once(proc, "close");
await rm(dir, { recursive: true, force: true });

const a = best.get("A bare node:http")!;
console.log(`\nedge benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, best of 2 (A B C, C B A), 1 KiB body, HTTP/1.1 on loopback`);
console.log("case                          req/s     p50 ms  p99 ms  ratio to A");
for (const [name, r] of best)
  console.log(`${name.padEnd(28)} ${r.rps.toFixed(0).padStart(8)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${(r.rps / a.rps).toFixed(2)}`);
console.log(
  `\nstart-up to ready: in-process ${inProcessReadyMs.toFixed(0)} ms (target ≤ 100; first start, creating the CA: ${coldReadyMs.toFixed(0)} ms), CLI ${cliReadyMs.toFixed(0)} ms wall incl. node start (${reportedReadyMs} ms after load; target ≤ 300)`,
);
console.log(`idle RSS of the CLI: ${(rssKb / 1024).toFixed(1)} MB (target ≤ 60)`);
