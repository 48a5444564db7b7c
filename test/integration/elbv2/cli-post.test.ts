import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCli } from "../../support/cli.js";
import { curl } from "../../support/curl.js";

/**
 * What the user runs (conventions §Test what the user runs): `edgeparity up --demo` as a child
 * process, whose access log subscribes to the ALB request channel. A POST with a body through
 * the distribution and straight to the ALB listener used to end the process (issue 8 §1).
 */
describe("edgeparity up --demo: requests with bodies to the ALB (alb.md §11; issue 8 §1)", () => {
  let dir: string;
  let cli: Awaited<ReturnType<typeof startCli>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "edgeparity-cli-post-"));
    cli = await startCli(["--demo", "--state-dir", join(dir, "state")]);
  });
  after(async () => {
    if (cli.proc.exitCode === null) {
      cli.proc.kill("SIGTERM");
      await once(cli.proc, "close");
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("cli: POST -d x through the distribution (HTTP/2 and HTTP/1.1) and to the ALB listener is answered and logged; the process stays up", async () => {
    const ca = await readFile(cli.ready.caPath as string, "utf8");
    const dist = (cli.ready.distributions as Record<string, { url: string }>)["demo"]!;
    const lb = (cli.ready.loadBalancers as Record<string, { listeners: { url: string }[] }>)["demo-alb"]!;
    for (const http2 of [true, false]) {
      const r = await curl(new URL("/api/hello", dist.url).href, { ca, http2, method: "POST", body: Buffer.from("x") });
      assert.ok(r.status > 0, r.stderr);
    }
    const direct = await curl(new URL("/api/hello", lb.listeners[0]!.url).href, { method: "POST", body: Buffer.from("x") });
    assert.ok(direct.status > 0, direct.stderr);
    for (let i = 0; i < 100 && cli.lines.filter((l) => /\[alb demo-alb\] POST/.test(l)).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(cli.lines.filter((l) => /\[alb demo-alb\] POST/.test(l)).length, 3, cli.lines.join("\n"));
    assert.equal(cli.proc.exitCode, null, cli.stderr());
    assert.doesNotMatch(cli.stderr(), /TypeError/);
  });
});
