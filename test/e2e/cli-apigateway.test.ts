import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";

/**
 * The real CLI (`edgeparity up`, a child process) with one app behind CloudFront twice: as a REST
 * API (`/{proxy+}` ANY, Lambda proxy, stage from OriginPath /prod) and as an HTTP API ($default
 * stage, payload 2.0). The handler returns the event it received; curl speaks HTTP/1.1 and HTTP/2
 * with bodies of 0 B, 1 KB and 2 MiB (apigateway.md §1, §2, §4, §5).
 */
const STACK = `
restApis:
  app:
    # Without it, REST APIs pass a binary body as UTF-8 text (apigateway.md §4).
    BinaryMediaTypes: [application/octet-stream]
    Resources:
      /{proxy+}:
        Methods:
          ANY:
            Integration:
              Type: AWS_PROXY
              IntegrationHttpMethod: POST
              Uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:app/invocations
    Stages:
      prod: {}
httpApis:
  app:
    Routes:
      ANY /{proxy+}:
        Target: integrations/app
    Integrations:
      app:
        IntegrationType: AWS_PROXY
        IntegrationUri: arn:aws:lambda:us-east-1:123456789012:function:app
        PayloadFormatVersion: "2.0"
    Stages:
      $default: {}
distributions:
  rest:
    Origins:
      Items:
        - Id: api
          DomainName: restapp001.execute-api.us-east-1.amazonaws.com
          OriginPath: /prod
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: https-only }
    # CachingDisabled + AllViewerExceptHostHeader (execute-api must see its own Host, apigateway.md §12).
    DefaultCacheBehavior: &behavior
      TargetOriginId: api
      ViewerProtocolPolicy: allow-all
      CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
      OriginRequestPolicyId: b689b0a8-53d0-40ab-baf2-68738e2966ac
      AllowedMethods: { Quantity: 7, Items: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE] }
  http:
    Origins:
      Items:
        - Id: api
          DomainName: httpapp001.execute-api.us-east-1.amazonaws.com
          CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: https-only }
    DefaultCacheBehavior: *behavior
local:
  functions:
    app:
      handler: app.mjs
  restApis:
    app: { apiId: restapp001 }
  httpApis:
    app: { apiId: httpapp001 }
`;
const HANDLER = `import { createHash } from "node:crypto";
export const handler = async (event) => {
  const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const bodySha256 = createHash("sha256").update(bytes).digest("hex");
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ ...event, bodyLength: bytes.length, bodySha256 }) };
};
`;

describe("e2e: edgeparity up — CloudFront → API Gateway (REST {proxy+} and HTTP API) → Lambda, over curl", () => {
  let work: string;
  let s: CliSession;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-apigw-"));
    await writeFile(join(work, "stack.yaml"), STACK);
    await writeFile(join(work, "app.mjs"), HANDLER);
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const http of HTTP_VERSIONS) {
    it(`REST API: GET /mypath → resource /{proxy+}, path /mypath, httpMethod GET (apigateway.md §2, §4) [HTTP/${http}]`, async () => {
      const r = await curlExchange({ url: new URL("/mypath?a=1", s.distribution("rest").url).href, method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 200, describeResult(r));
      assertComplete(r);
      assert.equal(r.httpVersion, http);
      const text = r.body.toString();
      assert.ok(text.includes('"resource":"/{proxy+}","path":"/mypath","httpMethod":"GET"'), text.slice(0, 400));
      const e = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(e["queryStringParameters"], { a: "1" });
      assert.equal((e["requestContext"] as Record<string, unknown>)["stage"], "prod");
      assert.ok(r.headers["x-amzn-requestid"]);
    });

    it(`HTTP API: GET /mypath → payload 2.0, routeKey ANY /{proxy+}, rawPath /mypath (apigateway.md §3, §5) [HTTP/${http}]`, async () => {
      const r = await curlExchange({ url: new URL("/mypath?a=1", s.distribution("http").url).href, method: "GET", http, cacert: s.caPath });
      assert.equal(r.status, 200, describeResult(r));
      assertComplete(r);
      const e = JSON.parse(r.body.toString()) as Record<string, unknown>;
      assert.equal(e["version"], "2.0");
      assert.equal(e["routeKey"], "ANY /{proxy+}");
      assert.equal(e["rawPath"], "/mypath");
      assert.equal(e["rawQueryString"], "a=1");
      assert.ok(r.headers["apigw-requestid"]);
    });

    for (const size of BODY_SIZES)
      for (const api of ["rest", "http"] as const)
        it(`${api === "rest" ? "REST API" : "HTTP API"}: POST ${size} reaches the function whole (apigateway.md §4, §5, §7) [HTTP/${http}]`, async () => {
          const r = await curlExchange({
            url: new URL("/upload", s.distribution(api).url).href,
            method: "POST",
            http,
            cacert: s.caPath,
            bodyFile: bodies[size].path,
            headers: ["content-type: application/octet-stream"],
          });
          assert.equal(r.status, 200, describeResult(r));
          assertComplete(r);
          const e = JSON.parse(r.body.toString()) as Record<string, unknown>;
          assert.equal(e["bodyLength"], bodies[size].bytes.length);
          assert.equal(e["bodySha256"], sha256(bodies[size].bytes));
          await s.assertAlive(`after POST ${size} to the ${api} API`, new URL("/alive", s.distribution(api).url).href);
        });
  }
});
