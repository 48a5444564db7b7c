import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { b64json, lambdaProxy, REST_HOST, startApis, type ApiHarness } from "./api-harness.js";

const STRICT_HOST = "strictapi1.execute-api.localhost";
const MOCK = {
  Integration: {
    Type: "MOCK",
    RequestTemplates: { "application/json": '{"statusCode": 200}' },
    IntegrationResponses: [
      {
        StatusCode: "200",
        ResponseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" },
        ResponseTemplates: { "application/json": '{"mocked":true}' },
      },
    ],
  },
};

describe("REST API: resources, payload 1.0, response contract, gateway errors (apigateway.md §2, §4, §11, §12)", () => {
  let h: ApiHarness;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((req, res, body) => {
      if (req.url?.startsWith("/up/hang")) return;
      res.writeHead(201, { "content-type": "text/plain", server: "backend", "x-backend": "yes" });
      res.end(`${req.method} ${req.url} ${body.length}`);
    });
    h = await startApis({
      ids: { strict: "strictapi1" },
      restApis: {
        api: {
          BinaryMediaTypes: ["image/png"],
          Resources: {
            "/": { Methods: { GET: lambdaProxy("echo") } },
            "/pets": { Methods: { GET: lambdaProxy("echo"), POST: lambdaProxy("echo") } },
            "/pets/{id}": { Methods: { GET: lambdaProxy("echo") } },
            "/pets/special": { Methods: { GET: lambdaProxy("echo") } },
            "/{proxy+}": { Methods: { ANY: lambdaProxy("echo") } },
            "/reply": { Methods: { ANY: lambdaProxy("reply") } },
            "/fail": { Methods: { GET: lambdaProxy("fail") } },
            "/slow": { Methods: { GET: lambdaProxy("slow", { TimeoutInMillis: 300 }) } },
            "/mock": { Methods: { GET: MOCK } },
            "/backend/{proxy+}": {
              Methods: { ANY: { Integration: { Type: "HTTP_PROXY", IntegrationHttpMethod: "ANY", Uri: `${origin.url}/up/{proxy}`, TimeoutInMillis: 300 } } },
            },
            "/down": { Methods: { GET: { Integration: { Type: "HTTP_PROXY", IntegrationHttpMethod: "GET", Uri: "http://127.0.0.1:9/" } } } },
          },
          Stages: { prod: { Variables: { color: "blue" } } },
        },
        strict: {
          Resources: { "/pets": { Methods: { GET: lambdaProxy("echo") } } },
          Stages: { prod: {} },
        },
      },
    });
  });
  after(async () => {
    await h.close();
    await origin.close();
  });

  for (const v of VIEWER_VERSIONS) {
    it(`routing: literal > {param} > {proxy+}; / needs its own resource (apigateway.md §2) — HTTP/${v}`, async () => {
      const cases: [string, string, Record<string, string> | null][] = [
        ["/prod/pets/special", "/pets/special", null],
        ["/prod/pets/42", "/pets/{id}", { id: "42" }],
        ["/prod/pets", "/pets", null],
        ["/prod/a/b/c", "/{proxy+}", { proxy: "a/b/c" }],
        ["/prod", "/", null],
        ["/prod/", "/", null],
      ];
      for (const [url, resource, params] of cases) {
        const r = await h.send(v, REST_HOST, url);
        assert.equal(r.status, 200, url);
        const e = r.json();
        assert.equal(e["resource"], resource, url);
        assert.deepEqual(e["pathParameters"], params, url);
      }
    });

    it(`routing: trailing slash kept in path, not in the greedy value; // kept; path not decoded (apigateway.md §2 [aws-snap]) — HTTP/${v}`, async () => {
      let e = (await h.send(v, REST_HOST, "/prod/proxy-value/")).json();
      assert.equal(e["path"], "/proxy-value/");
      assert.deepEqual(e["pathParameters"], { proxy: "proxy-value" });
      e = (await h.send(v, REST_HOST, "/prod/a//b")).json();
      assert.deepEqual(e["pathParameters"], { proxy: "a//b" });
      e = (await h.send(v, REST_HOST, "/prod/test%2Balias@gmail.com")).json();
      assert.equal(e["path"], "/test%2Balias@gmail.com");
      assert.deepEqual(e["pathParameters"], { proxy: "test%2Balias@gmail.com" });
    });

    it(`event 1.0: stage, nulls, query decoded, last value wins + multiValue maps, requestContext (apigateway.md §4) — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/pets?q=a+b&q=%2B1&single=x", { headers: { "x-multi": ["one", "two"], "user-agent": "ua/1" } });
      const e = r.json();
      assert.equal(e["httpMethod"], "GET");
      assert.equal(e["path"], "/pets");
      assert.deepEqual(e["queryStringParameters"], { q: "+1", single: "x" });
      assert.deepEqual(e["multiValueQueryStringParameters"], { q: ["a b", "+1"], single: ["x"] });
      assert.equal((e["headers"] as Record<string, string>)["x-multi"], "two");
      assert.deepEqual((e["multiValueHeaders"] as Record<string, string[]>)["x-multi"], ["one", "two"]);
      assert.deepEqual(e["stageVariables"], { color: "blue" });
      assert.equal(e["body"], null);
      assert.equal(e["isBase64Encoded"], false);
      const headers = e["headers"] as Record<string, string>;
      assert.match(headers["X-Amzn-Trace-Id"]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      assert.equal(headers["X-Forwarded-Proto"], v === "2" ? "https" : "http");
      assert.equal(headers["X-Forwarded-For"], "127.0.0.1");
      const rc = e["requestContext"] as Record<string, unknown>;
      assert.equal(rc["stage"], "prod");
      assert.equal(rc["path"], "/prod/pets");
      assert.equal(rc["resourcePath"], "/pets");
      assert.equal(rc["apiId"], "restapi001");
      assert.equal(rc["domainName"], REST_HOST);
      assert.equal(rc["protocol"], v === "2" ? "HTTP/2.0" : "HTTP/1.1");
      assert.equal(rc["requestId"], r.headers["x-amzn-requestid"]);
      assert.equal(rc["extendedRequestId"], r.headers["x-amz-apigw-id"]);
      assert.match(rc["requestTime"] as string, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
      const identity = rc["identity"] as Record<string, unknown>;
      assert.equal(identity["sourceIp"], "127.0.0.1");
      assert.equal(identity["userAgent"], "ua/1");
      assert.equal(identity["cognitoIdentityId"], null);
      // Lambda integrations answer with the trace header (apigateway.md §12).
      assert.equal(r.headers["x-amzn-trace-id"], headers["X-Amzn-Trace-Id"]);
      // Absent pieces are null: no query, no path variables.
      const bare = (await h.send(v, REST_HOST, "/prod/pets/special")).json();
      assert.equal(bare["queryStringParameters"], null);
      assert.equal(bare["multiValueQueryStringParameters"], null);
    });

    for (const size of [0, 1024, 2 * 1024 * 1024])
      it(`event 1.0 body: ${size} B text stays a string; a BinaryMediaTypes body is base64 (apigateway.md §4) — HTTP/${v}`, async () => {
        const text = "x".repeat(size);
        let e = (await h.send(v, REST_HOST, "/prod/pets", { method: "POST", headers: { "content-type": "text/plain" }, body: text })).json();
        assert.equal(e["body"], size === 0 ? null : text);
        assert.equal(e["isBase64Encoded"], false);
        const bin = Buffer.alloc(size, 0xfe);
        e = (await h.send(v, REST_HOST, "/prod/pets", { method: "POST", headers: { "content-type": "image/png" }, body: bin })).json();
        assert.equal(e["body"], size === 0 ? null : bin.toString("base64"));
        assert.equal(e["isBase64Encoded"], size > 0);
      });

    it(`header casing: REST 1.0 keeps the client's casing (apigateway.md §4) — HTTP/${v}`, async () => {
      const e = (await h.send(v, REST_HOST, "/prod/pets", { headers: { "tEsT-HEADeR": "aValUE" } })).json();
      const headers = e["headers"] as Record<string, string>;
      // HTTP/2 carries lower-case names on the wire (RFC 9113 §8.2.1).
      assert.equal(headers[v === "2" ? "test-header" : "tEsT-HEADeR"], "aValUE");
    });

    it(`response 1.0: statusCode defaults, numeric strings, merged headers, remapped headers, default content type (apigateway.md §4.1 [aws-snap]) — HTTP/${v}`, async () => {
      const ask = (ret: unknown, headers: Record<string, string> = {}) =>
        h.send(v, REST_HOST, "/prod/reply", { headers: { "x-return": b64json(ret), ...headers } });
      let r = await ask({ statusCode: 200 });
      assert.equal(r.status, 200);
      assert.equal(r.body.length, 0);
      assert.equal(r.headers["content-type"], "application/json");
      r = await ask({ headers: { "x-a": "1" } });
      assert.equal(r.status, 200);
      assert.equal(r.headers["x-a"], "1");
      r = await ask({ statusCode: "201", body: "made" });
      assert.equal(r.status, 201);
      assert.equal(r.body.toString(), "made");
      r = await ask({ statusCode: 200, headers: { flag: true, "x-h": "value-solo" }, multiValueHeaders: { "X-H": ["value-multi"] } });
      assert.equal(r.headers["flag"], "true");
      assert.equal(r.headers["x-h"], "value-multi, value-solo");
      r = await ask({ statusCode: 200, headers: null, body: "ok" });
      assert.equal(r.status, 200);
      r = await ask({ statusCode: 200, headers: { server: "fn", date: "then", "content-type": "text/plain" }, body: "ok" });
      assert.equal(r.headers["x-amzn-remapped-server"], "fn");
      assert.equal(r.headers["x-amzn-remapped-date"], "then");
      assert.equal(r.headers["content-type"], "text/plain");
      assert.notEqual(r.headers["server"], "fn");
    });

    it(`response 1.0: {}, unknown keys, non-objects, bad statusCode, body objects, non-array multiValueHeaders, function errors → 502 {"message": "Internal server error"} (apigateway.md §4.1) — HTTP/${v}`, async () => {
      const bad: unknown[] = [
        {},
        { statusCode: 200, wrongValue: "x" },
        "justAString",
        42,
        { statusCode: "test" },
        { statusCode: 200, body: { a: 1 } },
        { statusCode: 200, multiValueHeaders: { a: "b" } },
      ];
      for (const ret of bad) {
        const r = await h.send(v, REST_HOST, "/prod/reply", { headers: { "x-return": b64json(ret) } });
        assert.equal(r.status, 502, JSON.stringify(ret));
        assert.equal(r.body.toString(), '{"message": "Internal server error"}');
        assert.equal(r.headers["x-amzn-errortype"], "InternalServerErrorException");
        assert.equal(r.headers["content-type"], "application/json");
      }
      const r = await h.send(v, REST_HOST, "/prod/fail");
      assert.equal(r.status, 502);
      assert.equal(r.body.toString(), '{"message": "Internal server error"}');
    });

    it(`response 1.0: isBase64Encoded is decoded only when the first Accept type is a binary media type (apigateway.md §4.1 [aws-snap]) — HTTP/${v}`, async () => {
      const ret = { statusCode: 200, isBase64Encoded: true, headers: { "content-type": "image/png" }, body: Buffer.from([0, 1, 2, 255]).toString("base64") };
      let r = await h.send(v, REST_HOST, "/prod/reply", { headers: { "x-return": b64json(ret), accept: "image/png, */*" } });
      assert.deepEqual([...r.body], [0, 1, 2, 255]);
      r = await h.send(v, REST_HOST, "/prod/reply", { headers: { "x-return": b64json(ret), accept: "text/html, image/png" } });
      assert.equal(r.body.toString(), "AAEC/w==");
    });

    it(`gateway errors: no resource / no method → 403 Missing Authentication Token; Bearer → IncompleteSignatureException; unknown stage → 403 Forbidden (apigateway.md §2, §11) — HTTP/${v}`, async () => {
      for (const [method, url] of [
        ["GET", "/prod/nothing"],
        ["DELETE", "/prod/pets"],
        ["GET", "/prod/pets/1"],
      ] as const) {
        const r = await h.send(v, STRICT_HOST, url, { method });
        assert.equal(r.status, 403, url);
        assert.equal(r.body.toString(), '{"message":"Missing Authentication Token"}');
        assert.equal(r.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
        assert.equal(r.headers["content-type"], "application/json");
        assert.match(String(r.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
        assert.match(String(r.headers["x-amz-apigw-id"]), /^[A-Za-z0-9+/]{15}=$/);
        assert.equal(r.headers["x-amzn-trace-id"], undefined);
      }
      const auth = "Bearer abc.def";
      let r = await h.send(v, STRICT_HOST, "/prod/nothing", { headers: { authorization: auth } });
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-amzn-errortype"], "IncompleteSignatureException");
      const hash = createHash("sha256").update(auth).digest("base64");
      assert.equal(
        r.body.toString(),
        JSON.stringify({
          message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hash}'.`,
        }),
      );
      r = await h.send(v, STRICT_HOST, "/dev/pets");
      assert.equal(r.status, 403);
      assert.equal(r.body.toString(), '{"message":"Forbidden"}');
      r = await h.send(v, STRICT_HOST, "/");
      assert.equal(r.status, 403);
    });

    it(`mock integration: the integration response's status, static header and template (apigateway.md §9.2) — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/mock");
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), '{"mocked":true}');
      assert.equal(r.headers["access-control-allow-origin"], "*");
      assert.equal(r.headers["content-type"], "application/json");
    });

    it(`HTTP proxy: method, {proxy} filled in, query and body passed, backend headers remapped (apigateway.md §6, §4.1) — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/backend/a/b?x=1", { method: "PUT", body: "hello" });
      assert.equal(r.status, 201);
      assert.equal(r.body.toString(), "PUT /up/a/b?x=1 5");
      assert.equal(r.headers["x-backend"], "yes");
      assert.equal(r.headers["x-amzn-remapped-server"], "backend");
      const seen = origin.requests[origin.requests.length - 1]!;
      assert.equal(seen.headers["host"], `127.0.0.1:${origin.port}`);
      assert.match(String(seen.headers["x-amzn-trace-id"]), /^Root=1-/);
      assert.equal(seen.headers["x-forwarded-proto"], v === "2" ? "https" : "http");
    });

    it(`integration timeout → 504 {"message": "Endpoint request timed out"}; unreachable backend → 502 (apigateway.md §6, §7) — HTTP/${v}`, async () => {
      for (const url of ["/prod/slow", "/prod/backend/hang"]) {
        const r = await h.send(v, REST_HOST, url);
        assert.equal(r.status, 504, url);
        assert.equal(r.body.toString(), '{"message": "Endpoint request timed out"}');
        assert.ok(r.ms < 2500, `answered at the 300 ms integration timeout, not the function's end (${r.ms} ms)`);
      }
      const r = await h.send(v, REST_HOST, "/prod/down");
      assert.equal(r.status, 502);
      assert.equal(r.body.toString(), '{"message": "Network error communicating with endpoint"}');
    });

    it(`payload limit: a body over 10 MB → 413 "HTTP content length exceeded 10485760 bytes." (apigateway.md §7) — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/pets", { method: "POST", body: Buffer.alloc(10_485_761, 0x61), timeoutMs: 30_000 });
      assert.equal(r.status, 413);
      assert.equal(r.body.toString(), "HTTP content length exceeded 10485760 bytes.");
      const chunked = await h.send(v, REST_HOST, "/prod/pets", { method: "POST", body: Buffer.alloc(10_485_761, 0x61), chunked: true, timeoutMs: 30_000 });
      assert.equal(chunked.status, 413);
    });
  }
});
