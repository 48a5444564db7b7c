import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { startCli } from "../../support/cli.js";

const run = promisify(execFile);

const STACK = `
targetGroups:
  - Name: fn
    TargetType: lambda
loadBalancers:
  - Name: api
    Type: application
    Listeners:
      # HTTPS, so the gateway's HTTPS port serves this load balancer over HTTP/1.1 and HTTP/2.
      - Protocol: HTTPS
        Port: 443
        DefaultActions:
          - Type: forward
            TargetGroupArn: fn
local:
  targetGroups:
    fn:
      targets:
        - lambda: fn.js
          handler: handler
`;
// A CommonJS callback handler with module state, as the Node.js runtime runs them (Lambda DG, Node.js handler).
const HANDLER = `
const { isMainThread } = require("node:worker_threads");
let calls = 0;
exports.handler = (event, context, callback) => {
  calls++;
  console.log("got", event.httpMethod, event.path);
  callback(null, {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ calls, method: event.httpMethod, length: event.body.length, requestId: context.awsRequestId, isMainThread }),
  });
};
`;

describe("edgeparity up: an ALB Lambda target runs in the Lambda runtime (alb.md §10, Lambda DG execution environment)", () => {
  let dir: string;
  let cli: Awaited<ReturnType<typeof startCli>>;
  let host: string;
  let port: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-lambda-up-"));
    await writeFile(join(dir, "stack.yaml"), STACK);
    await writeFile(join(dir, "fn.js"), HANDLER);
    await writeFile(join(dir, "big"), Buffer.alloc(1024 * 1024 + 1, 0x61));
    cli = await startCli(["--config", join(dir, "stack.yaml"), "--state-dir", join(dir, "state")]);
    host = (cli.ready["loadBalancers"] as Record<string, { host: string }>)["api"]!.host;
    port = cli.ready["httpsPort"] as number;
  });
  after(async () => {
    cli.proc.kill("SIGTERM");
    if (cli.proc.exitCode === null) await once(cli.proc, "close");
    await rm(dir, { recursive: true, force: true });
  });

  const curl = async (version: string, ...args: string[]) => {
    const r = await run("curl", [
      "-sk",
      version,
      "--connect-to",
      `${host}:${port}:127.0.0.1:${port}`,
      "-w",
      "\n%{http_code} %{http_version}",
      ...args,
      `https://${host}:${port}/x`,
    ]);
    const lines = r.stdout.split("\n");
    const [status, httpVersion] = lines.pop()!.split(" ");
    return { status: Number(status), httpVersion, body: lines.join("\n") };
  };

  for (const [version, expected] of [
    ["--http1.1", "1.1"],
    ["--http2", "2"],
  ] as const)
    it(`lambda up: GET (0 B) and POST (5 B) answered by the handler in a worker, warm; > 1 MB → 413 — curl ${version} (alb.md §10.1)`, async () => {
      const get = await curl(version);
      assert.equal(get.status, 200, get.body);
      assert.equal(get.httpVersion, expected);
      const g = JSON.parse(get.body) as { calls: number; method: string; length: number; isMainThread: boolean };
      assert.equal(g.method, "GET");
      assert.equal(g.length, 0);
      assert.equal(g.isMainThread, false);
      const post = await curl(version, "-X", "POST", "-H", "content-type: text/plain", "--data-binary", "hello");
      const p = JSON.parse(post.body) as { calls: number; method: string; length: number };
      assert.deepEqual([p.method, p.length, p.calls], ["POST", 5, g.calls + 1]);
      const big = await curl(version, "-X", "POST", "-H", "content-type: text/plain", "--data-binary", `@${join(dir, "big")}`, "-o", "/dev/null");
      assert.equal(big.status, 413);
      assert.equal(cli.proc.exitCode, null);
    });

  it("lambda up: the handler's console line and START/END/REPORT reach the operator log (Lambda DG Node.js logging)", () => {
    const err = cli.stderr();
    assert.match(err, /\[fn\] START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
    assert.match(err, /\[fn\] \d{4}-\d{2}-\d{2}T[\d:.]+Z\t[0-9a-f-]{36}\tINFO\tgot POST \/x/);
    assert.match(err, /\[fn\] REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB/);
  });
});
