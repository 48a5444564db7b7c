import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fetch } from "undici";
import { loopbackAgent } from "../../support/loopback-agent.js";
import { runCli, startCli } from "../../support/cli.js";

const FIXTURE = fileURLToPath(new URL("../../fixtures/stacks/distribution-config.json", import.meta.url));

describe("CLI: edgeparity validate / up", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cli-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("validate: a plain DistributionConfig JSON file is valid on its own", async () => {
    const r = await runCli(["validate", "--config", FIXTURE, "--state-dir", join(dir, "s1")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid — 1 distribution\(s\)/);
  });

  it("validate: an invalid stack fails with the path of each bad field and exit 1", async () => {
    const f = join(dir, "bad.yaml");
    await writeFile(
      f,
      `distributions:
  web:
    Origins:
      Items:
        - Id: a
          DomainName: a.example.com
          CustomOriginConfig: { OriginProtocolPolicy: http-only }
    DefaultCacheBehavior:
      TargetOriginId: a
      ViewerProtocolPolicy: allow-all
      CachePolicyId: Managed-CachingDisabled
    CacheBehaviors:
      Items:
        - PathPattern: /x/*
          TargetOriginId: ghost
          ViewerProtocolPolicy: allow-all
          CachePolicyId: Managed-CachingDisabled
local:
  origins:
    a.example.com: http://127.0.0.1:9
`,
    );
    const r = await runCli(["validate", "--config", f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /distributions\.web\.CacheBehaviors\.Items\[0\]\.TargetOriginId: NoSuchOrigin/);
  });

  it("validate: a file that is not YAML/JSON is a clear error with line and column", async () => {
    const f = join(dir, "broken.yaml");
    await writeFile(f, "distributions: {\n  web: [unclosed\n");
    const r = await runCli(["validate", "--config", f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.yaml \(line \d+, column \d+\): not valid YAML or JSON/);
  });

  it("validate: an unbound custom origin names the origin and the binding to add", async () => {
    const f = join(dir, "unbound.json");
    await writeFile(
      f,
      JSON.stringify({
        Origins: { Items: [{ Id: "api", DomainName: "api.example.com", CustomOriginConfig: { OriginProtocolPolicy: "https-only" } }] },
        DefaultCacheBehavior: { TargetOriginId: "api", ViewerProtocolPolicy: "allow-all", CachePolicyId: "Managed-CachingDisabled" },
      }),
    );
    const r = await runCli(["validate", "--config", f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Origins\.Items\[0\] \(Id 'api', DomainName 'api\.example\.com'\) is not bound to anything local/);
    assert.match(r.stderr, /local:\n\s+origins:\n\s+api\.example\.com: http:\/\/127\.0\.0\.1:PORT/);
  });

  it("up: a missing bucket folder is a clear error", async () => {
    const f = join(dir, "nofolder.yaml");
    await writeFile(f, "buckets:\n  site: {}\nlocal:\n  buckets:\n    site:\n      folder: ./does-not-exist\n");
    const r = await runCli(["up", "--config", f, "--http-port", "0", "--https-port", "0", "--state-dir", join(dir, "s2")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /local\.buckets\.site\.folder: folder not found: .*does-not-exist/);
  });

  it("usage: a bad flag value exits 2 with the flag named", async () => {
    const r = await runCli(["up", "--http-port", "eighty"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--http-port must be a port number/);
  });

  it("up --json: one JSON line with every endpoint; serves the DistributionConfig; access log lines follow; SIGTERM stops it", async () => {
    const { ready, proc, lines } = await startCli(["--config", FIXTURE, "--state-dir", join(dir, "s3")]);
    try {
      assert.equal(ready.event, "ready");
      const dists = ready.distributions as Record<string, { id: string; domain: string; url: string }>;
      const d = dists["distribution-config"]!;
      assert.match(d.id, /^E[A-Z0-9]{13}$/);
      assert.match(d.domain, /^d[a-z0-9]{13}\.cloudfront\.localhost$/);
      assert.ok(typeof ready.caPath === "string");
      assert.ok((ready.buckets as Record<string, unknown>)["my-cloudfront-bucket"], "the S3 origin's bucket exists (empty)");
      const { readFile } = await import("node:fs/promises");
      const agent = loopbackAgent(await readFile(ready.caPath as string, "utf8"));
      const r = await fetch(new URL("/nothing-here", d.url), { dispatcher: agent });
      assert.equal(r.status, 403, "empty bucket: S3 AccessDenied passes through");
      assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
      await agent.close();
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      assert.match(lines[0]!, /GET d[a-z0-9]{13}\.cloudfront\.localhost:\d+ \/nothing-here 403 behavior=\* x-cache=Error origin=s3-origin [\d.]+ms/);
    } finally {
      proc.kill("SIGTERM");
      const [code] = await once(proc, "close");
      assert.equal(code, 0);
    }
  });

  it("up --log-format cloudfront: the standard log's #Fields header and 33 tab-separated fields (cloudfront.md §16.1)", async () => {
    const { ready, proc, lines } = await startCli(["--config", FIXTURE, "--state-dir", join(dir, "s4"), "--log-format", "cloudfront"]);
    try {
      const d = (ready.distributions as Record<string, { httpUrl: string }>)["distribution-config"]!;
      const agent = loopbackAgent();
      await (await fetch(new URL("/x?y=1", d.httpUrl), { dispatcher: agent })).arrayBuffer();
      await agent.close();
      for (let i = 0; i < 50 && lines.length < 3; i++) await new Promise((res) => setTimeout(res, 20));
      assert.equal(lines[0], "#Version: 1.0");
      assert.match(lines[1]!, /^#Fields: date time x-edge-location sc-bytes c-ip cs-method cs\(Host\) cs-uri-stem sc-status/);
      const fields = lines[2]!.split("\t");
      assert.equal(fields.length, 33);
      assert.equal(fields[5], "GET");
      assert.equal(fields[7], "/x");
      assert.equal(fields[8], "403");
      assert.equal(fields[11], "y=1");
      assert.equal(fields[13], "Error");
      assert.equal(fields[16], "http");
    } finally {
      proc.kill("SIGTERM");
      await once(proc, "close");
    }
  });
});
