/**
 * The stack both CloudFront Functions benchmarks measure (issue 10): one distribution, two cache
 * behaviours serving a cached 1 KiB object (CachingOptimized), `/plain/*` without and `/fn/*` with
 * a viewer-request function; the origin is a node:http server in this process (asked once, then
 * every request is a hit).
 *
 * The edge runs from the build (`tsc -p tsconfig.build.json` into dist/, run here first), as users
 * run it: under tsx every closure made per request also pays esbuild's `__name` helper (a
 * `defineProperty` per closure, ~0.5–0.8 µs per cache hit measured), which the build does not have.
 * BENCH_BUILD=src measures the sources through tsx instead.
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FROM_SOURCES = process.env.BENCH_BUILD === "src";
// Once per run: a benchmark that re-runs itself pinned inherits BENCH_BUILT.
if (!FROM_SOURCES && process.env.BENCH_BUILT === undefined) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", `${root}tsconfig.build.json`], { stdio: "inherit" });
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${tsc.status})`);
  // tsc wrote its own dist/cli/main.js over the CLI's bundle: bundle again, so dist/ stays what `npm run build` makes.
  const bundle = spawnSync(process.execPath, [`${root}scripts/bundle.mjs`], { stdio: "inherit" });
  if (bundle.status !== 0) throw new Error(`scripts/bundle.mjs failed (exit ${bundle.status})`);
  process.env.BENCH_BUILT = "1";
}
const { startEdgeparity } = (await import(FROM_SOURCES ? "../src/index.js" : "../dist/index.js")) as typeof import("../src/index.js");

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/** A realistic viewer-request function: normalise the URI, add a header, keep the request. */
export const REWRITE_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  request.headers['x-variant'] = { value: 'a' };
  return request;
}`;

export async function startFunctionBenchStack(code: string) {
  const body = Buffer.alloc(1024, "x");
  const origin = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": body.length, "cache-control": "max-age=3600" });
    res.end(body);
  });
  origin.listen(0, "127.0.0.1");
  await once(origin, "listening");
  const port = (origin.address() as { port: number }).port;
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
      functions: { rewrite: { FunctionConfig: { Runtime: "cloudfront-js-1.0" }, FunctionCode: code } },
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
  return {
    stack,
    host: stack.distributions.bench!.domain,
    async close() {
      await stack.close();
      origin.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Re-runs the calling benchmark script (`scriptUrl`: its import.meta.url) pinned to CPU 0, once, where taskset exists; returns in the pinned run. */
export function pinToCpu0(scriptUrl: string): void {
  if (!existsSync("/usr/bin/taskset") || process.env.BENCH_PINNED !== undefined) return;
  const r = spawnSync("/usr/bin/taskset", ["-c", "0", process.execPath, ...process.execArgv, fileURLToPath(scriptUrl)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(r.status ?? 1);
}
