import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LOCAL_ACCOUNT_ID } from "../../../src/core/account.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { FUNCTIONS, invocationArn, lambdaProxy, REST_HOST, REST_ID, startApis, type ApiHarness } from "./api-harness.js";

const custom = (authorizerId: string, method = lambdaProxy("echo")) => ({ ...method, AuthorizationType: "CUSTOM", AuthorizerId: authorizerId });
const ARN = `arn:aws:execute-api:us-east-1:${LOCAL_ACCOUNT_ID}:${REST_ID}`;

describe("REST Lambda authorizers: TOKEN and REQUEST (apigateway.md §10.1, §11)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      restApis: {
        api: {
          Authorizers: {
            tok: { Name: "tok", Type: "TOKEN", AuthorizerUri: invocationArn("token"), IdentitySource: "method.request.header.Authorization" },
            tok0: { Type: "TOKEN", AuthorizerUri: invocationArn("token"), IdentitySource: "method.request.header.X-Token", AuthorizerResultTtlInSeconds: 0 },
            checked: {
              Type: "TOKEN",
              AuthorizerUri: invocationArn("token"),
              IdentitySource: "method.request.header.Authorization",
              IdentityValidationExpression: "[a-z-]+",
            },
            req: {
              Type: "REQUEST",
              AuthorizerUri: invocationArn("request"),
              IdentitySource: "method.request.header.X-User, method.request.querystring.tenant, stageVariables.realm",
              AuthorizerResultTtlInSeconds: 60,
            },
          },
          Resources: {
            "/pets": { Methods: { GET: custom("tok"), POST: custom("tok") } },
            "/pets/{id}": { Methods: { GET: custom("tok") } },
            "/nocache": { Methods: { GET: custom("tok0") } },
            "/checked": { Methods: { GET: custom("checked") } },
            "/req/{id}": { Methods: { GET: custom("req") } },
          },
          Stages: { prod: { Variables: { realm: "blue" } } },
        },
      },
      extra: {
        local: {
          functions: { ...FUNCTIONS, token: { handler: "authorizers.mjs", export: "token" }, request: { handler: "authorizers.mjs", export: "request" } },
        },
      },
    });
  });
  after(() => h.close());

  const authContext = (r: { json: () => Record<string, unknown> }) =>
    (r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as Record<string, string | number>;

  for (const v of VIEWER_VERSIONS) {
    it(`TOKEN: the event is {type, methodArn, authorizationToken} with the request's method and path; context + principalId reach requestContext.authorizer — HTTP/${v}`, async () => {
      h.stack.clock.advance!(600_000);
      const r = await h.send(v, REST_HOST, "/prod/pets/42?x=1", { headers: { Authorization: "allow" } });
      assert.equal(r.status, 200);
      const a = authContext(r);
      assert.equal(a["principalId"], "user-1");
      // Context values are strings in the proxy event (apigateway.md §10.1).
      assert.equal(a["count"], "7");
      assert.equal(a["admin"], "true");
      assert.equal(typeof a["integrationLatency"], "number");
      assert.deepEqual(JSON.parse(a["seen"] as string), { type: "TOKEN", methodArn: `${ARN}/prod/GET/pets/42`, authorizationToken: "allow" });
    });

    it(`TOKEN: a missing or empty identity → 401 {"message":"Unauthorized"} UnauthorizedException without invoking — HTTP/${v}`, async () => {
      for (const headers of [{}, { Authorization: "" }] as Record<string, string>[]) {
        const r = await h.send(v, REST_HOST, "/prod/pets", { headers });
        assert.equal(r.status, 401);
        assert.equal(r.body.toString(), '{"message":"Unauthorized"}');
        assert.equal(r.headers["x-amzn-errortype"], "UnauthorizedException");
      }
    });

    it(`TOKEN: IdentityValidationExpression refuses a token with 401 before the function runs — HTTP/${v}`, async () => {
      // "boom!" would make the function throw (500); the expression refuses it first.
      const r = await h.send(v, REST_HOST, "/prod/checked", { headers: { Authorization: "boom!" } });
      assert.equal(r.status, 401);
      assert.equal(r.body.toString(), '{"message":"Unauthorized"}');
      const ok = await h.send(v, REST_HOST, "/prod/checked", { headers: { Authorization: "allow-stage" } });
      assert.equal(ok.status, 200);
    });

    it(`policy: explicit Deny → 403 {"Message":"… with an explicit deny"} AccessDeniedException; no matching Allow → 403 "User is not authorized to access this resource" — HTTP/${v}`, async () => {
      const deny = await h.send(v, REST_HOST, "/prod/pets", { headers: { Authorization: "deny" } });
      assert.equal(deny.status, 403);
      assert.equal(deny.body.toString(), '{"Message":"User is not authorized to access this resource with an explicit deny"}');
      assert.equal(deny.headers["x-amzn-errortype"], "AccessDeniedException");
      const other = await h.send(v, REST_HOST, "/prod/pets", { headers: { Authorization: "elsewhere" } });
      assert.equal(other.status, 403);
      assert.equal(other.body.toString(), '{"Message":"User is not authorized to access this resource"}');
      assert.equal(other.headers["x-amzn-errortype"], "AccessDeniedException");
    });

    it(`authorizer failures: "Unauthorized" → 401; a throw, a result without policy, a nested context → 500 {"message":null} AuthorizerConfigurationException — HTTP/${v}`, async () => {
      const u = await h.send(v, REST_HOST, "/prod/pets", { headers: { Authorization: "unauthorized" } });
      assert.equal(u.status, 401);
      assert.equal(u.body.toString(), '{"message":"Unauthorized"}');
      for (const token of ["boom", "no-policy", "nested"]) {
        const r = await h.send(v, REST_HOST, "/prod/pets", { headers: { Authorization: token } });
        assert.equal(r.status, 500, token);
        assert.equal(r.body.toString(), '{"message":null}');
        assert.equal(r.headers["x-amzn-errortype"], "AuthorizerConfigurationException");
      }
    });

    it(`cache: the authorizer runs once for two requests with the same token within the TTL (300 s default), again after stack.clock.advance() past it — HTTP/${v}`, async () => {
      h.stack.clock.advance!(600_000);
      const token = { headers: { Authorization: "allow-stage" } };
      const first = authContext(await h.send(v, REST_HOST, "/prod/pets", token))["invocation"];
      h.stack.clock.advance!(299_000);
      const second = authContext(await h.send(v, REST_HOST, "/prod/pets/7", token))["invocation"];
      assert.equal(second, first, "cached within the TTL (for every method of the authorizer)");
      h.stack.clock.advance!(2_000);
      const third = authContext(await h.send(v, REST_HOST, "/prod/pets", token))["invocation"];
      assert.notEqual(third, first, "invoked again after the TTL");
    });

    it(`cache: a cached policy naming only GET denies POST until the TTL ends (the documented gotcha) — HTTP/${v}`, async () => {
      h.stack.clock.advance!(600_000);
      const token = { headers: { Authorization: "allow-get" } };
      assert.equal((await h.send(v, REST_HOST, "/prod/pets", token)).status, 200);
      const post = await h.send(v, REST_HOST, "/prod/pets", { ...token, method: "POST", body: "x".repeat(10) });
      assert.equal(post.status, 403);
      assert.equal(post.body.toString(), '{"Message":"User is not authorized to access this resource"}');
    });

    it(`cache: AuthorizerResultTtlInSeconds 0 invokes on every request — HTTP/${v}`, async () => {
      const token = { headers: { "X-Token": "allow-stage" } };
      const a = authContext(await h.send(v, REST_HOST, "/prod/nocache", token))["invocation"];
      const b = authContext(await h.send(v, REST_HOST, "/prod/nocache", token))["invocation"];
      assert.notEqual(a, b);
    });

    it(`REQUEST: identity from header, query string and stage variable; the event has the proxy shape with type and methodArn; a missing source → 401 — HTTP/${v}`, async () => {
      h.stack.clock.advance!(600_000);
      const missing = await h.send(v, REST_HOST, "/prod/req/1", { headers: { "X-User": "ann" } });
      assert.equal(missing.status, 401);
      assert.equal(missing.body.toString(), '{"message":"Unauthorized"}');
      const r = await h.send(v, REST_HOST, "/prod/req/1?tenant=acme", { headers: { "X-User": "ann" } });
      assert.equal(r.status, 200);
      const e = JSON.parse(authContext(r)["seen"] as string) as Record<string, unknown>;
      assert.equal(e["type"], "REQUEST");
      assert.equal(e["methodArn"], `${ARN}/prod/GET/req/1`);
      assert.equal(e["resource"], "/req/{id}");
      assert.equal(e["path"], "/req/1");
      assert.equal(e["httpMethod"], "GET");
      // Header names in the client's casing (HTTP/2 sends them lower-case).
      assert.equal((e["headers"] as Record<string, string>)[v === "2" ? "x-user" : "X-User"], "ann");
      assert.deepEqual(e["queryStringParameters"], { tenant: "acme" });
      assert.deepEqual(e["pathParameters"], { id: "1" });
      assert.deepEqual(e["stageVariables"], { realm: "blue" });
      assert.equal((e["requestContext"] as Record<string, unknown>)["stage"], "prod");
      assert.ok(!("body" in e), "no body in a REQUEST authorizer event");
      // Another tenant is another identity: a new invocation.
      const again = await h.send(v, REST_HOST, "/prod/req/1?tenant=acme", { headers: { "X-User": "ann" } });
      const other = await h.send(v, REST_HOST, "/prod/req/1?tenant=zeta", { headers: { "X-User": "ann" } });
      assert.equal(authContext(again)["invocation"], authContext(r)["invocation"]);
      assert.notEqual(authContext(other)["invocation"], authContext(r)["invocation"]);
    });
  }
});

describe("REST authorizers: configuration (apigateway.md §10.1)", () => {
  it("a CUSTOM method without a known AuthorizerId, an out-of-range TTL and a TOKEN IdentitySource that is not one header are refused", async () => {
    await assert.rejects(
      startApis({
        restApis: {
          bad: {
            Authorizers: {
              t: { Type: "TOKEN", AuthorizerUri: invocationArn("echo"), IdentitySource: "method.request.querystring.q", AuthorizerResultTtlInSeconds: 4000 },
            },
            Resources: { "/": { Methods: { GET: custom("nope") } } },
            Stages: { prod: {} },
          },
        },
      }),
      (e: Error) =>
        /Invalid authorizer ID/.test(e.message) &&
        /AuthorizerResultTtlInSeconds must be between 0 and 3600/.test(e.message) &&
        /TOKEN authorizer's IdentitySource/.test(e.message),
    );
  });
});
