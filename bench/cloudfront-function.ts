/**
 * CloudFront Functions benchmark (issue 10): autocannon on loopback against one distribution with
 * two cache behaviours that serve the same cached object (CachingOptimized, a hit after the first
 * request), one with a viewer-request CloudFront Function (a typical header/URI rewrite) and one
 * without. Alternates A B, B A; prints req/s, p50/p99 and the ratio B/A (target ≥ 0.9).
 *
 *   node --import tsx bench/cloudfront-function.ts      (BENCH_SECONDS=4 by default)
 */
import autocannon from "autocannon";
import { once } from "node:events";
import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEdgeparity } from "../src/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 32;
const body = Buffer.alloc(1024, "x");
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

const origin = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length, "cache-control": "max-age=3600" });
  res.end(body);
});
origin.listen(0, "127.0.0.1");
await once(origin, "listening");
const port = (origin.address() as { port: number }).port;

// A realistic viewer-request function: normalise the URI, add a header, keep the request.
const CODE =
  process.env.BENCH_CODE ??
  `function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  request.headers['x-variant'] = { value: 'a' };
  return request;
}`;

const behavior = (pattern: string, withFunction: boolean) => ({
  PathPattern: pattern,
  TargetOriginId: "app",
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_OPTIMIZED,
  ...(withFunction ? { FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: "rewrite" }] } } : {}),
});

const dir = await mkdtemp(join(tmpdir(), "ep-bench-cff-"));
const stack = await startEdgeparity({
  config: {
    functions: { rewrite: { FunctionConfig: { Runtime: "cloudfront-js-1.0" }, FunctionCode: CODE } },
    distributions: {
      bench: {
        Origins: { Items: [{ Id: "app", DomainName: "app.example.com", CustomOriginConfig: { OriginProtocolPolicy: "http-only" } }] },
        CacheBehaviors: { Items: [behavior("/plain/*", false), behavior("/fn/*", true)] },
        DefaultCacheBehavior: { TargetOriginId: "app", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
      },
    },
    local: { origins: { "app.example.com": `http://127.0.0.1:${port}` } },
  } as Record<string, unknown>,
  stateDir: join(dir, "state"),
});
const host = stack.distributions.bench!.domain;
const edge = `http://127.0.0.1:${stack.httpPort}`;

interface Result {
  rps: number;
  p50: number;
  p99: number;
  /** Process CPU time per request (server and the in-process load generator): steadier than req/s on a shared machine. */
  cpuUs: number;
}
async function run(path: string): Promise<Result> {
  // Warm: the first request fills the cache; then every request is a hit.
  const warm = await stack.fetch(new URL(path, stack.distributions.bench!.httpUrl));
  await warm.arrayBuffer();
  const cpu = process.cpuUsage();
  const r = await autocannon({ url: `${edge}${path}`, connections: CONNECTIONS, duration: SECONDS, headers: { host }, pipelining: 1 });
  const used = process.cpuUsage(cpu);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpuUs: (used.user + used.system) / r.requests.total };
}

const cases: [string, () => Promise<Result>][] = [
  ["A cache hit, no function", () => run("/plain/object.txt")],
  ["B cache hit + viewer-request function", () => run("/fn/object.txt")],
];
const best = new Map<string, Result>();
for (const order of [cases, [...cases].reverse()]) {
  for (const [name, fn] of order) {
    const r = await fn();
    const prev = best.get(name);
    if (!prev || r.rps > prev.rps) best.set(name, { ...r, cpuUs: Math.min(r.cpuUs, prev?.cpuUs ?? Infinity) });
  }
}
const check = stack.testFunction("rewrite", {
  version: "1.0",
  context: { eventType: "viewer-request" },
  request: { method: "GET", uri: "/", headers: {}, querystring: {}, cookies: {} },
});
await stack.close();
origin.close();
await rm(dir, { recursive: true, force: true });

const a = best.get("A cache hit, no function")!;
const b = best.get("B cache hit + viewer-request function")!;
console.log(
  `\nCloudFront Functions benchmark: ${CONNECTIONS} connections, ${SECONDS} s per run, best of 2 (A B, B A), 1 KiB cached object, HTTP/1.1 on loopback`,
);
console.log("case                                      req/s     p50 ms  p99 ms  CPU µs/req");
for (const [name, r] of best)
  console.log(
    `${name.padEnd(40)} ${r.rps.toFixed(0).padStart(8)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${r.cpuUs.toFixed(1).padStart(9)}`,
  );
console.log(`ratio B/A: ${(b.rps / a.rps).toFixed(3)} by req/s, ${(a.cpuUs / b.cpuUs).toFixed(3)} by CPU per request (target ≥ 0.9)`);
console.log(`TestFunction ComputeUtilization of the function: ${check.ComputeUtilization}`);
