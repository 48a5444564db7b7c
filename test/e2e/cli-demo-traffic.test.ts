import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertAccessLog, assertComplete, describeResult, HTTP_VERSIONS, methodMatrix } from "../support/e2e-matrix.js";

/** Small concurrency keeps the run short while a bug makes requests wait for curl's time limit. */
const CONCURRENCY = 3;

/**
 * `edgeparity up --demo` as a user starts it (a child process, default log subscriber, then
 * `--log-format cloudfront`), under real curl: the SPA from S3 and every method with bodies of
 * 0 B, 1 KB and 2 MiB through CloudFront → ALB → the demo API (`demo/api/server.mjs`, which
 * answers `/api/hello` with the method and path it received). After each request the process must
 * still be running and still serve the SPA. This is the traffic that crashed the shipped CLI.
 */
for (const logFormat of ["text", "cloudfront"] as const) {
  describe(`e2e: edgeparity up --demo --log-format ${logFormat} under curl (HTTP/1.1 and HTTP/2)`, () => {
    let work: string;
    let s: CliSession;
    let bodies: Awaited<ReturnType<typeof writeBodies>>;
    let base: string;
    const methodsSent = new Set<string>();
    const alive = (context: string) => s.assertAlive(context, base);

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-demo-"));
      bodies = await writeBodies(work);
      s = await startCliSession(["--demo", "--log-format", logFormat]);
      base = s.distribution("demo").url;
    });
    after(async () => {
      await s?.stop();
      await rm(work, { recursive: true, force: true });
    });

    describe(`SPA and API (${logFormat} log)`, { concurrency: CONCURRENCY }, () => {
      for (const http of HTTP_VERSIONS) {
        const tag = `demo, ${logFormat} log, HTTP/${http}`;
        it(`demo SPA: GET / is index.html from S3 through CloudFront (DefaultRootObject, cloudfront.md §9.4, §10.4) [${tag}]`, async () => {
          methodsSent.add("GET");
          const r = await curlExchange({ url: base, method: "GET", http, cacert: s.caPath });
          assert.equal(r.status, 200, describeResult(r));
          assertComplete(r);
          assert.equal(r.httpVersion, http);
          assert.match(r.headers["content-type"] ?? "", /^text\/html/);
          assert.match(r.headers.via ?? "", /\.cloudfront\.net \(CloudFront\)$/);
          await alive(`after GET / ${tag}`);
        });

        for (const c of methodMatrix()) {
          const size = c.size === "none" ? undefined : c.size;
          const label = `${c.method} ${c.size === "none" ? "without a body" : c.size}`;
          it(
            c.method === "GET" && size
              ? `demo API: ${label} is CloudFront's 403 "Bad request.", which the demo's 403 custom error response turns into /index.html with 200 (cloudfront.md §3.2, §9.1) [${tag}]`
              : `demo API: ${label} through CloudFront → ALB reaches the API, which echoes the method (cloudfront.md §1.1, §3.2; alb.md §3.1) [${tag}]`,
            async () => {
              methodsSent.add(c.method);
              const r = await curlExchange({
                url: new URL("/api/hello", base).href,
                method: c.method,
                http,
                cacert: s.caPath,
                bodyFile: size ? bodies[size].path : undefined,
              });
              assert.equal(r.status, 200, describeResult(r));
              assertComplete(r);
              if (c.method === "GET" && size) {
                // Custom error responses apply distribution-wide, to CloudFront-generated 4xx too
                // (cloudfront.md §9.1: geo-block and WAF 403 are documented; assumed the same for this 403).
                assert.equal(r.headers["x-cache"], "Error from cloudfront", describeResult(r));
                assert.match(r.body.toString(), /<title>edgeparity demo<\/title>/);
              } else {
                assert.equal(r.httpVersion, http);
                assert.equal(r.headers["x-cache"], "Miss from cloudfront", "CachingDisabled on /api/*");
                assert.match(r.headers["content-type"] ?? "", /^application\/json/);
                if (c.method !== "HEAD") {
                  const echo = JSON.parse(r.body.toString()) as { method: string; path: string; seen: { host: string; "x-forwarded-proto": string } };
                  assert.equal(echo.method, c.method);
                  assert.equal(echo.path, "/api/hello");
                  // AllViewerExceptHostHeader: the origin's own domain is the Host (cloudfront.md §10.5); http-only to the ALB.
                  assert.equal(echo.seen.host, "demo-alb-1234567890.us-east-1.elb.amazonaws.com");
                  assert.equal(echo.seen["x-forwarded-proto"], "http");
                }
              }
              await alive(`after ${label} to /api/hello ${tag}`);
            },
          );
        }
      }
    });

    it(`access log: the ${logFormat} subscriber printed a well-formed line for every method sent (cloudfront.md §16.1) [demo]`, async () => {
      await new Promise((r) => setTimeout(r, 100));
      assertAccessLog(s.lines, logFormat, methodsSent);
      await alive(`at the end of the demo ${logFormat} run`);
    });
  });
}
