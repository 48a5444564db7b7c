// S3 GET/PUT throughput for 4 KiB and 8 MiB objects: edgeparity's bucket store vs a bare node:http
// server in the same run (GET serves the bytes from memory, PUT drains the body), printed as ratios.
// Requests are anonymous, allowed by a bucket policy, so the numbers measure the store, not SigV4.
//   node --import tsx bench/s3.ts [--seconds 3] [--connections 16]
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startEdgeparity } from "../src/index.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "3" }, connections: { type: "string", default: "16" } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SIZES = { "4KiB": 4 * 1024, "8MiB": 8 * 1024 * 1024 } as const;
type Size = keyof typeof SIZES;
const bodies = Object.fromEntries(Object.entries(SIZES).map(([k, n]) => [k, Buffer.alloc(n, 120)])) as Record<Size, Buffer>;

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as AddressInfo).port)));
const bare = createServer((req, res) => {
  const body = bodies[(req.url ?? "/").split("/").pop() as Size];
  if (req.method === "PUT") {
    req.resume();
    req.on("end", () => res.writeHead(200, { etag: '"x"', "content-length": 0 }).end());
    return;
  }
  if (!body) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "binary/octet-stream", "content-length": body.length, etag: '"x"' });
  res.end(body);
});
const barePort = await listen(bare);

const Bucket = "bench-bucket";
const stack = await startEdgeparity({
  config: {
    buckets: {
      [Bucket]: {
        Policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject"], Resource: `arn:aws:s3:::${Bucket}/*` }] },
      },
    },
  },
});
const s3Base = `http://127.0.0.1:${stack.httpPort}/${Bucket}`;
for (const [name, body] of Object.entries(bodies)) {
  const r = await fetch(`${s3Base}/${name}`, { method: "PUT", body: new Uint8Array(body) });
  if (r.status !== 200) throw new Error(`seed ${name}: ${r.status} ${await r.text()}`);
}

interface Result {
  rps: number;
  p99: number;
  mbps: number;
  non2xx: number;
}
function run(url: string, method: "GET" | "PUT", size: Size, host: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method,
        connections: size === "8MiB" ? Math.min(4, CONNECTIONS) : CONNECTIONS,
        duration: SECONDS,
        headers: { host, ...(method === "PUT" ? { "content-type": "binary/octet-stream" } : {}) },
        ...(method === "PUT" ? { body: bodies[size] } : {}),
      },
      (err: Error | null, r: { requests: { average: number }; latency: { p99: number }; throughput: { average: number }; non2xx: number }) => {
        if (err) return reject(err);
        resolve({ rps: r.requests.average, p99: r.latency.p99, mbps: r.throughput.average / 1e6, non2xx: r.non2xx });
      },
    );
  });
}

const rows: string[] = [];
for (const method of ["GET", "PUT"] as const) {
  for (const size of Object.keys(SIZES) as Size[]) {
    const b = await run(`http://127.0.0.1:${barePort}/${Bucket}/${size}`, method, size, "bare");
    const e = await run(`${s3Base}/${size}`, method, size, "s3.localhost");
    if (e.non2xx) throw new Error(`${method} ${size}: ${e.non2xx} non-2xx answers from edgeparity`);
    rows.push(
      `${method.padEnd(4)} ${size.padEnd(5)}  bare ${b.rps.toFixed(0).padStart(7)} req/s p99 ${String(b.p99).padStart(4)} ms | edgeparity ${e.rps.toFixed(0).padStart(7)} req/s p99 ${String(e.p99).padStart(4)} ms | ratio ${(e.rps / b.rps).toFixed(2)}`,
    );
    console.log(rows.at(-1));
  }
}
await stack.close();
bare.close();
