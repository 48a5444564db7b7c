// Cache-hit throughput and p99: edgeparity's CloudFront hit path vs a bare node:http server
// serving the same bytes from memory vs nginx proxy_cache in front of the same origin.
// wrk on loopback, targets alternated per round (A B C, then C B A …), bounded in time.
//   node --import tsx bench/cache.ts [--seconds 4] [--rounds 2] [--connections 32]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeNginxConf } from "./nginx-conf.js";
// @ts-expect-error: plain ESM script without types
import { ensureSystemDeps } from "../scripts/system-deps.mjs";
import { startEdgeparity } from "../src/index.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "4" }, rounds: { type: "string", default: "2" }, connections: { type: "string", default: "32" } },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

(ensureSystemDeps as (names: string[]) => void)(["nginx-light", "wrk"]);

const SIZES = { "1k": 1024, "100k": 100 * 1024 } as const;
const bodies = Object.fromEntries(Object.entries(SIZES).map(([k, n]) => [k, Buffer.alloc(n, 120)])) as Record<keyof typeof SIZES, Buffer>;

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as AddressInfo).port)));

// The origin both caches sit in front of (counts its hits, to prove the caches really hit).
let originHits = 0;
const origin = createServer((req, res) => {
  originHits++;
  const body = bodies[(req.url ?? "/").slice(1) as keyof typeof SIZES];
  if (!body) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length, "cache-control": "max-age=3600" });
  res.end(body);
});
const originPort = await listen(origin);

// Bare node:http serving the same bytes from memory, with a similar header set.
const bare = createServer((req, res) => {
  const body = bodies[(req.url ?? "/").slice(1) as keyof typeof SIZES];
  if (!body) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length, "cache-control": "max-age=3600" });
  res.end(body);
});
const barePort = await listen(bare);

const stack = await startEdgeparity({
  config: {
    distributions: {
      bench: {
        Origins: {
          Items: [{ Id: "o", DomainName: "origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
        },
        DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
      },
    },
    local: { origins: { "origin.example.com": `http://127.0.0.1:${originPort}` } },
  },
});
const edgeHost = stack.distributions.bench!.domain;

// nginx, tuned fairly: 1 worker, sendfile, open_file_cache, proxy_cache in a dir its worker owns.
const dir = mkdtempSync(join(tmpdir(), "ep-bench-nginx-"));
const nginxPort = 20000 + Math.floor(Math.random() * 20000);
writeNginxConf(dir, nginxPort, originPort);
const nginx = spawn("/usr/sbin/nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "inherit"] });
await new Promise((r) => setTimeout(r, 500));

async function warm(name: string, url: string, host: string | undefined, header: string, expect: RegExp) {
  for (let i = 0; i < 3; i++) {
    // Same Accept-Encoding as wrk (none → identity), which is part of CloudFront's cache key (§4.5).
    const r = await stack.fetch(url, { headers: { "accept-encoding": "identity", ...(host ? { host } : {}) } });
    await r.arrayBuffer();
    if (i === 2 && !expect.test(r.headers.get(header) ?? "")) throw new Error(`${name}: ${url} answered ${header}: ${r.headers.get(header)}, not a cache hit`);
  }
}
for (const size of Object.keys(SIZES)) {
  await warm("edgeparity", `http://${edgeHost}:${stack.httpPort}/${size}`, undefined, "x-cache", /^Hit from cloudfront$/);
  await warm("nginx", `http://127.0.0.1:${nginxPort}/${size}`, undefined, "x-cache-status", /^HIT$/);
}
const originHitsAfterWarm = originHits;

interface Result {
  rps: number;
  p99ms: number;
}
/** Async: the edge and the bare server live in this process, so its event loop must stay free. */
async function runWrk(url: string, host?: string): Promise<Result> {
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", ...(host ? ["-H", `Host: ${host}`] : []), url];
  const child = spawn("/usr/bin/wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), (SECONDS + 10) * 1000);
  await new Promise((r) => child.once("close", r));
  clearTimeout(killer);
  const r = { stdout };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === "us" ? 0.001 : p99[2] === "s" ? 1000 : 1) : NaN;
  if (/Non-2xx/.test(r.stdout)) throw new Error(`wrk saw errors for ${url}:\n${r.stdout}`);
  return { rps, p99ms };
}

const targets = [
  { name: "edgeparity", url: (s: string) => `http://127.0.0.1:${stack.httpPort}/${s}`, host: `${edgeHost}` },
  { name: "node:http", url: (s: string) => `http://127.0.0.1:${barePort}/${s}`, host: undefined },
  { name: "nginx", url: (s: string) => `http://127.0.0.1:${nginxPort}/${s}`, host: undefined },
];
const results = new Map<string, Result[]>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const size of Object.keys(SIZES)) {
      for (const t of order) {
        const r = await runWrk(t.url(size), t.host);
        const key = `${t.name} ${size}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(`round ${round + 1} ${key.padEnd(16)} ${r.rps.toFixed(0).padStart(8)} req/s  p99 ${r.p99ms.toFixed(2)} ms`);
      }
    }
  }
  const best = (k: string) => {
    const rs = results.get(k)!;
    return { rps: Math.max(...rs.map((r) => r.rps)), p99ms: Math.min(...rs.map((r) => r.p99ms)) };
  };
  console.log(`\nbest of ${ROUNDS} rounds, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, loopback:`);
  for (const size of Object.keys(SIZES)) {
    const e = best(`edgeparity ${size}`);
    const n = best(`node:http ${size}`);
    const x = best(`nginx ${size}`);
    console.log(
      `${size.padEnd(5)} edgeparity ${e.rps.toFixed(0)} req/s (p99 ${e.p99ms.toFixed(2)} ms) | node:http ${n.rps.toFixed(0)} (p99 ${n.p99ms.toFixed(2)}) | nginx ${x.rps.toFixed(0)} (p99 ${x.p99ms.toFixed(2)})` +
        `  → edge/node ${(e.rps / n.rps).toFixed(2)} (target ≥ 0.85), edge/nginx ${(e.rps / x.rps).toFixed(2)} (target ≥ 0.75)`,
    );
  }
  console.log(`origin requests during the measured runs: ${originHits - originHitsAfterWarm} (0 = every request was a cache hit)`);
} finally {
  nginx.kill("SIGTERM");
  await stack.close();
  origin.close();
  bare.close();
  rmSync(dir, { recursive: true, force: true });
}
