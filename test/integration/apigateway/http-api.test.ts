import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { b64json, HTTP_HOST, startApis, type ApiHarness } from "./api-harness.js";

const fnArn = (fn: string) => `arn:aws:lambda:us-east-1:123456789012:function:${fn}`;
const NAMED_HOST = "namedstage.execute-api.localhost";

describe("HTTP API: routes, stages, payload 2.0 and 1.0, errors (apigateway.md §1, §3, §5, §11, §12)", () => {
  let h: ApiHarness;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin((req, res, body) => {
      if (req.url?.startsWith("/base/hang")) return;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`${req.method} ${req.url} ${body.length}`);
    });
    h = await startApis({
      ids: { named: "namedstage" },
      httpApis: {
        app: {
          Routes: {
            "GET /pets/{id}": { Target: "integrations/echo" },
            "GET /pets/special": { Target: "integrations/echo" },
            "ANY /pets": { Target: "integrations/echo" },
            "GET /{proxy+}": { Target: "integrations/echo" },
            "ANY /reply": { Target: "integrations/reply" },
            "ANY /v1/{proxy+}": { Target: "integrations/v1" },
            "GET /fail": { Target: "integrations/fail" },
            "GET /slow": { Target: "integrations/slow" },
            $default: { Target: "integrations/backend" },
          },
          Integrations: {
            echo: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("echo"), PayloadFormatVersion: "2.0" },
            reply: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("reply"), PayloadFormatVersion: "2.0" },
            v1: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("echo"), PayloadFormatVersion: "1.0" },
            fail: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("fail"), PayloadFormatVersion: "2.0" },
            slow: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("slow"), PayloadFormatVersion: "2.0", TimeoutInMillis: 300 },
            backend: { IntegrationType: "HTTP_PROXY", IntegrationMethod: "ANY", IntegrationUri: `${origin.url}/base`, TimeoutInMillis: 300 },
          },
          Stages: { $default: { StageVariables: { color: "green" } }, dev: {} },
        },
        named: {
          Routes: { "GET /pets/{id}": { Target: "integrations/echo" } },
          Integrations: { echo: { IntegrationType: "AWS_PROXY", IntegrationUri: fnArn("echo"), PayloadFormatVersion: "2.0" } },
          Stages: { dev: {} },
        },
      },
    });
  });
  after(async () => {
    await h.close();
    await origin.close();
  });

  for (const v of VIEWER_VERSIONS) {
    it(`routes: exact route > {param} > greedy (method or ANY) > $default (apigateway.md §3) — HTTP/${v}`, async () => {
      const cases: [string, string, string][] = [
        ["GET", "/pets/special", "GET /pets/special"],
        ["GET", "/pets/7", "GET /pets/{id}"],
        ["GET", "/pets", "ANY /pets"],
        ["DELETE", "/pets", "ANY /pets"],
        ["GET", "/a/b", "GET /{proxy+}"],
      ];
      for (const [method, url, routeKey] of cases) {
        const r = await h.send(v, HTTP_HOST, url, { method });
        assert.equal(r.status, 200, `${method} ${url}`);
        assert.equal(r.json()["routeKey"], routeKey, `${method} ${url}`);
      }
      // DELETE /a/b matches no route: the $default route's HTTP integration gets the full path.
      const r = await h.send(v, HTTP_HOST, "/a/b?x=1", { method: "DELETE" });
      assert.equal(r.body.toString(), "DELETE /base/a/b?x=1 0");
    });

    it(`event 2.0: lower-case headers joined by commas, cookies, rawPath/rawQueryString, omitted parts, requestContext (apigateway.md §5) — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/pets/7?p1=v1&p1=v2&p2=a%20b", {
        headers: { "X-Multi": ["one", "two"], cookie: "a=1; b=2", "user-agent": "agent/2" },
      });
      const e = r.json();
      assert.equal(e["version"], "2.0");
      assert.equal(e["rawPath"], "/pets/7");
      assert.equal(e["rawQueryString"], "p1=v1&p1=v2&p2=a%20b");
      assert.deepEqual(e["queryStringParameters"], { p1: "v1,v2", p2: "a b" });
      assert.deepEqual(e["pathParameters"], { id: "7" });
      assert.deepEqual(e["stageVariables"], { color: "green" });
      assert.deepEqual(e["cookies"], ["a=1", "b=2"]);
      const headers = e["headers"] as Record<string, string>;
      assert.equal(headers["x-multi"], "one,two");
      assert.equal(headers["cookie"], undefined);
      assert.match(headers["x-amzn-trace-id"]!, /^Root=1-/);
      assert.ok(Object.keys(headers).every((k) => k === k.toLowerCase()));
      assert.equal("body" in e, false);
      assert.equal(e["isBase64Encoded"], false);
      assert.equal("multiValueHeaders" in e, false);
      const rc = e["requestContext"] as Record<string, unknown>;
      assert.equal(rc["stage"], "$default");
      assert.equal(rc["routeKey"], "GET /pets/{id}");
      assert.equal(rc["requestId"], r.headers["apigw-requestid"]);
      assert.deepEqual(rc["http"], {
        method: "GET",
        path: "/pets/7",
        protocol: v === "2" ? "HTTP/2.0" : "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "agent/2",
      });
      // No query, no variables: the keys are left out.
      const bare = (await h.send(v, HTTP_HOST, "/pets/special")).json();
      assert.equal("queryStringParameters" in bare, false);
      assert.equal("pathParameters" in bare, false);
      assert.equal("cookies" in bare, false);
    });

    for (const size of [0, 1024, 2 * 1024 * 1024])
      it(`event 2.0 body: ${size} B — text as a string, other types base64 (apigateway.md §5) — HTTP/${v}`, async () => {
        let e = (await h.send(v, HTTP_HOST, "/pets", { method: "POST", headers: { "content-type": "application/json" }, body: "a".repeat(size) })).json();
        assert.equal(e["body"], size ? "a".repeat(size) : undefined);
        assert.equal(e["isBase64Encoded"], false);
        const bin = Buffer.alloc(size, 7);
        e = (await h.send(v, HTTP_HOST, "/pets", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: bin })).json();
        assert.equal(e["body"], size ? bin.toString("base64") : undefined);
        assert.equal(e["isBase64Encoded"], size > 0);
      });

    it(`named stage: the stage selects by the first segment and stays in rawPath; no $default stage → 404 (apigateway.md §1, §5 [OBS]) — HTTP/${v}`, async () => {
      let e = (await h.send(v, HTTP_HOST, "/dev/pets/7")).json();
      assert.equal(e["rawPath"], "/dev/pets/7");
      assert.equal((e["requestContext"] as Record<string, unknown>)["stage"], "dev");
      assert.deepEqual(e["pathParameters"], { id: "7" });
      e = (await h.send(v, NAMED_HOST, "/dev/pets/1")).json();
      assert.equal(e["rawPath"], "/dev/pets/1");
      const r = await h.send(v, NAMED_HOST, "/pets/1");
      assert.equal(r.status, 404);
      assert.equal(r.body.toString(), '{"message":"Not Found"}');
    });

    it(`unknown route → 404 {"message":"Not Found"} with apigw-requestid, no x-amzn-ErrorType (apigateway.md §3, §11, §12) — HTTP/${v}`, async () => {
      const r = await h.send(v, NAMED_HOST, "/dev/nothing", { method: "POST", body: "x" });
      assert.equal(r.status, 404);
      assert.equal(r.body.toString(), '{"message":"Not Found"}');
      assert.equal(r.headers["content-type"], "application/json");
      assert.match(String(r.headers["apigw-requestid"]), /^[A-Za-z0-9+/]{15}=$/);
      assert.equal(r.headers["x-amzn-errortype"], undefined);
      assert.equal(r.headers["x-amzn-requestid"], undefined);
    });

    it(`response 2.0: a value without statusCode is a 200 JSON body; statusCode responses with cookies and base64 (apigateway.md §5; re:Post "status codes returned by HTTP APIs") — HTTP/${v}`, async () => {
      const ask = (ret: unknown) => h.send(v, HTTP_HOST, "/reply", { headers: { "x-return": b64json(ret) } });
      let r = await ask({ message: "hi" });
      assert.equal(r.status, 200);
      assert.equal(r.headers["content-type"], "application/json");
      assert.equal(r.body.toString(), '{"message":"hi"}');
      r = await ask("plain");
      assert.equal(r.status, 200);
      assert.equal(r.body.toString(), '"plain"');
      r = await ask({ statusCode: 201, headers: { "x-a": "1" }, cookies: ["c1=1; Path=/", "c2=2"], body: "made" });
      assert.equal(r.status, 201);
      assert.equal(r.headers["x-a"], "1");
      assert.deepEqual(r.headers["set-cookie"], ["c1=1; Path=/", "c2=2"]);
      assert.equal(r.body.toString(), "made");
      r = await ask({ statusCode: 200, isBase64Encoded: true, body: Buffer.from([9, 8, 7]).toString("base64") });
      assert.deepEqual([...r.body], [9, 8, 7]);
      r = await ask({ statusCode: "nope" });
      assert.equal(r.status, 500);
      assert.equal(r.body.toString(), '{"message":"Internal Server Error"}');
      r = await h.send(v, HTTP_HOST, "/fail");
      assert.equal(r.status, 500);
      assert.equal(r.body.toString(), '{"message":"Internal Server Error"}');
    });

    it(`payload 1.0 on an HTTP API: version 1.0, multiValue maps, nulls (apigateway.md §4, §5) — HTTP/${v}`, async () => {
      const e = (await h.send(v, HTTP_HOST, "/v1/x/y?a=1&a=2")).json();
      assert.equal(e["version"], "1.0");
      assert.equal(e["resource"], "/v1/{proxy+}");
      assert.equal(e["path"], "/v1/x/y");
      assert.deepEqual(e["pathParameters"], { proxy: "x/y" });
      assert.deepEqual(e["multiValueQueryStringParameters"], { a: ["1", "2"] });
      assert.equal(e["body"], null);
      assert.equal((e["requestContext"] as Record<string, unknown>)["stage"], "$default");
    });

    it(`integration timeout → 503 {"message":"Service Unavailable"} (apigateway.md §7, Choice) — HTTP/${v}`, async () => {
      for (const url of ["/slow", "/hang"]) {
        const r = await h.send(v, HTTP_HOST, url, { method: url === "/hang" ? "POST" : "GET" });
        assert.equal(r.status, 503, url);
        assert.equal(r.body.toString(), '{"message":"Service Unavailable"}');
      }
    });
  }
});
