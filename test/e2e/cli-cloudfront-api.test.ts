import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, type AwsCli } from "../support/aws-cli.js";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curl, HTTP_VERSIONS, type HttpVersion } from "../support/curl-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * Issue 11 "Proof": the classic walk-through people follow, against `edgeparity up` as a child
 * process, with the AWS CLI v2 (`/usr/bin/aws`) and curl on HTTP/1.1 and HTTP/2 — `aws s3 mb`,
 * `aws s3 cp index.html`, `aws cloudfront create-distribution --distribution-config file://…` (an S3
 * origin, legacy ForwardedValues), `wait distribution-deployed`, Miss then Hit with Via and Age,
 * `create-invalidation` → a Miss, `update-distribution` adding a behaviour → served at once, a
 * restart on the same state dir (the API's resources persist), `edgeparity export` served the same
 * by `up`, disable + `delete-distribution`.
 */
const DISTRIBUTION_CONFIG = {
  CallerReference: "walkthrough-1",
  Comment: "classic walk-through",
  Enabled: true,
  DefaultRootObject: "index.html",
  Origins: { Quantity: 1, Items: [{ Id: "site-s3", DomainName: "site.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
  DefaultCacheBehavior: {
    TargetOriginId: "site-s3",
    ViewerProtocolPolicy: "allow-all",
    ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
    MinTTL: 0,
    DefaultTTL: 86400,
    MaxTTL: 31536000,
  },
};
const PUBLIC_READ = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }],
});

describe("e2e: the classic CloudFront walk-through with the AWS CLI against edgeparity up (issue 11 §Proof)", () => {
  let work: string;
  let state: string;
  let s: CliSession;
  let aws: AwsCli;
  let origin: OriginServer;
  let id: string;
  let domain: string;
  const start = async (config: string) => {
    s = await startCliSession(["--config", config, "--state-dir", state, "--no-watch"]);
  };
  const url = (path: string, http: HttpVersion) =>
    http === "--http2" ? `https://${domain}:${s.ready.httpsPort as number}${path}` : `http://${domain}:${s.ready.httpPort as number}${path}`;
  const get = (path: string, http: HttpVersion) => curl(url(path, http), http, { caPath: s.caPath });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-cfapi-"));
    state = join(work, "state");
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ api: req.url }));
    });
    await mkdir(join(work, "stack"));
    // The stack file holds only a binding: everything else comes through the API.
    await writeFile(join(work, "stack", "edgeparity.yaml"), `local:\n  origins:\n    api.example.com: ${origin.url}\n`);
    await writeFile(join(work, "index.html"), "<h1>walk-through</h1>\n");
    await writeFile(join(work, "page.html"), "<p>page</p>\n");
    await writeFile(join(work, "dc.json"), JSON.stringify(DISTRIBUTION_CONFIG));
    await start(join(work, "stack"));
    aws = await awsCli(() => `http://localhost:${s.ready.httpPort as number}`);
  });
  after(async () => {
    await s?.stop();
    await aws?.cleanup();
    await origin?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("walk-through: s3 mb, s3 cp, a public-read bucket policy, create-distribution from a DistributionConfig file (legacy ForwardedValues)", async () => {
    await aws("s3", "mb", "s3://site");
    await aws("s3", "cp", join(work, "index.html"), "s3://site/index.html");
    await aws("s3", "cp", join(work, "page.html"), "s3://site/page.html");
    await aws("s3api", "put-bucket-policy", "--bucket", "site", "--policy", PUBLIC_READ);
    const out = JSON.parse(await aws("cloudfront", "create-distribution", "--distribution-config", `file://${join(work, "dc.json")}`)) as {
      Location: string;
      ETag: string;
      Distribution: { Id: string; DomainName: string; Status: string };
    };
    id = out.Distribution.Id;
    domain = out.Distribution.DomainName;
    assert.match(id, /^E[A-Z0-9]{13}$/);
    assert.equal(domain, `d${id.slice(1).toLowerCase()}.cloudfront.localhost`);
    assert.equal(out.Distribution.Status, "InProgress");
    assert.match(out.Location, new RegExp(`/2020-05-31/distribution/${id}$`));
    const started = Date.now();
    await aws("cloudfront", "wait", "distribution-deployed", "--id", id);
    assert.ok(Date.now() - started < 20_000, "the waiter returns at its first poll");
  });

  for (const [i, http] of HTTP_VERSIONS.entries()) {
    const path = i === 0 ? "/index.html" : "/page.html";
    it(`walk-through: curl → Miss, then Hit with Via and Age; create-invalidation → the next request is a Miss [${http}]`, async () => {
      const miss = await get(path, http);
      assert.equal(miss.status, 200, miss.body);
      assert.equal(miss.httpVersion, http === "--http2" ? "2" : "1.1");
      assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
      assert.match(miss.headers.via ?? "", /\.cloudfront\.net \(CloudFront\)$/);
      const hit = await get(path, http);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.match(hit.headers.age ?? "", /^\d+$/);
      assert.equal(hit.body, miss.body);
      const inv = JSON.parse(await aws("cloudfront", "create-invalidation", "--distribution-id", id, "--paths", path)) as {
        Invalidation: { Id: string; Status: string };
      };
      assert.equal(inv.Invalidation.Status, "InProgress");
      assert.equal((await get(path, http)).headers["x-cache"], "Miss from cloudfront");
      const got = JSON.parse(await aws("cloudfront", "get-invalidation", "--distribution-id", id, "--id", inv.Invalidation.Id)) as {
        Invalidation: { Status: string };
      };
      assert.equal(got.Invalidation.Status, "Completed");
    });
  }

  it("walk-through: get-distribution-config → update-distribution adding an /api/* behaviour to a custom origin → served at once (HTTP/1.1 and HTTP/2)", async () => {
    const current = JSON.parse(await aws("cloudfront", "get-distribution-config", "--id", id)) as {
      ETag: string;
      DistributionConfig: Record<string, unknown> & { Origins: { Quantity: number; Items: unknown[] } };
    };
    const dc = current.DistributionConfig;
    dc.Origins = {
      Quantity: 2,
      Items: [
        ...dc.Origins.Items,
        { Id: "api", DomainName: "api.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } },
      ],
    };
    dc.CacheBehaviors = {
      Quantity: 1,
      Items: [
        {
          PathPattern: "/api/*",
          TargetOriginId: "api",
          ViewerProtocolPolicy: "allow-all",
          ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } },
          MinTTL: 0,
          DefaultTTL: 0,
          MaxTTL: 0,
        },
      ],
    };
    await writeFile(join(work, "dc2.json"), JSON.stringify(dc));
    const updated = JSON.parse(
      await aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(work, "dc2.json")}`),
    ) as { ETag: string; Distribution: { DistributionConfig: { CacheBehaviors: { Quantity: number } } } };
    assert.notEqual(updated.ETag, current.ETag);
    assert.equal(updated.Distribution.DistributionConfig.CacheBehaviors.Quantity, 1);
    for (const http of HTTP_VERSIONS) {
      const r = await get("/api/items?x=1", http);
      assert.equal(r.status, 200, `${http}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body), { api: "/api/items?x=1" });
    }
  });

  it("walk-through: error codes through the CLI — a stale --if-match is PreconditionFailed, deleting an enabled distribution DistributionNotDisabled", async () => {
    const failure = async (...args: string[]) => {
      try {
        await aws(...args);
      } catch (e) {
        return String((e as { stderr?: string }).stderr ?? e);
      }
      assert.fail(`aws ${args.join(" ")} succeeded`);
    };
    assert.match(await failure("cloudfront", "delete-distribution", "--id", id, "--if-match", "E0000000000000"), /\(PreconditionFailed\)/);
    const { ETag } = JSON.parse(await aws("cloudfront", "get-distribution", "--id", id)) as { ETag: string };
    assert.match(await failure("cloudfront", "delete-distribution", "--id", id, "--if-match", ETag), /\(DistributionNotDisabled\)/);
    assert.match(await failure("cloudfront", "get-distribution", "--id", "ENOSUCHDISTRIB"), /\(NoSuchDistribution\)/);
  });

  it("walk-through: a restart on the same state dir keeps the API's distribution — same id, same answers (issue 11 §State)", async () => {
    const before = await get("/api/items?x=1", "--http1.1");
    await s.stop();
    await start(join(work, "stack"));
    const listed = JSON.parse(await aws("cloudfront", "list-distributions")) as { DistributionList: { Items: { Id: string }[] } };
    assert.deepEqual(
      listed.DistributionList.Items.map((d) => d.Id),
      [id],
    );
    for (const http of HTTP_VERSIONS) {
      const r = await get("/api/items?x=1", http);
      assert.equal(r.body, before.body);
      assert.equal((await get("/index.html", http)).status, 200);
    }
  });

  it("walk-through: edgeparity export writes file + API resources as one stack file that edgeparity up serves identically", async () => {
    const exported = join(work, "export.yaml");
    const r = await runCli(["export", "--config", join(work, "stack"), "--state-dir", state, "--format", "yaml", "--out", exported]);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(exported, "utf8");
    assert.match(text, /walkthrough-1/);
    assert.match(text, /api\.example\.com/);
    const json = await runCli(["export", "--config", join(work, "stack"), "--state-dir", state, "--format", "json"]);
    assert.equal(Object.keys((JSON.parse(json.stdout) as { distributions: object }).distributions).length, 1);
    const answers = async () =>
      Promise.all(HTTP_VERSIONS.flatMap((http) => ["/index.html", "/api/items?x=1", "/"].map(async (p) => ({ p, http, ...(await get(p, http)) }))));
    const before = (await answers()).map(({ p, http, status, body }) => ({ p, http, status, body }));
    await s.stop();
    // The export alone must carry the distribution: the API's saved resources are moved away.
    await rename(join(state, "api"), join(work, "api-saved"));
    await start(exported);
    const after = (await answers()).map(({ p, http, status, body }) => ({ p, http, status, body }));
    assert.deepEqual(after, before);
    const got = JSON.parse(await aws("cloudfront", "get-distribution", "--id", id)) as { Distribution: { DomainName: string } };
    assert.equal(got.Distribution.DomainName, domain);
    // Back to the API's own state for the last step.
    await s.stop();
    await rename(join(work, "api-saved"), join(state, "api"));
    await start(join(work, "stack"));
  });

  it("walk-through: disable with update-distribution, then delete-distribution; the domain is no longer served", async () => {
    const current = JSON.parse(await aws("cloudfront", "get-distribution-config", "--id", id)) as { ETag: string; DistributionConfig: { Enabled: boolean } };
    current.DistributionConfig.Enabled = false;
    await writeFile(join(work, "dc3.json"), JSON.stringify(current.DistributionConfig));
    const off = JSON.parse(
      await aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(work, "dc3.json")}`),
    ) as { ETag: string };
    await aws("cloudfront", "wait", "distribution-deployed", "--id", id);
    await aws("cloudfront", "delete-distribution", "--id", id, "--if-match", off.ETag);
    // An empty list has no Items element (as AWS's), and the CLI then prints nothing at all.
    assert.equal((await aws("cloudfront", "list-distributions")).trim(), "");
    await assert.rejects(aws("cloudfront", "get-distribution", "--id", id), /\(NoSuchDistribution\)/);
    assert.notEqual((await get("/index.html", "--http1.1")).status, 200);
  });
});
