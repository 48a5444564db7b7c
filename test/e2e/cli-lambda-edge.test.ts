import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * The real CLI (`edgeparity up`, a child process) with Lambda@Edge on all four triggers, run by
 * handler files written for this project (test/fixtures/lambda-edge): a viewer-request redirect,
 * an origin-request that picks the origin by a header and reads the body, an origin-response that
 * adds headers before caching, a viewer-response on hits and misses, a viewer-request reading the
 * body (IncludeBody), and a function that runs past its 1 s Timeout. curl on HTTP/1.1 and HTTP/2,
 * bodies of 0 B, 1 KB and 2 MiB (cloudfront.md §14).
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/lambda-edge/", import.meta.url));
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`;

const stack = (alpha: string, beta: string) => `
cachePolicies:
  by-backend:
    Name: by-backend
    MinTTL: 0
    DefaultTTL: 60
    MaxTTL: 300
    ParametersInCacheKeyAndForwardedToOrigin:
      EnableAcceptEncodingGzip: false
      EnableAcceptEncodingBrotli: false
      HeadersConfig: { HeaderBehavior: whitelist, Headers: { Quantity: 1, Items: [x-backend] } }
      CookiesConfig: { CookieBehavior: none }
      QueryStringsConfig: { QueryStringBehavior: none }
distributions:
  web:
    Origins:
      Items:
        - Id: alpha
          DomainName: alpha.example.com
          CustomOriginConfig: { OriginProtocolPolicy: http-only }
    CacheBehaviors:
      Items:
        - PathPattern: /api/*
          TargetOriginId: alpha
          ViewerProtocolPolicy: allow-all
          CachePolicyId: by-backend
          AllowedMethods: { Quantity: 7, Items: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE] }
          LambdaFunctionAssociations:
            Quantity: 2
            Items:
              - { EventType: origin-request, LambdaFunctionARN: "${arn("pick-origin")}", IncludeBody: true }
              - { EventType: origin-response, LambdaFunctionARN: "${arn("add-headers")}" }
        - PathPattern: /inspect
          TargetOriginId: alpha
          ViewerProtocolPolicy: allow-all
          CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
          AllowedMethods: { Quantity: 7, Items: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE] }
          LambdaFunctionAssociations:
            Items:
              - { EventType: viewer-request, LambdaFunctionARN: "${arn("inspect-body")}", IncludeBody: true }
        - PathPattern: /slow
          TargetOriginId: alpha
          ViewerProtocolPolicy: allow-all
          CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
          LambdaFunctionAssociations:
            Items:
              - { EventType: viewer-request, LambdaFunctionARN: "${arn("misbehave")}" }
    DefaultCacheBehavior:
      TargetOriginId: alpha
      ViewerProtocolPolicy: allow-all
      CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
      LambdaFunctionAssociations:
        Items:
          - { EventType: viewer-request, LambdaFunctionARN: "${arn("redirect")}" }
          - { EventType: viewer-response, LambdaFunctionARN: "${arn("viewer-response")}" }
local:
  origins:
    alpha.example.com: ${alpha}
    beta.example.com: ${beta}
  functions:
    pick-origin: { handler: pick-origin.mjs }
    add-headers: { handler: add-headers.mjs }
    inspect-body: { handler: inspect-body.mjs }
    redirect: { handler: redirect.mjs }
    viewer-response: { handler: viewer-response.mjs }
    misbehave: { handler: misbehave.mjs, Timeout: 1 }
`;

/** An origin that says who it is and what it received. */
function echoOrigin(name: string) {
  return (req: { url?: string; headers: Record<string, string | string[] | undefined> }, res: import("node:http").ServerResponse, body: Buffer) => {
    res.writeHead(200, {
      "content-type": "text/plain",
      "cache-control": "max-age=60",
      "x-origin": name,
      "x-got-url": req.url ?? "",
      "x-got-host": String(req.headers.host),
      "x-got-picked-by": String(req.headers["x-picked-by"] ?? "-"),
      "x-got-body-length": String(body.length),
      "x-got-body-sha256": createHash("sha256").update(body).digest("hex"),
      "x-got-body-seen": String(req.headers["x-body-seen"] ?? "-"),
      "x-got-body-truncated": String(req.headers["x-body-truncated"] ?? "-"),
    });
    res.end(`${name} ${req.url}`);
  };
}

describe("e2e: edgeparity up — Lambda@Edge on the four triggers, over curl (cloudfront.md §14)", () => {
  let work: string;
  let s: CliSession;
  let alpha: OriginServer;
  let beta: OriginServer;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  let url: (path: string) => string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-ledge-"));
    for (const f of ["pick-origin.mjs", "add-headers.mjs", "inspect-body.mjs", "redirect.mjs", "viewer-response.mjs", "misbehave.mjs"])
      await copyFile(join(FIXTURES, f), join(work, f));
    alpha = await startOrigin(echoOrigin("alpha"));
    beta = await startOrigin(echoOrigin("beta"));
    await writeFile(join(work, "stack.yaml"), stack(alpha.url, beta.url));
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    url = (path) => new URL(path, s.distribution("web").url).href;
  });
  after(async () => {
    await s?.stop();
    await alpha?.close();
    await beta?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A complete 200 to a POST of the file's bytes. */
  const postOk = async (path: string, bodyFile: string, http: (typeof HTTP_VERSIONS)[number]) => {
    const r = await curlExchange({ url: url(path), method: "POST", http, cacert: s.caPath, bodyFile, headers: ["content-type: application/octet-stream"] });
    assert.equal(r.status, 200, describeResult(r));
    assertComplete(r);
    return r;
  };

  for (const http of HTTP_VERSIONS) {
    it(`viewer-request answers a redirect itself: 301, LambdaGeneratedResponse, no origin, no viewer-response (§14.1, §14.3, §1.3) [HTTP/${http}]`, async () => {
      const before = alpha.requests.length;
      const r = await curlExchange({ url: url(`/old/page-${http}?x=1`), method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 301, describeResult(r));
      assertComplete(r);
      assert.equal(r.httpVersion, http);
      assert.equal(r.headers.location, `/new/page-${http}?x=1`);
      assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
      assert.equal(r.headers.server, "CloudFront");
      assert.equal(r.headers["cache-control"], "max-age=3600", "the function's own headers");
      assert.equal(r.headers["x-viewer-response"], undefined, "viewer-response does not run for a viewer-request answer");
      assert.equal(alpha.requests.length, before, "the origin was not asked");
    });

    it(`viewer-response runs on the miss and on the hit; the request the redirect function passes reaches the origin (§14.1) [HTTP/${http}]`, async () => {
      const path = `/page-${http}.html`;
      const miss = await curlExchange({ url: url(path), method: "GET", http, cacert: s.caPath });
      assert.equal(miss.status, 200, describeResult(miss));
      assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
      assert.equal(miss.headers["x-viewer-response"], "viewer-response");
      const hit = await curlExchange({ url: url(path), method: "GET", http, cacert: s.caPath });
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront", describeResult(hit));
      assert.equal(hit.headers["x-viewer-response"], "viewer-response");
      assert.equal(hit.body.toString(), `alpha ${path}`);
    });

    it(`origin-request picks the origin by a header: x-backend beta → beta origin, its path, Host and custom header (§10.7) [HTTP/${http}]`, async () => {
      const toBeta = await curlExchange({ url: url(`/api/item-${http}`), method: "GET", http, cacert: s.caPath, headers: ["x-backend: beta"] });
      assert.equal(toBeta.status, 200, describeResult(toBeta));
      assertComplete(toBeta);
      assert.equal(toBeta.headers["x-origin"], "beta");
      assert.equal(toBeta.headers["x-got-url"], `/beta/api/item-${http}`);
      assert.equal(toBeta.headers["x-got-host"], "beta.example.com");
      assert.equal(toBeta.headers["x-got-picked-by"], "origin-request");
      const toAlpha = await curlExchange({ url: url(`/api/item-${http}`), method: "GET", http, cacert: s.caPath });
      assert.equal(toAlpha.headers["x-origin"], "alpha", describeResult(toAlpha));
      assert.equal(toAlpha.headers["x-got-url"], `/api/item-${http}`);
      assert.equal(toAlpha.headers["x-got-host"], "alpha.example.com");
      assert.equal(toAlpha.headers["x-got-picked-by"], "-");
    });

    it(`origin-response adds headers before caching: the hit carries them and the function is not run again (§14.1, §1.3) [HTTP/${http}]`, async () => {
      const path = `/api/cached-${http}`;
      const miss = await curlExchange({ url: url(path), method: "GET", http, cacert: s.caPath });
      assert.equal(miss.status, 200, describeResult(miss));
      assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
      assert.equal(miss.headers["strict-transport-security"], "max-age=63072000; includeSubDomains");
      assert.equal(miss.headers["x-content-type-options"], "nosniff");
      const count = miss.headers["x-origin-response-count"];
      assert.ok(count, "the origin-response function set its counter");
      const hit = await curlExchange({ url: url(path), method: "GET", http, cacert: s.caPath });
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront", describeResult(hit));
      assert.equal(hit.headers["strict-transport-security"], "max-age=63072000; includeSubDomains");
      assert.equal(hit.headers["x-origin-response-count"], count, "the cached headers, not a new invocation");
    });

    for (const size of BODY_SIZES) {
      it(`IncludeBody on origin-request: POST ${size} — the function sees up to 1 MB (inputTruncated beyond), the origin gets all of it (§14.2, §14.5) [HTTP/${http}]`, async () => {
        const b = bodies[size];
        const r = await postOk("/api/upload", b.path, http);
        assert.equal(r.headers["x-got-body-length"], String(b.bytes.length));
        assert.equal(r.headers["x-got-body-sha256"], sha256(b.bytes));
        assert.equal(r.headers["x-got-body-seen"], String(Math.min(b.bytes.length, 1024 * 1024)));
        assert.equal(r.headers["x-got-body-truncated"], String(b.bytes.length > 1024 * 1024));
      });

      it(`IncludeBody on viewer-request: POST ${size} — the function sees up to 40 KB and answers; the upload ends cleanly (§14.2, §14.5) [HTTP/${http}]`, async () => {
        const b = bodies[size];
        const r = await postOk("/inspect", b.path, http);
        assert.equal(r.headers["x-cache"], "LambdaGeneratedResponse from cloudfront");
        const seen = JSON.parse(r.body.toString()) as Record<string, unknown>;
        const shown = b.bytes.subarray(0, 40 * 1024);
        assert.deepEqual(seen, {
          method: "POST",
          inputTruncated: b.bytes.length > 40 * 1024,
          action: "read-only",
          encoding: "base64",
          length: shown.length,
          sha256: sha256(shown),
        });
        await s.assertAlive(`after POST ${size} to /inspect`, url("/alive.html"));
      });
    }

    it(`a function that runs past its Timeout (1 s) fails the request with a 503 LambdaLimitExceeded page (§14.5, §14.6) [HTTP/${http}]`, async () => {
      const r = await curlExchange({ url: url("/slow"), method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 503, describeResult(r));
      assertComplete(r);
      assert.equal(r.headers["x-cache"], "Error from cloudfront");
      assert.equal(r.headers.server, "CloudFront");
      assert.match(r.body.toString(), /<H1>503 ERROR<\/H1>/);
      assert.match(r.body.toString(), /The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions\./);
    });
  }
});
