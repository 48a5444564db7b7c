import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { once } from "node:events";
import { connect } from "node:net";
import type { MemoryLog } from "../../../src/core/log.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { rawRequest } from "../../support/raw-http.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, CACHING_OPTIMIZED, customOrigin } from "../../support/stacks.js";

/**
 * Lambda@Edge in-process (the real engine, the real Lambda runtime in worker threads), field by
 * field and failure by failure: the event each trigger gets (cloudfront.md §14.2), when each runs
 * (§14.1), and the 502/503 answers of §14.6. The handler files are test/fixtures/lambda-edge.
 */
const FIXTURES = fileURLToPath(new URL("../../fixtures/lambda-edge/", import.meta.url));
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}:7`;

type Cf = {
  config: Record<string, string>;
  request: { headers: Record<string, { key: string; value: string }[]>; origin?: { custom: Record<string, unknown> }; body?: unknown } & Record<
    string,
    unknown
  >;
  response?: { status: string; statusDescription: string; headers: Record<string, { key: string; value: string }[]> };
};
const cfOf = (body: string) => (JSON.parse(body) as { Records: { cf: Cf }[] }).Records[0]!.cf;

function behavior(path: string, associations: { EventType: string; fn: string; IncludeBody?: boolean }[], extra: Record<string, unknown> = {}) {
  return {
    PathPattern: path,
    TargetOriginId: "origin",
    ViewerProtocolPolicy: "allow-all",
    CachePolicyId: CACHING_DISABLED,
    AllowedMethods: ALL_METHODS,
    LambdaFunctionAssociations: {
      Items: associations.map((a) => ({ EventType: a.EventType, LambdaFunctionARN: arn(a.fn), ...(a.IncludeBody ? { IncludeBody: true } : {}) })),
    },
    ...extra,
  };
}

function config(originUrl: string) {
  return {
    distributions: {
      app: {
        Origins: {
          Items: [
            customOrigin("origin", "origin.example.com", {
              OriginPath: "/base",
              CustomHeaders: { Items: [{ HeaderName: "X-Secret", HeaderValue: "s3cr3t" }] },
            }),
          ],
        },
        CacheBehaviors: {
          Items: [
            behavior("/vreq/*", [{ EventType: "viewer-request", fn: "echo" }]),
            behavior("/oreq/*", [{ EventType: "origin-request", fn: "echo" }], { CachePolicyId: CACHING_OPTIMIZED }),
            behavior("/ores/*", [{ EventType: "origin-response", fn: "echo" }], { CachePolicyId: CACHING_OPTIMIZED }),
            behavior("/vres/*", [{ EventType: "viewer-response", fn: "echo" }], { CachePolicyId: CACHING_OPTIMIZED }),
            behavior("/bad-vreq/*", [{ EventType: "viewer-request", fn: "misbehave" }]),
            behavior("/bad-ores/*", [{ EventType: "origin-response", fn: "misbehave-origin" }], { CachePolicyId: CACHING_OPTIMIZED }),
            behavior("/switch/*", [{ EventType: "origin-request", fn: "nowhere" }]),
            behavior("/to-s3/*", [{ EventType: "origin-request", fn: "to-s3" }]),
            behavior("/body/*", [{ EventType: "origin-request", fn: "misbehave", IncludeBody: true }]),
            behavior("/cb-error/*", [{ EventType: "viewer-request", fn: "callback-error" }]),
            behavior("/oreq-gen/*", [
              { EventType: "origin-request", fn: "echo" },
              { EventType: "origin-response", fn: "add-headers" },
            ]),
            behavior("/vres-err/*", [{ EventType: "viewer-response", fn: "mark-viewer-response" }]),
            behavior("/vres-https/*", [{ EventType: "viewer-response", fn: "mark-viewer-response" }], { ViewerProtocolPolicy: "redirect-to-https" }),
            behavior(
              "/spell/*",
              [
                { EventType: "viewer-request", fn: "spell-headers" },
                { EventType: "viewer-response", fn: "spell-headers-response" },
              ],
              { OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST },
            ),
            behavior("/vreq-rhp/*", [{ EventType: "viewer-request", fn: "echo" }], { ResponseHeadersPolicyId: "Managed-SecurityHeadersPolicy" }),
          ],
        },
        DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
        // A 403 from the origin is answered with /errpage (default behaviour) as a 200 (§9.1).
        CustomErrorResponses: { Items: [{ ErrorCode: 403, ResponsePagePath: "/errpage/403.html", ResponseCode: "200", ErrorCachingMinTTL: 0 }] },
      },
    },
    local: {
      origins: { "origin.example.com": originUrl },
      functions: {
        echo: { handler: "echo-event.mjs" },
        misbehave: { handler: "misbehave.mjs" },
        "misbehave-origin": { handler: "misbehave.mjs" },
        nowhere: { handler: "switch-nowhere.mjs" },
        "to-s3": { handler: "switch-s3.mjs" },
        "callback-error": { handler: "callback-error.mjs" },
        "add-headers": { handler: "add-headers.mjs" },
        "mark-viewer-response": { handler: "viewer-response.mjs" },
        "spell-headers": { handler: "spell-headers.mjs" },
        "spell-headers-response": { handler: "spell-headers.mjs" },
      },
    },
  };
}

describe("cloudfront: Lambda@Edge events, triggers and failures (cloudfront.md §14)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((req, res) => {
      const missing = req.url!.includes("missing");
      const forbidden = req.url!.includes("forbidden");
      res.writeHead(missing ? 404 : forbidden ? 403 : 200, { "content-type": "text/plain", "cache-control": "max-age=60", "x-origin": "yes" });
      res.end(`origin ${req.url}`);
    });
    stack = await startEdgeparity({ config: config(origin.url), baseDir: FIXTURES });
  });
  after(async () => {
    await stack?.close();
    await origin?.close();
  });
  const get = (path: string, v: (typeof HTTP_VERSIONS)[number], args: string[] = []) =>
    curl(`${stack.distributions.app!.url}${path.slice(1)}`, v, { caPath: stack.caPath, args });
  const asked = (path: string) => origin.requests.filter((r) => r.url.split("?")[0] === path).length;

  for (const v of HTTP_VERSIONS) {
    const tag = v === "--http2" ? "h2" : "h1";

    it(`viewer-request event: config, clientIp, method, uri, raw querystring, headers as sent, no origin/body (§14.2) [${tag}]`, async () => {
      const r = await get(`/vreq/a%20b/${tag}?b=2&a=1`, v, ["-H", "X-Custom-Thing: one", "-H", "X-Real-IP: 9.9.9.9", "-H", "Cookie: a=1"]);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
      const cf = cfOf(r.body);
      const d = stack.distributions.app!;
      assert.deepEqual(cf.config, { distributionDomainName: d.domain, distributionId: d.id, eventType: "viewer-request", requestId: r.headers["x-amz-cf-id"] });
      assert.equal(cf.request["clientIp"], "127.0.0.1");
      assert.equal(cf.request["method"], "GET");
      assert.equal(cf.request["uri"], `/vreq/a%20b/${tag}`);
      assert.equal(cf.request["querystring"], "b=2&a=1");
      // `key` is the name as it arrived: HTTP/2 carries names in lower case (RFC 9113 §8.2.1).
      assert.deepEqual(cf.request.headers["x-custom-thing"], [{ key: tag === "h2" ? "x-custom-thing" : "X-Custom-Thing", value: "one" }]);
      assert.deepEqual(cf.request.headers["cookie"], [{ key: tag === "h2" ? "cookie" : "Cookie", value: "a=1" }]);
      assert.equal(cf.request.headers["host"]![0]!.value.split(":")[0], d.domain);
      assert.equal(cf.request.headers["x-real-ip"], undefined, "disallowed headers are not shown (§14.4)");
      assert.equal(cf.request.origin, undefined);
      assert.equal(cf.request.body, undefined, "no body without IncludeBody");
      assert.equal(cf.response, undefined);
    });

    it(`origin-request event: origin-bound headers, the origin object; its generated answer is cached (§14.2, §10.7, §1.3) [${tag}]`, async () => {
      const path = `/oreq/${tag}`;
      const r = await get(path, v, ["-H", "User-Agent: curl-test"]);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
      const cf = cfOf(r.body);
      assert.equal(cf.config["eventType"], "origin-request");
      assert.deepEqual(cf.request.origin, {
        custom: {
          customHeaders: { "x-secret": [{ key: "X-Secret", value: "s3cr3t" }] },
          domainName: "origin.example.com",
          keepaliveTimeout: 5,
          path: "/base",
          port: 80,
          protocol: "http",
          readTimeout: 30,
          sslProtocols: ["TLSv1.2"],
        },
      });
      const h = cf.request.headers;
      assert.equal(h["host"]![0]!.value, "origin.example.com");
      assert.equal(h["user-agent"]![0]!.value, "Amazon CloudFront", "the managed cache policy does not forward User-Agent");
      assert.match(h["via"]![0]!.value, /cloudfront\.net \(CloudFront\)$/);
      assert.match(h["x-forwarded-for"]![0]!.value, /127\.0\.0\.1$/);
      assert.equal(h["x-amz-cf-id"], undefined);
      assert.equal(h["x-secret"], undefined, "origin custom headers are in the origin object");
      assert.equal(asked(`/base${path}`), 0);
      const hit = await get(path, v);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.body, r.body, "the cached answer, not a new invocation");
    });

    it(`origin-response event: status as a string, the origin's headers, no body shown; a replaced body is what gets cached (§14.2, §14.3) [${tag}]`, async () => {
      const path = `/ores/${tag}`;
      const r = await get(path, v);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers["x-cache"], "Miss from cloudfront");
      const cf = cfOf(r.body);
      assert.equal(cf.config["eventType"], "origin-response");
      assert.equal(cf.response!.status, "200");
      assert.equal(cf.response!.statusDescription, "OK");
      assert.deepEqual(cf.response!.headers["x-origin"], [{ key: "X-Origin", value: "yes" }]);
      assert.equal(cf.request["uri"], path);
      assert.equal(cf.request.headers["host"]![0]!.value, "origin.example.com");
      assert.equal(r.headers["content-type"], "application/json");
      const hit = await get(path, v);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(hit.body, r.body);
      assert.equal(asked(`/base${path}`), 1);
    });

    it(`origin-response runs for the origin's 4xx too, and sees its status (§14.1) [${tag}]`, async () => {
      const r = await get(`/ores/missing-${tag}`, v);
      assert.equal(r.status, 404, r.body);
      const cf = cfOf(r.body);
      assert.equal(cf.config["eventType"], "origin-response");
      assert.equal(cf.response!.status, "404");
      assert.equal(cf.response!.statusDescription, "Not Found");
    });

    it(`viewer-response event on the miss and on the hit; not run for an origin status ≥ 400 (§14.1) [${tag}]`, async () => {
      const path = `/vres/${tag}`;
      const miss = await get(path, v);
      assert.equal(cfOf(miss.body).config["eventType"], "viewer-response");
      assert.equal(cfOf(miss.body).response!.status, "200");
      const hit = await get(path, v);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.equal(cfOf(hit.body).config["requestId"], hit.headers["x-amz-cf-id"], "run again on the hit, with the hit's request id");
      const missing = await get(`/vres/missing-${tag}`, v);
      assert.equal(missing.status, 404);
      assert.equal(missing.body, `origin /base/vres/missing-${tag}`, "the origin's 404 as it came");
    });

    it(`a viewer-request function's generated answer carries the behaviour's response headers policy (§6.1, §14.3) [${tag}]`, async () => {
      const r = await get(`/vreq-rhp/${tag}`, v);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
      assert.equal(r.headers["x-frame-options"], "SAMEORIGIN");
      assert.equal(r.headers["strict-transport-security"], "max-age=31536000");
      assert.equal(r.headers["x-content-type-options"], "nosniff");
    });

    it(`origin-response is not run for an answer the origin-request function generated (§14.1) [${tag}]`, async () => {
      const r = await get(`/oreq-gen/${tag}`, v);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
      assert.equal(cfOf(r.body).config["eventType"], "origin-request");
      assert.equal(r.headers["x-origin-response-count"], undefined, "add-headers (origin-response) did not run");
      assert.equal(r.headers["strict-transport-security"], undefined);
    });

    it(`viewer-response is not run when a custom error page answers (origin 403 → /errpage as 200) (§14.1, §9.1) [${tag}]`, async () => {
      const r = await get(`/vres-err/forbidden-${tag}`, v);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, "origin /base/errpage/403.html", "the custom error page");
      assert.equal(r.headers["x-viewer-response"], undefined);
      const ok = await get(`/vres-err/fine-${tag}`, v);
      assert.equal(ok.headers["x-viewer-response"], "viewer-response", "it does run on the behaviour's ordinary answers");
    });

    it(`callback(error) is an execution error → 503 (§14.6) [${tag}]`, async () => {
      const r = await get(`/cb-error/${tag}`, v);
      assert.equal(r.status, 503, r.body);
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      assert.ok(
        r.body.includes("The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions."),
        r.body,
      );
      assert.equal(asked(`/base/cb-error/${tag}`), 0);
    });

    const page = (status: number, text: string) => (r: Awaited<ReturnType<typeof get>>) => {
      assert.equal(r.status, status, r.body);
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      assert.equal(r.headers["server"], "CloudFront");
      assert.match(r.body, new RegExp(`<H1>${status} ERROR</H1>`));
      assert.ok(r.body.includes(text), `page says "${text}": ${r.body.slice(0, 600)}`);
    };
    const failures: [string, number, string][] = [
      ["throw", 503, "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions."],
      ["not-object", 502, "The Lambda function returned invalid JSON: The JSON output must be an object type."],
      ["read-only", 502, "The Lambda function result failed validation: The function tried to add, delete, or change a read-only header."],
      ["disallowed", 502, "The Lambda function result failed validation: The function tried to add, delete, or change a read-only header."],
      ["big", 502, "The Lambda function result failed validation:"],
      ["no-content", 502, "The Lambda function result failed validation: The body is not a string"],
      ["bad-status", 502, "The Lambda function result failed validation: The status code is invalid."],
      ["bad-base64", 502, "The Lambda function result failed validation: The body is not a string"],
    ];
    for (const [what, status, text] of failures)
      it(`viewer-request ${what} → ${status} with CloudFront's page (§14.4, §14.6) [${tag}]`, async () => {
        page(status, text)(await get(`/bad-vreq/${what}`, v));
        assert.equal(asked(`/base/bad-vreq/${what}`), 0, "the origin is not asked");
      });

    it(`origin-response changing Via → 502, an exception → 503; neither is cached (§14.4, §14.6) [${tag}]`, async () => {
      const ro = `/bad-ores/read-only-${tag}`;
      page(502, "read-only header")(await get(ro, v));
      page(502, "read-only header")(await get(ro, v));
      assert.equal(asked(`/base${ro}`), 2, "a failed function's answer is not stored");
      page(503, "is invalid or doesn't have the required permissions")(await get(`/bad-ores/throw-${tag}`, v));
    });

    it(`origin-request switching custom → s3: the S3 origin's path and custom headers, the origin's own not sent (§10.7) [${tag}]`, async () => {
      const r = await get(`/to-s3/${tag}`, v);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, `origin /from-s3/to-s3/${tag}`);
      const got = origin.requests.find((q) => q.url === `/from-s3/to-s3/${tag}`)!;
      assert.equal(got.headers["x-s3-origin"], "yes");
      assert.equal(got.headers["x-secret"], undefined, "the configured origin's custom header belongs to that origin");
    });

    it(`origin-request switching to a domain bound to nothing → 502 OriginDnsError (§10.7) [${tag}]`, async () => {
      page(502, "CloudFront wasn't able to resolve the origin domain name.")(await get(`/switch/${tag}`, v));
    });
  }

  it("viewer-response is not run for CloudFront's HTTP→HTTPS redirect (§14.1, §3.1)", async () => {
    const d = stack.distributions.app!;
    const r = await curl(`${d.httpUrl}vres-https/x`, "--http1.1", { caPath: stack.caPath });
    assert.equal(r.status, 301, r.body);
    assert.match(String(r.headers["location"]), /^https:\/\//);
    assert.equal(r.headers["x-viewer-response"], undefined);
    const secure = await get("/vres-https/x", "--http1.1");
    assert.equal(secure.headers["x-viewer-response"], "viewer-response");
  });

  it("header names on HTTP/1.1 are written as each entry's key says, Title-Case without one, toward the origin and the viewer (§14.2)", async () => {
    const d = stack.distributions.app!;
    const r = await rawRequest(
      stack.httpPort,
      `GET /spell/x HTTP/1.1\r\nHost: ${d.domain}\r\nX-Viewer-Spelling: v\r\nConnection: close\r\n\r\n`,
      // Two functions start their workers on this first request; the answer ends the connection anyway.
      15_000,
    );
    assert.equal(r.status, 200, r.raw);
    const got = origin.requests.find((q) => q.url === "/base/spell/x")!;
    const names = got.rawHeaders.filter((_, i) => i % 2 === 0);
    for (const n of ["X-Added-No-Key", "x-ADDED-keyed", "X-Viewer-Spelling"]) assert.ok(names.includes(n), `${n} in ${names.join(",")}`);
    assert.match(r.raw, /\r\nX-Added-No-Key: 1\r\n/);
    assert.match(r.raw, /\r\nx-ADDED-keyed: 2\r\n/);
  });

  it("a function busy on the CPU runs in its worker thread: other requests are answered meanwhile (issue 10: never on the edge's event loop)", async () => {
    const busy = get("/bad-vreq/spin", "--http1.1");
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    const other = await get("/vreq/while-busy", "--http2");
    const ms = performance.now() - started;
    assert.equal(other.status, 200);
    assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms while the other function spins for 1.5 s`);
    assert.equal((await busy).status, 200);
  });

  it("IncludeBody: a viewer that resets mid-upload fails nothing else: no half body reaches the origin, no internal error (§14.2)", async () => {
    const d = stack.distributions.app!;
    const socket = connect(stack.httpPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write(`POST /body/abort HTTP/1.1\r\nHost: ${d.domain}\r\nContent-Length: 100000\r\n\r\n${"x".repeat(10_000)}`);
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(asked("/base/body/abort"), 0, "the origin got no request from the broken upload");
    // The functions' own lines (`[name] … ERROR Invoke Error`) are the earlier failure tests'.
    const errors = (stack.log as MemoryLog).lines.filter((l) => l.level === "error" && !l.message.startsWith("["));
    assert.deepEqual(errors, []);
    const after = await get("/vreq/alive", "--http1.1");
    assert.equal(after.status, 200);
  });

  it("load: an unversioned ARN, $LATEST, environment variables, a Timeout over 5 s on a viewer trigger or over 30 s on an origin trigger, an unbound function are refused (§14.1, §14.5)", async () => {
    const refuse = async (edit: (c: ReturnType<typeof config>) => void, text: string) => {
      const c = config(origin.url);
      edit(c);
      await assert.rejects(startEdgeparity({ config: c, baseDir: FIXTURES }), (e: Error) => e.message.includes(text) || assert.fail(e.message));
    };
    const first = (c: ReturnType<typeof config>) => c.distributions.app.CacheBehaviors.Items[0]!.LambdaFunctionAssociations.Items[0]!;
    await refuse(
      (c) => void (first(c).LambdaFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:echo"),
      "The function ARN must reference a specific function version.",
    );
    await refuse(
      (c) => void (first(c).LambdaFunctionARN = "arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST"),
      "ARN: arn:aws:lambda:us-east-1:000000000000:function:echo:$LATEST",
    );
    await refuse(
      (c) => void ((c.local.functions.echo as Record<string, unknown>)["Environment"] = { Variables: { A: "1" } }),
      "InvalidLambdaFunctionAssociation: The function cannot have environment variables. Function: arn:aws:lambda:us-east-1:000000000000:function:echo:7",
    );
    await refuse(
      (c) => void ((c.local.functions.misbehave as Record<string, unknown>)["Timeout"] = 6),
      "The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: 6 Max allowed: 5",
    );
    await refuse(
      (c) => void ((c.local.functions.nowhere as Record<string, unknown>)["Timeout"] = 31),
      "The function timeout is larger than the maximum allowed for functions that are triggered by a CloudFront event: 31 Max allowed: 30",
    );
    await refuse((c) => void delete (c.local.functions as Record<string, unknown>)["nowhere"], "local.functions.nowhere.handler: Lambda@Edge function nowhere");
  });
});
