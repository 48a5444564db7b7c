// ALB routing cost (alb.md §2): throughput with 1 vs 100 rules (autocannon), and the p50 latency the
// ALB hop adds over a direct request to the target (sequential requests on one keep-alive connection).
// Time-bounded: about 8 runs × the per-run seconds. Run: node --import tsx bench/alb.ts [seconds-per-run]
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { Pool } from "undici";
import { startEdgeparity } from "../src/index.js";

const SECONDS = Number(process.argv[2] ?? 3);

const target = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": 2 });
  res.end("ok");
});
await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;

function stackWith(rules: number) {
  return {
    targetGroups: [{ Name: "app", Protocol: "HTTP", TargetType: "ip" }],
    loadBalancers: [
      {
        Name: "bench",
        Listeners: [
          {
            Protocol: "HTTP",
            Port: 80,
            DefaultActions: [{ Type: "forward", TargetGroupArn: "app" }],
            // Every rule is evaluated and misses, so the request reaches the last one: the worst case.
            Rules: Array.from({ length: rules }, (_, i) => ({
              Priority: i + 1,
              Conditions: [
                { Field: "path-pattern", PathPatternConfig: { Values: [`/svc${i}/*`, `/v${i}/items/?`] } },
                { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "x-tenant", Values: [`t${i}*`] } },
              ],
              Actions: [{ Type: "forward", TargetGroupArn: "app" }],
            })),
          },
        ],
      },
    ],
    local: { targetGroups: { app: { targets: [targetUrl] } } },
  };
}

async function throughput(url: string): Promise<number> {
  const r = await autocannon({ url, connections: 8, pipelining: 1, duration: SECONDS });
  return r.requests.average;
}

async function p50(url: string): Promise<number> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: 1 });
  const samples: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const r = await pool.request({ path: u.pathname, method: "GET" });
    await r.body.dump();
    samples.push(performance.now() - t0);
  }
  await pool.close();
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const results: Record<string, number> = {};
const direct = `${targetUrl}/svc-none/x`;
results["direct p50 ms"] = await p50(direct);
// Alternate the order and keep each configuration's best round, so a noisy neighbour hurts both alike.
for (const rules of [1, 100, 100, 1]) {
  const stack = await startEdgeparity({ config: stackWith(rules) });
  const l = stack.loadBalancers["bench"]!.listeners[0]!;
  const url = `http://127.0.0.1:${l.localPort}/svc-none/x`;
  const key = `alb ${rules} rules req/s`;
  results[key] = Math.max(results[key] ?? 0, await throughput(url));
  if (rules === 1) results["alb 1 rule p50 ms"] = Math.min(results["alb 1 rule p50 ms"] ?? Infinity, await p50(url));
  await stack.close();
}
results["direct req/s"] = await throughput(direct);
target.close();

const ratio = results["alb 1 rules req/s"]! / results["alb 100 rules req/s"]!;
const hop = results["alb 1 rule p50 ms"]! - results["direct p50 ms"]!;
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(24)} ${v.toFixed(3)}`);
console.log(`routing cost 1 → 100 rules: ${ratio.toFixed(3)}× (budget ≤ 1.2×)`);
console.log(`ALB hop p50: +${hop.toFixed(3)} ms over direct (budget ≤ 0.3 ms)`);
