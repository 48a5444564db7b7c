import assert from "node:assert/strict";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, type CurlResult } from "../support/curl-exchange.js";
import { HTTP_VERSIONS } from "../support/e2e-matrix.js";

/**
 * `edgeparity up --trace` as a user runs it (a child process, real curl on HTTP/1.1 and HTTP/2):
 * every response carries `X-Edgeparity-Trace`, and stderr shows the request's trace as a block with
 * one line per decision (issue 15). One case per decision kind, on test/fixtures/stacks/e2e-trace.
 */
const FIXTURE = fileURLToPath(new URL("../fixtures/stacks/e2e-trace", import.meta.url));

describe("e2e: edgeparity up --trace explains each decision (issue 15)", () => {
  let work: string;
  let s: CliSession;
  let base: string;
  let httpBase: string;
  let apiHost: string;
  let httpsPort: number;
  let small: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-trace-"));
    await cp(FIXTURE, join(work, "stack"), { recursive: true });
    small = join(work, "small.bin");
    await writeFile(small, Buffer.alloc(1024, 7));
    s = await startCliSession(["--config", join(work, "stack", "stack.yaml"), "--trace"]);
    base = s.distribution("trace").url;
    httpBase = s.distribution("trace").httpUrl;
    apiHost = (s.ready.apis as Record<string, { host: string }>)["trace-http"]!.host;
    httpsPort = s.ready.httpsPort as number;
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const send = (url: string, http: "1.1" | "2", o: { method?: string; headers?: string[]; body?: boolean } = {}) =>
    curlExchange({ url, method: o.method ?? "GET", http, cacert: s.caPath, headers: o.headers, bodyFile: o.body ? small : undefined });

  /** The trace block the CLI printed for the response's X-Edgeparity-Trace id (waits up to 5 s for it). */
  const traceOf = async (r: CurlResult): Promise<string> => {
    const id = r.headers["x-edgeparity-trace"];
    assert.ok(id, `no X-Edgeparity-Trace header (status ${r.status}, curl ${r.curlExit} ${r.stderr})`);
    for (let i = 0; i < 100; i++) {
      const lines = s.stderr().split("\n");
      const start = lines.findIndex((l) => l.startsWith(`trace ${id} `));
      if (start !== -1) {
        const end = lines.findIndex((l, j) => j > start && !l.startsWith("  "));
        return lines.slice(start, end === -1 ? undefined : end).join("\n");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no trace ${id} on stderr; it ends:\n${s.stderr().split("\n").slice(-20).join("\n")}`);
  };
  const has = (block: string, ...parts: string[]) => {
    for (const p of parts) assert.ok(block.includes(p), `trace lacks «${p}»:\n${block}`);
  };

  for (const http of HTTP_VERSIONS) {
    it(`trace: behaviour, viewer policy, cache Miss then Hit, OAC origin, S3 policy statement, TTL from DefaultTTL (cloudfront.md §2, §4.3; s3.md §8) — HTTP/${http}`, async () => {
      const url = new URL(`/page-${http}.html`, base).href;
      const r = await send(url, http);
      assert.equal(r.status, 200);
      assert.equal(r.headers["x-edgeparity-trace"], r.headers["x-amz-cf-id"], "the trace id is the request's X-Amz-Cf-Id");
      const t = await traceOf(r);
      has(
        t,
        `GET ${new URL(url).origin}/page-${http}.html → 200`,
        `cloudfront behavior      distribution trace (${s.distribution("trace").id}): DefaultCacheBehavior (*) for /page-${http}.html → origin site-bucket`,
        `CacheBehaviors[0] /private/*: does not match /page-${http}.html`,
        "cloudfront viewer-policy GET over https allowed (ViewerProtocolPolicy allow-all, AllowedMethods GET,HEAD)",
        "cloudfront cache         Miss: no object under this key",
        `cloudfront origin        site-bucket: GET https://trace-site.s3.us-east-1.amazonaws.com/page-${http}.html, signed with OAC (SigningBehavior always)`,
        "s3         authorization bucket trace-site: s3:GetObject allowed by Statement[0] (Sid AllowCloudFront)",
        "cloudfront attempt       site-bucket answered 200 in",
        "cloudfront ttl           200: stored for 86400 s from DefaultTTL (the origin sent no s-maxage, max-age or Expires) (MinTTL 1, DefaultTTL 86400, MaxTTL 31536000)",
      );
      const again = await traceOf(await send(url, http));
      has(again, "cloudfront cache         Hit: fresh for");
      assert.ok(!again.includes("s3 "), "a hit asks no origin");
    });

    it(`trace: a CloudFront Function's run with its compute utilization and console line (cloudfront.md §13.4) — HTTP/${http}`, async () => {
      const r = await send(new URL(`/fn/route-${http}`, base).href, http);
      assert.equal(r.status, 200, r.body.toString());
      const t = await traceOf(r);
      has(t, "cloudfront function      viewer-request function trace-rewrite ran; compute utilization ", `console: rewriting /fn/route-${http}`);
      assert.match(t, /compute utilization (100|[1-9]\d?)\n/);
      has(t, "cloudfront origin        site-bucket: GET https://trace-site.s3.us-east-1.amazonaws.com/page-1.1.html");
    });

    it(`trace: a private bucket's 403 says no policy grants cloudfront.amazonaws.com (s3.md §8) — HTTP/${http}`, async () => {
      const r = await send(new URL("/private/secret.txt", base).href, http);
      assert.equal(r.status, 403);
      has(
        await traceOf(r),
        "CacheBehaviors[0] /private/* for /private/secret.txt → origin private-bucket",
        "cloudfront cache         caching off: MaxTTL is 0 in cache policy 4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        `s3         authorization bucket trace-private: s3:GetObject implicit deny: private object, no bucket policy grants cloudfront.amazonaws.com (aws:SourceArn arn:aws:cloudfront::000000000000:distribution/${s.distribution("trace").id}) s3:GetObject`,
      );
    });

    it(`trace: ALB default rule (and why priority 10 did not match), target picked, TTL from max-age (alb.md §2, §5; cloudfront.md §4.3) — HTTP/${http}`, async () => {
      const r = await send(new URL(`/api/v${http}`, base).href, http);
      assert.equal(r.status, 200);
      has(
        await traceOf(r),
        "elbv2      rule          load balancer trace-alb listener HTTP:80: the default rule matched → forward to trace-app",
        `priority 10 (path-pattern /api/fixed): does not match GET trace-alb-1234567890.us-east-1.elb.amazonaws.com/api/v${http}`,
        "picked by round_robin of 1 registered: 1 healthy",
        "elbv2      target        target group trace-app: target 127.0.0.1:",
        "cloudfront ttl           200: stored for 60 s from max-age=60",
      );
    });

    it(`trace: an ALB fixed-response rule (alb.md §3) — HTTP/${http}`, async () => {
      const r = await send(new URL("/api/fixed", base).href, http);
      assert.equal(r.status, 418);
      has(
        await traceOf(r),
        "rule priority 10 (path-pattern /api/fixed) matched → fixed-response",
        "cloudfront ttl           418: not stored: status 418 is not cached",
      );
    });

    it(`trace: a method the behaviour does not allow is refused by the viewer policy, with a 1 KB body (cloudfront.md §3) — HTTP/${http}`, async () => {
      const r = await send(new URL(`/page-${http}.html`, base).href, http, { method: "POST", body: true });
      assert.equal(r.status, 403);
      has(await traceOf(r), "cloudfront viewer-policy AllowedMethods GET,HEAD has no POST → 403");
    });

    it(`trace: an origin group fails over when the primary refuses the connection (cloudfront.md §10.6) — HTTP/${http}`, async () => {
      const r = await send(new URL(`/failover/page-${http}.html`, base).href, http);
      has(
        await traceOf(r),
        "cloudfront origin        refusing (origin group with-failover: primary): GET http://localhost/failover/",
        "cloudfront attempt       refusing connect failure after",
        "→ CloudFront answers 502; 502 is a failover status for origin group with-failover",
        "cloudfront origin        site-bucket (origin group with-failover: failover to the secondary)",
      );
    });

    it(`trace: S3 CORS preflight refused, with each rule's reason (s3.md §6.2) — HTTP/${http}`, async () => {
      const r = await send(`https://trace-site.s3.localhost:${httpsPort}/page-${http}.html`, http, {
        method: "OPTIONS",
        headers: ["Origin: https://evil.example.com", "Access-Control-Request-Method: GET"],
      });
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-edgeparity-trace"], r.headers["x-amz-request-id"], "a bucket answering a viewer uses its own request id");
      has(
        await traceOf(r),
        "s3         cors          bucket trace-site: preflight from https://evil.example.com for GET: no CORSRule matched → 403 AccessForbidden",
        "CORSRules[0]: no AllowedOrigins entry matches https://evil.example.com",
      );
    });

    it(`trace: API Gateway CORS preflight and route (apigateway.md §3, §9.1) — HTTP/${http}`, async () => {
      const pre = await send(`https://${apiHost}:${httpsPort}/hello`, http, {
        method: "OPTIONS",
        headers: ["Origin: https://app.example.com", "Access-Control-Request-Method: GET"],
      });
      assert.equal(pre.status, 204);
      has(
        await traceOf(pre),
        "apigateway cors          HTTP API trace-http: preflight from https://app.example.com answered by API Gateway: allowed (Access-Control-Allow-Origin https://app.example.com)",
      );
      const r = await send(`https://${apiHost}:${httpsPort}/hello`, http);
      has(await traceOf(r), "apigateway route         HTTP API trace-http stage $default: route GET /hello → http integration");
    });

    it(`trace: a REST API's TOKEN authorizer allows or refuses, after the resource match (apigateway.md §10.1) — HTTP/${http}`, async () => {
      const rest = (s.ready.apis as Record<string, { stages: Record<string, string> }>)["trace-rest"]!.stages["prod"]!;
      const url = new URL("hello", rest.endsWith("/") ? rest : `${rest}/`).href;
      const ok = await send(url, http, { headers: ["Authorization: let-me-in"] });
      assert.equal(ok.status, 200);
      has(
        await traceOf(ok),
        "apigateway route         REST API trace-rest stage prod: resource /hello method GET → mock integration",
        "apigateway authorizer    TOKEN authorizer tok: allowed principal trace-user",
      );
      const refused = await send(url, http);
      assert.equal(refused.status, 401);
      has(await traceOf(refused), "apigateway authorizer    TOKEN authorizer tok: identity source header.Authorization is missing → 401");
    });
  }

  it("trace: ViewerProtocolPolicy redirect-to-https over plain HTTP (cloudfront.md §3.1; HTTP/1.1 only: there is no HTTP/2 without TLS)", async () => {
    const r = await send(new URL("/api/x", httpBase).href, "1.1");
    assert.equal(r.status, 301);
    has(await traceOf(r), "cloudfront viewer-policy ViewerProtocolPolicy redirect-to-https refuses GET over http → 301");
  });
});
