import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ALL_METHODS, ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED } from "../../support/stacks.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { HTTP_ID, lambdaProxy, REST_ID, startApis, type ApiHarness } from "./api-harness.js";

const origin = (Id: string, DomainName: string, OriginPath = "") => ({
  Id,
  DomainName,
  OriginPath,
  CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "https-only", OriginReadTimeout: 30 },
});
const behavior = (TargetOriginId: string, OriginRequestPolicyId: string) => ({
  TargetOriginId,
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_DISABLED,
  OriginRequestPolicyId,
  AllowedMethods: ALL_METHODS,
});

describe("API Gateway as a CloudFront origin: <api-id>.execute-api.<region>.amazonaws.com with OriginPath /prod (apigateway.md §1, §12)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      restApis: { api: { Resources: { "/{proxy+}": { Methods: { ANY: lambdaProxy("echo") } } }, Stages: { prod: {} } } },
      httpApis: {
        app: {
          Routes: { "ANY /{proxy+}": { Target: "integrations/echo" } },
          Integrations: {
            echo: { IntegrationType: "AWS_PROXY", IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:echo", PayloadFormatVersion: "2.0" },
          },
          Stages: { $default: {} },
        },
      },
      extra: {
        distributions: {
          rest: {
            Origins: { Items: [origin("api", `${REST_ID}.execute-api.us-east-1.amazonaws.com`, "/prod")] },
            DefaultCacheBehavior: behavior("api", ALL_VIEWER_EXCEPT_HOST),
            CacheBehaviors: { Items: [{ PathPattern: "/viewer-host/*", ...behavior("api", ALL_VIEWER) }] },
          },
          http: {
            Origins: { Items: [origin("api", `${HTTP_ID}.execute-api.us-east-1.amazonaws.com`)] },
            DefaultCacheBehavior: behavior("api", ALL_VIEWER_EXCEPT_HOST),
          },
        },
      },
    });
  });
  after(() => h.close());

  for (const v of VIEWER_VERSIONS) {
    for (const size of [0, 1024, 2 * 1024 * 1024])
      it(`CloudFront → REST API {proxy+} → Lambda, ${size} B body: the stage comes from OriginPath, Host is the execute-api name — HTTP/${v}`, async () => {
        const body = size ? "b".repeat(size) : undefined;
        const r = await h.send(v, h.stack.distributions["rest"]!.domain, "/mypath?x=1", {
          method: size ? "POST" : "GET",
          body,
          headers: { "content-type": "text/plain" },
        });
        assert.equal(r.status, 200, r.body.toString().slice(0, 300));
        const e = r.json();
        assert.equal(e["resource"], "/{proxy+}");
        assert.equal(e["path"], "/mypath");
        assert.equal(e["httpMethod"], size ? "POST" : "GET");
        assert.equal(e["body"], body ?? null);
        const headers = e["headers"] as Record<string, string>;
        assert.equal(headers["Host"] ?? headers["host"], `${REST_ID}.execute-api.us-east-1.amazonaws.com`);
        assert.ok(headers["X-Amz-Cf-Id"] ?? headers["x-amz-cf-id"], "CloudFront's request id reaches the integration");
        const rc = e["requestContext"] as Record<string, unknown>;
        assert.equal(rc["path"], "/prod/mypath");
        assert.equal(rc["domainName"], `${REST_ID}.execute-api.us-east-1.amazonaws.com`);
        assert.ok(r.headers["x-amzn-requestid"], "API Gateway's headers come through CloudFront");
      });

    it(`CloudFront forwarding the viewer's Host to execute-api → 403 {"message":"Forbidden"} (apigateway.md §12) — HTTP/${v}`, async () => {
      const r = await h.send(v, h.stack.distributions["rest"]!.domain, "/viewer-host/x");
      assert.equal(r.status, 403);
      assert.equal(r.body.toString(), '{"message":"Forbidden"}');
    });

    it(`CloudFront → HTTP API $default stage → Lambda payload 2.0 — HTTP/${v}`, async () => {
      const r = await h.send(v, h.stack.distributions["http"]!.domain, "/mypath?x=1");
      assert.equal(r.status, 200);
      const e = r.json();
      assert.equal(e["version"], "2.0");
      assert.equal(e["routeKey"], "ANY /{proxy+}");
      assert.equal(e["rawPath"], "/mypath");
      assert.equal((e["requestContext"] as Record<string, unknown>)["stage"], "$default");
      assert.ok(r.headers["apigw-requestid"]);
    });
  }
});
