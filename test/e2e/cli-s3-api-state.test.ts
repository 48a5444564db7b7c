import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { awsCli, type AwsCli } from "../support/aws-cli.js";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange } from "../support/curl-exchange.js";
import { describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * Issue 11 "S3 bucket configuration": CreateBucket and Put/Delete Bucket{Cors,Policy,Website}
 * through the AWS CLI become part of the running stack's state exactly like `buckets.<name>` in a
 * stack file: `edgeparity export` carries them, and a stack served from the export answers the
 * same CORS preflight (s3.md §6) and website index (s3.md §9). A bucket the stack file declares
 * keeps the file as its source.
 */
const CORS = JSON.stringify({
  CORSRules: [{ AllowedOrigins: ["https://app.example"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["x-custom"], MaxAgeSeconds: 60 }],
});

describe("e2e: S3 bucket configuration through the AWS CLI is stack state (issue 11)", () => {
  let work: string;
  let state: string;
  let s: CliSession;
  let aws: AwsCli;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-s3state-"));
    state = join(work, "state");
    await writeFile(join(work, "stack.yaml"), "buckets:\n  from-file: {}\n");
    s = await startCliSession(["--config", join(work, "stack.yaml"), "--state-dir", state]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const exported = async (): Promise<Record<string, Record<string, unknown>>> => {
    const r = await runCli(["export", "--config", join(work, "stack.yaml"), "--state-dir", state, "--format", "yaml"]);
    assert.equal(r.code, 0, r.stderr);
    return (parse(r.stdout) as { buckets: Record<string, Record<string, unknown>> }).buckets;
  };

  it("mb + put-bucket-cors + put-bucket-website + put-bucket-policy → export has them as buckets.site (s3.md §6, §8, §9)", async () => {
    await aws("s3", "mb", "s3://site");
    await writeFile(join(aws.home, "index.html"), "<h1>home</h1>");
    await aws("s3", "cp", join(aws.home, "index.html"), "s3://site/index.html");
    await writeFile(join(aws.home, "cors.json"), CORS);
    await aws("s3api", "put-bucket-cors", "--bucket", "site", "--cors-configuration", `file://${join(aws.home, "cors.json")}`);
    await aws("s3api", "put-bucket-website", "--bucket", "site", "--website-configuration", '{"IndexDocument":{"Suffix":"index.html"}}');
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] };
    await aws("s3api", "put-bucket-policy", "--bucket", "site", "--policy", JSON.stringify(policy));
    const site = (await exported()).site!;
    assert.deepEqual(site.CORSConfiguration, JSON.parse(CORS));
    assert.deepEqual(site.WebsiteConfiguration, { IndexDocument: { Suffix: "index.html" } });
    assert.deepEqual(JSON.parse(site.Policy as string), policy);
  });

  for (const http of HTTP_VERSIONS)
    it(`the API-made configuration is served: CORS preflight and the policy's anonymous GET (s3.md §6, §8) [HTTP/${http}]`, async () => {
      const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
      const base = `${http === "2" ? "https" : "http"}://site.s3.localhost:${port}`;
      const pre = await curlExchange({
        url: `${base}/index.html`,
        method: "OPTIONS",
        http,
        cacert: s.caPath,
        headers: ["Origin: https://app.example", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-custom"],
        extra: ["--connect-to", `site.s3.localhost:${port}:127.0.0.1:${port}`],
      });
      assert.equal(pre.status, 200, describeResult(pre));
      assert.equal(pre.headers["access-control-allow-origin"], "https://app.example");
      const get = await curlExchange({
        url: `${base}/index.html`,
        method: "GET",
        http,
        cacert: s.caPath,
        extra: ["--connect-to", `site.s3.localhost:${port}:127.0.0.1:${port}`],
      });
      assert.equal(get.status, 200, describeResult(get));
      assert.equal(get.body.toString(), "<h1>home</h1>");
    });

  it("delete-bucket-cors removes it from the state; the file's bucket stays the file's (README: stack file and AWS API)", async () => {
    await aws("s3api", "delete-bucket-cors", "--bucket", "site");
    await aws("s3api", "put-bucket-cors", "--bucket", "from-file", "--cors-configuration", `file://${join(aws.home, "cors.json")}`);
    const buckets = await exported();
    assert.equal(buckets.site!.CORSConfiguration, undefined);
    assert.ok(buckets.site!.WebsiteConfiguration);
    assert.deepEqual(buckets["from-file"], {}, "a file bucket's export is the file's");
  });

  it("delete-bucket removes the bucket from the state", async () => {
    await aws("s3", "rm", "s3://site/index.html");
    await aws("s3api", "delete-bucket", "--bucket", "site");
    assert.equal((await exported()).site, undefined);
  });
});
