// The benchmark suite's stack (bench/suite.ts) and the long-running A/B (bench/long-running.mjs):
// every row's resources in one `edgeparity up`. Plain ESM, so both the tsx-run suite and the plain
// node script load it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const ALB_DNS = "lb1-1.us-east-1.elb.amazonaws.com";
export const ALB_LAT_DNS = "lblat-1.us-east-1.elb.amazonaws.com";
const customOrigin = (domain) => ({ Id: "o", DomainName: domain, CustomOriginConfig: { OriginProtocolPolicy: "http-only" } });
const distribution = (domain, cachePolicy, behaviors = []) => ({
  Origins: { Items: [customOrigin(domain)] },
  ...(behaviors.length ? { CacheBehaviors: { Items: behaviors } } : {}),
  DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: cachePolicy },
});
const behavior = (PathPattern) => ({ PathPattern, TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED });
const forward = (tg) => [{ Type: "forward", TargetGroupArn: tg }];
// The stack file gets a folder of its own: `edgeparity up` watches the stack's folder, and the
// access log written beside it woke that watch once per line (one inotify read per request).
/** Writes the stack file under `dir` (in a folder of its own) and returns its path. */
export function writeBenchStack(dir, origin, latencyOrigin = origin) {
  mkdirSync(join(dir, "stack"));
  const stackFile = join(dir, "stack", "stack.json");
  writeFileSync(
    stackFile,
    JSON.stringify({
      buckets: {
        "bench-bucket": {
          Policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::bench-bucket/*" }],
          },
        },
      },
      distributions: {
        hit: distribution("origin.example.com", CACHING_OPTIMIZED),
        // 24 behaviours that miss, the 25th matches (cloudfront.md: first matching PathPattern wins).
        many: distribution("origin.example.com", CACHING_DISABLED, [...Array.from({ length: 24 }, (_, i) => behavior(`/svc${i}/*`)), behavior("/1k")]),
        pass: distribution("origin.example.com", CACHING_DISABLED),
        toalb: distribution(ALB_DNS, CACHING_DISABLED),
        // The latency rows' own: the same paths to the origin on CPU 0.
        passlat: distribution("latency-origin.example.com", CACHING_DISABLED),
        toalblat: distribution(ALB_LAT_DNS, CACHING_DISABLED),
      },
      targetGroups: [
        { Name: "app", Protocol: "HTTP", TargetType: "ip" },
        { Name: "app100", Protocol: "HTTP", TargetType: "ip" },
        { Name: "applat", Protocol: "HTTP", TargetType: "ip" },
      ],
      loadBalancers: [
        {
          Name: "lb1",
          Listeners: [
            {
              Protocol: "HTTP",
              Port: 80,
              DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }],
              Rules: [{ Priority: 1, Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: ["/1k"] } }], Actions: forward("app") }],
            },
          ],
        },
        {
          Name: "lblat",
          Listeners: [{ Protocol: "HTTP", Port: 80, DefaultActions: forward("applat") }],
        },
        {
          Name: "lb100",
          Listeners: [
            {
              Protocol: "HTTP",
              Port: 80,
              DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }],
              // 99 rules that miss, the 100th matches: the worst case of rule evaluation (alb.md §2).
              Rules: Array.from({ length: 100 }, (_, i) => ({
                Priority: i + 1,
                Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: [i === 99 ? "/1k" : `/svc${i}/*`] } }],
                Actions: forward("app100"),
              })),
            },
          ],
        },
      ],
      local: {
        origins: { "origin.example.com": `http://127.0.0.1:${origin}`, "latency-origin.example.com": `http://127.0.0.1:${latencyOrigin}` },
        targetGroups: {
          app: { targets: [`http://127.0.0.1:${origin}`] },
          app100: { targets: [`http://127.0.0.1:${origin}`] },
          applat: { targets: [`http://127.0.0.1:${latencyOrigin}`] },
        },
      },
    }),
  );
  return stackFile;
}

/** The arguments of `edgeparity up` as the benchmarks run it: the stack file, JSON ready line, free ports. */
export function upArgs(cli, stackFile, stateDir, caDir) {
  return [cli, "up", "--json", "--http-port", "0", "--https-port", "0", "--config", stackFile, "--state-dir", stateDir, "--ca-dir", caDir];
}

/** The ready line (`--json`) of an `edgeparity up` whose stdout goes to the file `out`. */
export async function readyLine(proc, out) {
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`edgeparity up exited ${proc.exitCode} (its output: ${out})`);
    // The first line that is a JSON object: V8 trace flags (`--trace-…`) print before it.
    const line = /^\{.*$/m.exec(readFileSync(out, "utf8"));
    if (line !== null) return JSON.parse(line[0]);
    await new Promise((r) => setTimeout(r, 2));
  }
}
