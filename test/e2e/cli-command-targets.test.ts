import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange } from "../support/curl-exchange.js";
import { HTTP_VERSIONS } from "../support/e2e-matrix.js";
import { runCli } from "../support/cli.js";

/**
 * Command targets as `edgeparity up` runs them (issue 15): a "starting" line, their output prefixed
 * with the target group's name, a readiness deadline from local.targetGroups.<name>.startTimeout,
 * and a crash after start reported with its exit code, after which the target fails its health
 * checks as an ALB would see it (alb.md §4.1); requests then get 502 (a lone unhealthy target is
 * still routed to: fail open, §4.3).
 */
const CRASHING = `import { createServer } from "node:http";
createServer((req, res) => {
  // Crashes when asked to, after it has served: the CLI must report it.
  if (req.url === "/crash") process.exit(3);
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("up");
}).listen(Number(process.env.PORT), "127.0.0.1", () => {
  console.log("listening on " + process.env.PORT);
  console.error("a line on stderr");
});
`;

const stackYaml = (command: string, extra = "") => `targetGroups:
  - Name: crashy
    Protocol: HTTP
    Port: 80
    TargetType: ip
    HealthCheckPath: /
    HealthCheckIntervalSeconds: 5
    HealthCheckTimeoutSeconds: 2
    UnhealthyThresholdCount: 2
loadBalancers:
  - Name: crashy-alb
    Listeners:
      - { Protocol: HTTP, Port: 80, DefaultActions: [{ Type: forward, TargetGroupArn: crashy }] }
      - { Protocol: HTTPS, Port: 443, DefaultActions: [{ Type: forward, TargetGroupArn: crashy }] }
local:
  targetGroups:
    crashy:
      targets: [{ command: "${command}" }]
${extra}`;

describe("e2e: command targets are visible (issue 15)", () => {
  let dir: string;
  let s: CliSession;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-e2e-cmd-"));
    await writeFile(join(dir, "crash.mjs"), CRASHING);
    await writeFile(join(dir, "stack.yaml"), stackYaml("node crash.mjs"));
    s = await startCliSession(["--config", join(dir, "stack.yaml"), "--no-watch"]);
  });
  after(async () => {
    await s?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("command target: 'starting …', its output prefixed with the group's name, a crash after start reported with its exit code; the target then turns unhealthy (alb.md §4.1)", async () => {
    const lb = (s.ready.loadBalancers as Record<string, { url: string; httpUrl: string }>)["crashy-alb"]!;
    // Served while it is up, on both HTTP versions.
    for (const http of HTTP_VERSIONS) {
      const r = await curlExchange({ url: lb.url, method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 200, `HTTP/${http}: ${r.stderr}`);
    }
    const err = () => s.stderr();
    assert.match(err(), /^info: target group crashy: starting node crash\.mjs… \(PORT=\d+, up to 15 s to listen\)$/m);
    assert.match(err(), /^info: crashy \| listening on \d+$/m);
    assert.match(err(), /^info: crashy \| stderr: a line on stderr$/m);
    // The request that makes it exit gets ALB's 502 (the target closed the connection).
    const boom = await curlExchange({ url: new URL("/crash", lb.url).href, method: "GET", http: "1.1", cacert: s.caPath });
    assert.equal(boom.status, 502);
    const crashed =
      /^error: target group crashy: command "node crash\.mjs" exited with code 3 after it started; its target 127\.0\.0\.1:(\d+) refuses connections and fails its health checks \(edgeparity does not restart it; save the stack file to start it again\)$/m;
    for (let i = 0; i < 100 && !crashed.test(err()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(err(), crashed);
    // Two failed checks 5 s apart (UnhealthyThresholdCount 2): bounded wait.
    const unhealthy = /^info: target group crashy: target 127\.0\.0\.1:\d+ is unhealthy/m;
    for (let i = 0; i < 300 && !unhealthy.test(err()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(err(), unhealthy);
    // As an ALB sees a target that refuses connections: 502 (fail open keeps routing to it).
    for (const http of HTTP_VERSIONS) {
      const r = await curlExchange({ url: lb.url, method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 502, `HTTP/${http}`);
    }
  });

  it("command target: startTimeout is the readiness deadline, and the error says how to raise it", async () => {
    await writeFile(join(dir, "never.mjs"), "setInterval(() => {}, 1000);\n");
    await writeFile(join(dir, "slow.yaml"), stackYaml("node never.mjs", "      startTimeout: 1\n      output: off\n").replace("crashy-alb", "slow-alb"));
    const started = Date.now();
    const r = await runCli([
      "up",
      "--config",
      join(dir, "slow.yaml"),
      "--http-port",
      "0",
      "--https-port",
      "0",
      "--state-dir",
      join(dir, "state-slow"),
      "--no-watch",
    ]);
    assert.equal(r.code, 1);
    assert.ok(Date.now() - started < 10_000, "gave up after about a second");
    assert.match(
      r.stderr,
      /^edgeparity: target group crashy: command "node never\.mjs" did not listen on port \d+ \(env PORT\) within 1 s; raise local\.targetGroups\.crashy\.startTimeout if it needs longer$/m,
    );
  });
});
