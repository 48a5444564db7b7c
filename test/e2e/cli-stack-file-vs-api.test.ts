import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  GetCachePolicyCommand,
  UpdateCachePolicyCommand,
  type CachePolicyConfig,
  type CloudFrontClient,
} from "@aws-sdk/client-cloudfront";
import { stringify } from "yaml";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { cloudFrontClients, type CloudFrontClients } from "../support/cloudfront-client.js";
import { curlExchange } from "../support/curl-exchange.js";
import { describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * The README rule "Stack file and AWS API" (issue 11 §State) through the real CLI, one test per
 * bullet: the stack file's resources are the file's (readable through the API, AccessDenied on
 * change, re-applied when the file changes); API resources live beside them (a file edit keeps
 * them, and they survive a restart on the same state dir with the same ETag); a name both define
 * differently is refused (the file edit is a rejected revision naming both sources, the previous
 * revision keeps serving). API calls over HTTP/1.1 and HTTP/2 (SDK v3), requests by curl on both.
 */
const policy = (name: string, defaultTtl: number): CachePolicyConfig => ({
  Name: name,
  MinTTL: 0,
  DefaultTTL: defaultTtl,
  MaxTTL: 3600,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: false,
    HeadersConfig: { HeaderBehavior: "none" },
    CookiesConfig: { CookieBehavior: "none" },
    QueryStringsConfig: { QueryStringBehavior: "none" },
  },
});

const distribution = (ref: string, cachePolicyId: string) => ({
  CallerReference: ref,
  Comment: "",
  Enabled: true,
  Origins: {
    Quantity: 1,
    Items: [{ Id: "web", DomainName: "web.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" as const } }],
  },
  DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: cachePolicyId },
});

describe("e2e: the README rule between a stack file and the AWS API, through edgeparity up (issue 11 §State)", () => {
  let work: string;
  let origin: OriginServer;
  let s: CliSession;
  let cf: CloudFrontClients;
  let apiPolicyId = "";
  let apiDomain = "";
  const file = () => join(work, "edgeparity.yaml");
  const writeStack = (extra: Record<string, unknown> = {}, fileTtl = 5) =>
    writeFile(
      file(),
      stringify({
        cachePolicies: { "file-policy": policy("file-policy", fileTtl), ...extra },
        distributions: { app: distribution("app", "file-policy") },
        local: { origins: { "web.example.com": origin.url } },
      }),
    );
  const start = async () => {
    s = await startCliSession(["--config", file(), "--state-dir", join(work, "state")]);
    cf?.destroy();
    cf = cloudFrontClients({ httpPort: s.ready.httpPort as number, httpsPort: s.ready.httpsPort as number, caPem: s.caPem });
  };
  const both = (): [string, CloudFrontClient][] => [
    ["HTTP/1.1", cf.h1],
    ["HTTP/2", cf.h2],
  ];
  const events = () =>
    s.lines.filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l) as { event: string; revision: number; error?: string; serving?: number });
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ok(), `${what} within 10 s; stderr ends:\n${s.stderr().split("\n").slice(-8).join("\n")}`);
  };
  const get = (http: "1.1" | "2", domain: string) => {
    const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
    return curlExchange({
      url: `${http === "2" ? "https" : "http"}://${domain}:${port}/page`,
      method: "GET",
      http,
      cacert: s.caPath,
      extra: ["--connect-to", `${domain}:${port}:127.0.0.1:${port}`],
    });
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-rule-"));
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end(`web ${req.url}`);
    });
    await writeStack();
    await start();
  });
  after(async () => {
    cf?.destroy();
    await s?.stop();
    await origin?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("README rule: the stack file's resources are the file's — readable through the API, a change is 403 AccessDenied", async () => {
    for (const [http, c] of both()) {
      const got = await c.send(new GetCachePolicyCommand({ Id: "file-policy" }));
      assert.equal(got.CachePolicy?.CachePolicyConfig?.DefaultTTL, 5, http);
      await assert.rejects(
        c.send(new UpdateCachePolicyCommand({ Id: "file-policy", IfMatch: got.ETag, CachePolicyConfig: policy("file-policy", 9) })),
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === "AccessDenied" && e.$metadata?.httpStatusCode === 403,
        http,
      );
    }
  });

  it("README rule: API resources live beside the file's — a file edit is re-applied and keeps the API's policy and distribution serving", async () => {
    const p = await cf.h1.send(new CreateCachePolicyCommand({ CachePolicyConfig: policy("api-policy", 30) }));
    apiPolicyId = p.CachePolicy!.Id!;
    const d = await cf.h2.send(new CreateDistributionCommand({ DistributionConfig: distribution("api-dist", apiPolicyId) }));
    apiDomain = d.Distribution!.DomainName!;
    const before = events().length;
    await writeStack({}, 7);
    await until("the file edit's revision", () =>
      events()
        .slice(before)
        .some((e) => e.event === "revision"),
    );
    for (const [http, c] of both()) {
      assert.equal(
        (await c.send(new GetCachePolicyCommand({ Id: "file-policy" }))).CachePolicy?.CachePolicyConfig?.DefaultTTL,
        7,
        `${http}: the file is re-applied`,
      );
      assert.equal(
        (await c.send(new GetCachePolicyCommand({ Id: apiPolicyId }))).CachePolicy?.CachePolicyConfig?.DefaultTTL,
        30,
        `${http}: the API's policy stays`,
      );
    }
    for (const http of HTTP_VERSIONS) {
      const r = await get(http, apiDomain);
      assert.equal(r.status, 200, describeResult(r));
      assert.equal(r.body.toString(), "web /page");
    }
  });

  it("README rule: a name both define differently is refused — the file edit is a rejected revision naming both sources; the previous revision keeps serving", async () => {
    const before = events().length;
    await writeStack({ [apiPolicyId]: policy("clash", 1) }, 7);
    await until("the rejected revision", () =>
      events()
        .slice(before)
        .some((e) => e.event === "revision-rejected"),
    );
    const rejected = events()
      .slice(before)
      .find((e) => e.event === "revision-rejected")!;
    assert.match(rejected.error ?? "", /defined differently in two sources: .*the resources created through the AWS API/);
    for (const [http, c] of both())
      assert.equal((await c.send(new GetCachePolicyCommand({ Id: apiPolicyId }))).CachePolicy?.CachePolicyConfig?.Name, "api-policy", http);
    for (const http of HTTP_VERSIONS) assert.equal((await get(http, apiDomain)).status, 200);
    const fixed = events().length;
    await writeStack({}, 7);
    // The fix is the same stack as the last one served: a revision with no change, or none at all.
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(
      events()
        .slice(fixed)
        .every((e) => e.event === "revision"),
    );
  });

  it("README rule: API resources survive a restart on the same state dir — same ETag, served", async () => {
    const etag = (await cf.h1.send(new GetCachePolicyCommand({ Id: apiPolicyId }))).ETag;
    await s.stop();
    await start();
    for (const [http, c] of both()) assert.equal((await c.send(new GetCachePolicyCommand({ Id: apiPolicyId }))).ETag, etag, http);
    for (const http of HTTP_VERSIONS) {
      const r = await get(http, apiDomain);
      assert.equal(r.status, 200, describeResult(r));
    }
  });
});
