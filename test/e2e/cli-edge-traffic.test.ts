import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import {
  assertAccessLog,
  assertCloudFront403,
  assertComplete,
  BODY_METHODS,
  BODY_SIZES,
  describeResult,
  GET_WITH_BODY_MESSAGE,
  HTTP_VERSIONS,
  INVALID_METHOD_MESSAGE,
  md5,
  methodMatrix,
  sha256,
} from "../support/e2e-matrix.js";

/**
 * The real CLI (`edgeparity up --config test/fixtures/stacks/e2e-edge/stack.yaml`, a child process)
 * under real curl traffic: CloudFront → S3 (bucket bound to a folder, OAC + bucket policy) and
 * CloudFront → ALB → a `command` target that echoes method, byte count and SHA-256. Each request is
 * followed by a check that the process is still running and still answers.
 * S3 cases run first so that an ALB crash (the process ending) does not hide their own verdicts.
 */
/** Small concurrency keeps the run short while a bug makes requests wait for curl's time limit. */
const CONCURRENCY = 3;
const FIXTURE = fileURLToPath(new URL("../fixtures/stacks/e2e-edge", import.meta.url));

for (const logFormat of ["text", "cloudfront"] as const) {
  describe(`e2e: edgeparity up --log-format ${logFormat} with CloudFront → S3 (OAC) and CloudFront → ALB → command target`, () => {
    let work: string;
    let s: CliSession;
    let bodies: Awaited<ReturnType<typeof writeBodies>>;
    let base: string;
    const methodsSent = new Set<string>();
    const send = async (method: string, path: string, http: "1.1" | "2", size?: keyof typeof bodies, headers?: string[]) => {
      methodsSent.add(method);
      return curlExchange({ url: new URL(path, base).href, method, http, cacert: s.caPath, bodyFile: size ? bodies[size].path : undefined, headers });
    };
    const alive = (context: string) => s.assertAlive(context, new URL("/index.html", base).href);

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-edge-"));
      await cp(FIXTURE, join(work, "stack"), { recursive: true });
      bodies = await writeBodies(work);
      s = await startCliSession(["--config", join(work, "stack", "stack.yaml"), "--log-format", logFormat]);
      base = s.distribution("edge").url;
    });
    after(async () => {
      await s?.stop();
      await rm(work, { recursive: true, force: true });
    });

    describe(`CloudFront → S3 (${logFormat} log)`, { concurrency: CONCURRENCY }, () => {
      for (const http of HTTP_VERSIONS) {
        const tag = `${logFormat} log, HTTP/${http}`;
        it(`S3 via CloudFront: GET and HEAD of a folder file answer 200 with its bytes (cloudfront.md §1.1, §10.4; s3.md §4.3) [${tag}]`, async () => {
          const get = await send("GET", "/index.html", http);
          assert.equal(get.status, 200, describeResult(get));
          assertComplete(get);
          assert.equal(get.httpVersion, http);
          assert.match(get.body.toString(), /edgeparity end-to-end fixture/);
          assert.equal(get.headers["x-cache"], "Miss from cloudfront", "CachingDisabled: every request goes to S3");
          const head = await send("HEAD", "/index.html", http);
          assert.equal(head.status, 200, describeResult(head));
          assertComplete(head);
          assert.equal(head.headers["content-length"], String(get.body.length));
          assert.equal(head.body.length, 0);
          await alive(`after GET/HEAD ${tag}`);
        });

        for (const size of BODY_SIZES) {
          it(`S3 via CloudFront: PUT ${size} with OAC stores the object (200, ETag = MD5) and GET returns the same bytes (cloudfront.md §10.4; s3.md §4.2, §8) [${tag}]`, async () => {
            const key = `/uploads/${logFormat}-h${http}-${size}.bin`;
            const put = await send("PUT", key, http, size);
            assert.equal(put.status, 200, describeResult(put));
            assertComplete(put);
            assert.equal(put.headers.etag, `"${md5(bodies[size].bytes)}"`, describeResult(put));
            await alive(`after PUT ${size} ${tag}`);
            const get = await send("GET", key, http);
            assert.equal(get.status, 200, describeResult(get));
            assertComplete(get);
            assert.equal(get.body.length, bodies[size].bytes.length);
            assert.ok(get.body.equals(bodies[size].bytes), "the bytes read back are the bytes written");
          });
        }

        for (const method of ["POST", "PATCH"]) {
          for (const size of BODY_SIZES) {
            // POST on an object key without a subresource: 405 MethodNotAllowed, Method POST,
            // ResourceType OBJECT (s3.md §5; observed in mhart/aws4fetch#14). PATCH has no S3 operation
            // either; the same 405 is the emulator's answer (UNCONFIRMED for PATCH on AWS).
            it(`S3 via CloudFront: ${method} ${size} on an object is S3's 405 MethodNotAllowed, passed through (cloudfront.md §3.2; s3.md §5) [${tag}]`, async () => {
              const r = await send(method, `/uploads/${method.toLowerCase()}-${size}.bin`, http, size);
              assert.equal(r.status, 405, describeResult(r));
              assertComplete(r);
              const text = r.body.toString();
              assert.match(text, /<Code>MethodNotAllowed<\/Code>/);
              assert.match(text, new RegExp(`<Method>${method}</Method>`));
              assert.match(text, /<ResourceType>OBJECT<\/ResourceType>/);
              await alive(`after ${method} ${size} to S3 ${tag}`);
            });
          }
        }

        it(`S3 via CloudFront: OPTIONS without Origin is S3's 400 "Origin request header needed" (s3.md §6.2) [${tag}]`, async () => {
          const r = await send("OPTIONS", "/uploads/anything", http, "0B");
          assert.equal(r.status, 400, describeResult(r));
          assertComplete(r);
          assert.match(r.body.toString(), /<Code>BadRequest<\/Code><Message>Insufficient information\. Origin request header needed\.<\/Message>/);
          await alive(`after OPTIONS to S3 ${tag}`);
        });

        for (const size of [undefined, "0B"] as const) {
          const how = size ? "with Content-Length: 0" : "without a body";
          it(`S3 via CloudFront: DELETE ${how} removes the object (204); a GET after it is 403 AccessDenied without s3:ListBucket (cloudfront.md §10.4; s3.md §4.3, §8) [${tag}]`, async () => {
            const key = `/uploads/delete-me-${logFormat}-h${http}-${size ?? "none"}.txt`;
            assert.equal((await send("PUT", key, http, "1KB")).status, 200);
            const del = await send("DELETE", key, http, size);
            assert.equal(del.status, 204, describeResult(del));
            assertComplete(del);
            assert.equal(del.body.length, 0);
            const get = await send("GET", key, http);
            assert.equal(get.status, 403, describeResult(get));
            assert.match(get.body.toString(), /<Code>AccessDenied<\/Code>/);
            await alive(`after DELETE ${how} ${tag}`);
          });
        }

        for (const size of ["1KB", "2MB"] as const) {
          it(`CloudFront: GET with a ${size} body is CloudFront's 403 "Bad request." (cloudfront.md §3.2) [${tag}, S3 behavior]`, async () => {
            const r = await send("GET", "/index.html", http, size);
            assertCloudFront403(r, GET_WITH_BODY_MESSAGE, http);
            await alive(`after GET with ${size} body ${tag}`);
          });
        }

        for (const method of BODY_METHODS) {
          for (const size of BODY_SIZES) {
            it(`CloudFront: ${method} ${size} on a GET,HEAD behavior is the 403 InvalidRequestMethod page (cloudfront.md §3.2) [${tag}]`, async () => {
              const r = await send(method, "/index.html", http, size);
              assertCloudFront403(r, INVALID_METHOD_MESSAGE, http);
              await alive(`after ${method} ${size} on the GET,HEAD behavior ${tag}`);
            });
          }
        }
      }
    });

    // One request at a time: when a request ends the process, the test that sent it is the first to fail.
    describe(`CloudFront → ALB → command target (${logFormat} log)`, { concurrency: 1 }, () => {
      for (const http of HTTP_VERSIONS) {
        const tag = `${logFormat} log, HTTP/${http}`;
        for (const c of methodMatrix()) {
          const size = c.size === "none" ? undefined : c.size;
          const label = `${c.method} ${c.size === "none" ? "without a body" : c.size}`;
          if (c.method === "GET" && size) {
            it(`CloudFront: ${label} to the ALB behavior is CloudFront's 403 "Bad request." and never reaches the target (cloudfront.md §3.2) [${tag}]`, async () => {
              const r = await send("GET", "/echo/get-with-body", http, size);
              assertCloudFront403(r, GET_WITH_BODY_MESSAGE, http);
              await alive(`after ${label} ${tag}`);
            });
            continue;
          }
          it(`ALB via CloudFront: ${label} reaches the target with its method and the full body (cloudfront.md §1.1, §3.2, §7.2; alb.md §3.1) [${tag}]`, async () => {
            const sent = size ? bodies[size].bytes : Buffer.alloc(0);
            const r = await send(c.method, `/echo/${c.method.toLowerCase()}?size=${c.size}`, http, size);
            assert.equal(r.status, 200, describeResult(r));
            assertComplete(r);
            assert.equal(r.httpVersion, http);
            assert.equal(r.headers["x-cache"], "Miss from cloudfront", describeResult(r));
            assert.equal(r.headers["x-echo-method"], c.method, describeResult(r));
            assert.equal(r.headers["x-echo-bytes"], String(sent.length), describeResult(r));
            assert.equal(r.headers["x-echo-sha256"], sha256(sent), describeResult(r));
            if (c.method === "HEAD") assert.equal(r.body.length, 0);
            else {
              const echo = JSON.parse(r.body.toString()) as { method: string; path: string; bytes: number; sha256: string; expect: string | null };
              assert.deepEqual(
                { method: echo.method, path: echo.path, bytes: echo.bytes, sha256: echo.sha256 },
                { method: c.method, path: `/echo/${c.method.toLowerCase()}?size=${c.size}`, bytes: sent.length, sha256: sha256(sent) },
              );
              // CloudFront removes Expect toward the origin unless it is forwarded (cloudfront.md §7.2).
              assert.equal(echo.expect, null);
            }
            await alive(`after ${label} to the ALB ${tag}`);
          });
        }
      }
    });

    it(`access log: the ${logFormat} subscriber printed a well-formed line for every method sent (cloudfront.md §16.1)`, async () => {
      await new Promise((r) => setTimeout(r, 100));
      assertAccessLog(s.lines, logFormat, methodsSent);
      await alive(`at the end of the ${logFormat} run`);
    });
  });
}
