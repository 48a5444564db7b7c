import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { LOCAL_ACCOUNT_ID } from "../../../src/core/account.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { echoIntegration, FUNCTIONS, HTTP_HOST, HTTP_ID, startApis, type ApiHarness } from "./api-harness.js";

/**
 * HTTP API Lambda (REQUEST) authorizers (apigateway.md §10.3): payload 1.0 and 2.0 events, simple
 * and IAM-policy responses, identity sources, caching by identity with AuthorizerResultTtlInSeconds
 * on the stack clock, and the 401 / 403 / 500 answers.
 */
const authorizerUri = (f: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${f}/invocations`;
const guarded = (integration: string, authorizer: string) => ({ Target: `integrations/${integration}`, AuthorizationType: "CUSTOM", AuthorizerId: authorizer });

describe("HTTP API Lambda authorizers: 1.0 / 2.0, simple and policy responses, cache (apigateway.md §10.3)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      httpApis: {
        app: {
          Authorizers: {
            simple: {
              AuthorizerType: "REQUEST",
              AuthorizerUri: authorizerUri("simple"),
              AuthorizerPayloadFormatVersion: "2.0",
              EnableSimpleResponses: true,
              IdentitySource: ["$request.header.X-Verdict", "$request.querystring.tenant"],
              AuthorizerResultTtlInSeconds: 60,
            },
            nocache: {
              AuthorizerType: "REQUEST",
              AuthorizerUri: authorizerUri("simple"),
              AuthorizerPayloadFormatVersion: "2.0",
              EnableSimpleResponses: true,
              IdentitySource: ["$request.header.X-Verdict"],
              AuthorizerResultTtlInSeconds: 0,
            },
            policy2: {
              AuthorizerType: "REQUEST",
              AuthorizerUri: authorizerUri("httpPolicy"),
              AuthorizerPayloadFormatVersion: "2.0",
              IdentitySource: ["$request.header.X-Verdict"],
            },
            policy1: {
              AuthorizerType: "REQUEST",
              AuthorizerUri: authorizerUri("httpPolicy"),
              AuthorizerPayloadFormatVersion: "1.0",
              IdentitySource: ["$request.header.X-Verdict", "$context.stage"],
              AuthorizerResultTtlInSeconds: 0,
            },
          },
          Routes: {
            "ANY /simple": guarded("v2", "simple"),
            "GET /nocache": guarded("v2", "nocache"),
            "GET /policy/{id}": guarded("v2", "policy2"),
            "GET /v1": guarded("v1", "policy1"),
          },
          Integrations: { v2: echoIntegration("2.0"), v1: echoIntegration("1.0") },
          Stages: { $default: {} },
        },
      },
      extra: {
        local: {
          functions: {
            ...FUNCTIONS,
            simple: { handler: "authorizers.mjs", export: "simple" },
            httpPolicy: { handler: "authorizers.mjs", export: "httpPolicy" },
          },
        },
      },
    });
  });
  after(() => h.close());

  const lambdaCtx = (r: { json: () => Record<string, unknown> }) =>
    ((r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as { lambda: Record<string, unknown> }).lambda;
  const ARN = `arn:aws:execute-api:us-east-1:${LOCAL_ACCOUNT_ID}:${HTTP_ID}/$default`;

  for (const v of VIEWER_VERSIONS) {
    for (const [size, body] of [
      ["0 B", Buffer.alloc(0)],
      ["1 KB", randomBytes(1024)],
      ["2 MiB", randomBytes(2 * 1024 * 1024)],
    ] as const)
      it(`2.0 simple response {isAuthorized: true, context}: a POST of ${size} reaches the function; context in requestContext.authorizer.lambda — HTTP/${v}`, async () => {
        h.stack.clock.advance!(120_000);
        const r = await h.send(v, HTTP_HOST, "/simple?tenant=t1", {
          method: "POST",
          headers: { "x-verdict": "yes", "content-type": "application/octet-stream" },
          body,
        });
        assert.equal(r.status, 200, r.body.toString().slice(0, 200));
        const e = r.json() as { body?: string; isBase64Encoded: boolean };
        assert.equal(Buffer.from(e.body ?? "", e.isBase64Encoded ? "base64" : "utf8").equals(body), true, "the body arrives whole");
        const ctx = lambdaCtx(r);
        assert.equal(ctx["n"], 1, "simple-response context values keep their JSON types");
        const seen = JSON.parse(String(ctx["seen"])) as Record<string, unknown>;
        assert.equal(seen["version"], "2.0");
        assert.equal(seen["type"], "REQUEST");
        assert.equal(seen["routeArn"], `${ARN}/POST/simple`);
        assert.deepEqual(seen["identitySource"], ["yes", "t1"]);
        assert.equal(seen["routeKey"], "ANY /simple");
        assert.equal(seen["rawQueryString"], "tenant=t1");
        assert.equal(seen["body"], undefined, "the authorizer event carries no body");
      });

    it(`the decision is cached per identity-source values for AuthorizerResultTtlInSeconds on the stack clock — HTTP/${v}`, async () => {
      h.stack.clock.advance!(120_000);
      const get = (tenant: string) => h.send(v, HTTP_HOST, `/simple?tenant=${tenant}`, { headers: { "x-verdict": "yes" } });
      const a = lambdaCtx(await get("c1"))["invocation"];
      h.stack.clock.advance!(59_000);
      assert.equal(lambdaCtx(await get("c1"))["invocation"], a, "within the TTL: the cached decision");
      assert.notEqual(lambdaCtx(await get("c2"))["invocation"], a, "another identity: a new invocation");
      h.stack.clock.advance!(2_000);
      assert.notEqual(lambdaCtx(await get("c1"))["invocation"], a, "after the TTL: a new invocation");
      const n1 = lambdaCtx(await h.send(v, HTTP_HOST, "/nocache", { headers: { "x-verdict": "yes" } }))["invocation"];
      const n2 = lambdaCtx(await h.send(v, HTTP_HOST, "/nocache", { headers: { "x-verdict": "yes" } }))["invocation"];
      assert.notEqual(n1, n2, "TTL 0: every request invokes");
    });

    it(`a missing identity source → 401 {"message":"Unauthorized"}; isAuthorized false → 403 {"message":"Forbidden"} — HTTP/${v}`, async () => {
      const none = await h.send(v, HTTP_HOST, "/simple?tenant=t1");
      assert.equal(none.status, 401);
      assert.equal(none.body.toString(), '{"message":"Unauthorized"}');
      assert.equal(none.headers["x-amzn-errortype"], undefined);
      const noTenant = await h.send(v, HTTP_HOST, "/simple", { headers: { "x-verdict": "yes" } });
      assert.equal(noTenant.status, 401, "every identity source must be present");
      const no = await h.send(v, HTTP_HOST, "/simple?tenant=t1", { headers: { "x-verdict": "no" } });
      assert.equal(no.status, 403);
      assert.equal(no.body.toString(), '{"message":"Forbidden"}');
    });

    it(`the function throws "Unauthorized" → 401; throws otherwise or answers a malformed result → 500 {"message":"Internal Server Error"} — HTTP/${v}`, async () => {
      const u = await h.send(v, HTTP_HOST, "/nocache", { headers: { "x-verdict": "unauthorized" } });
      assert.equal(u.status, 401);
      for (const verdict of ["boom", "malformed"]) {
        const r = await h.send(v, HTTP_HOST, "/nocache", { headers: { "x-verdict": verdict } });
        assert.equal(r.status, 500, verdict);
        assert.equal(r.body.toString(), '{"message":"Internal Server Error"}');
      }
    });

    it(`2.0 IAM-policy responses: Allow on the route ARN → 200 with the context; Deny → 403 — HTTP/${v}`, async () => {
      const ok = await h.send(v, HTTP_HOST, "/policy/7", { headers: { "x-verdict": "yes" } });
      assert.equal(ok.status, 200);
      const seen = JSON.parse(String(lambdaCtx(ok)["seen"])) as Record<string, unknown>;
      assert.equal(seen["routeArn"], `${ARN}/GET/policy/7`);
      assert.deepEqual(seen["pathParameters"], { id: "7" });
      const denied = await h.send(v, HTTP_HOST, "/policy/7", { headers: { "x-verdict": "no" } });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.toString(), '{"message":"Forbidden"}');
    });

    it(`payload 1.0: the REST REQUEST shape with version, methodArn and comma-joined identitySource; $context.stage as a source — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/v1?q=1", { headers: { "x-verdict": "yes" } });
      assert.equal(r.status, 200, r.body.toString());
      const a = (r.json()["requestContext"] as { authorizer: Record<string, unknown> }).authorizer;
      assert.equal(a["principalId"], "user-1");
      const seen = JSON.parse(String(a["seen"])) as Record<string, unknown>;
      assert.equal(seen["version"], "1.0");
      assert.equal(seen["type"], "REQUEST");
      assert.equal(seen["methodArn"], `${ARN}/GET/v1`);
      assert.equal(seen["identitySource"], "yes,$default");
      assert.deepEqual(seen["multiValueQueryStringParameters"], { q: ["1"] });
    });
  }
});

describe("HTTP API Lambda authorizers: CreateAuthorizer refusals (apigateway.md §10.3)", () => {
  it("REQUEST without AuthorizerPayloadFormatVersion, simple responses on 1.0, a bad identity source, a CUSTOM route naming a JWT authorizer are refused", async () => {
    await assert.rejects(
      startApis({
        httpApis: {
          app: {
            Authorizers: {
              a: { AuthorizerType: "REQUEST", AuthorizerUri: authorizerUri("simple"), IdentitySource: ["$request.header.A"] },
              b: { AuthorizerType: "REQUEST", AuthorizerUri: authorizerUri("simple"), AuthorizerPayloadFormatVersion: "1.0", EnableSimpleResponses: true },
              c: { AuthorizerType: "REQUEST", AuthorizerUri: authorizerUri("simple"), AuthorizerPayloadFormatVersion: "2.0", IdentitySource: ["header.A"] },
            },
            Routes: { "GET /x": { Target: "integrations/v2", AuthorizationType: "CUSTOM", AuthorizerId: "nope" } },
            Integrations: { v2: echoIntegration("2.0") },
            Stages: { $default: {} },
          },
        },
        extra: { local: { functions: { ...FUNCTIONS, simple: { handler: "authorizers.mjs", export: "simple" } } } },
      }),
      (e: Error) =>
        /AuthorizerPayloadFormatVersion is required/.test(e.message) &&
        /EnableSimpleResponses is supported only/.test(e.message) &&
        /Invalid identity source/.test(e.message) &&
        /REQUEST Authorizers/.test(e.message),
    );
  });
});
