import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { APIGATEWAY_REQUEST, type ApiGatewayRequestEvent } from "../../../src/core/trace.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { FUNCTIONS, HTTP_HOST, lambdaProxy, REST_HOST, startApis, type ApiHarness } from "./api-harness.js";

/**
 * What an API reports about its requests (apigateway.md §12; DG api-gateway-metrics-and-dimensions,
 * http-api-metrics, set-up-logging): REST execution-log lines on the request channel, in API
 * Gateway's wording with the request id, and CloudWatch metrics under AWS's names.
 */
const KEY = "observe-key-0123456789abc";

describe("API Gateway execution logs and CloudWatch metrics (apigateway.md §12)", () => {
  let h: ApiHarness;
  const events: ApiGatewayRequestEvent[] = [];
  const listen = (m: unknown) => events.push(m as ApiGatewayRequestEvent);
  before(async () => {
    APIGATEWAY_REQUEST.subscribe(listen);
    h = await startApis({
      restApis: {
        api: {
          Resources: {
            "/items/{id}": { Methods: { GET: lambdaProxy("echo"), POST: { ...lambdaProxy("echo"), ApiKeyRequired: true } } },
            "/fail": { Methods: { GET: lambdaProxy("fail") } },
          },
          Stages: { prod: {} },
        },
      },
      httpApis: {
        app: {
          Routes: { "GET /x": { Target: "integrations/v2" } },
          Integrations: {
            v2: { IntegrationType: "AWS_PROXY", IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:echo", PayloadFormatVersion: "2.0" },
          },
          Stages: { $default: {} },
        },
      },
      extra: {
        apiKeys: { k: { Value: KEY } },
        usagePlans: { p: { ApiStages: [{ ApiId: "api", Stage: "prod" }] } },
        usagePlanKeys: [{ UsagePlanId: "p", KeyId: "k", KeyType: "API_KEY" }],
        local: { functions: FUNCTIONS },
      },
    });
  });
  after(async () => {
    APIGATEWAY_REQUEST.unsubscribe(listen);
    await h.close();
  });
  const eventFor = (requestId: unknown) => events.find((e) => e.requestId === requestId)!;

  for (const v of VIEWER_VERSIONS) {
    it(`REST: the execution log names the request, method, resource path, usage plan, endpoint and completion — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/items/7?q=1", { method: "POST", headers: { "x-api-key": KEY }, body: "hello" });
      assert.equal(r.status, 200);
      const id = r.headers["x-amzn-requestid"];
      const lines = eventFor(id).executionLog;
      const has = (text: string) => assert.ok(lines.includes(`(${id}) ${text}`), `${text}\n in\n${lines.join("\n")}`);
      has(`Extended Request Id: ${r.headers["x-amz-apigw-id"]}`);
      has(`Starting execution for request: ${id}`);
      has("HTTP Method: POST, Resource Path: /items/7");
      has("Method request path: {id=7}");
      has("Method request query string: {q=1}");
      has("Method request body before transformations: hello");
      has(`Verifying Usage Plan for request: ${id}. API Key: ****9abc API Stage: restapi001/prod`);
      has("Usage Plan check succeeded for API Key ****9abc and API Stage restapi001/prod");
      has("Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:echo/invocations");
      has("Method completed with status: 200");
      has("Successfully completed execution");
      assert.equal(eventFor(id).stage, "prod");
    });

    it(`REST: a function error is logged as AWS logs it and completes with 502; a method without a key says so — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/fail");
      assert.equal(r.status, 502);
      const lines = eventFor(r.headers["x-amzn-requestid"]).executionLog.join("\n");
      assert.match(lines, /Lambda execution failed with status 200 due to customer function error: .*boom/);
      assert.match(lines, /Method completed with status: 502/);
      assert.match(lines, /API Key authorized because method 'GET \/fail' does not require API Key/);
      assert.doesNotMatch(lines, /Successfully completed execution/);
    });
  }

  it("metrics: REST Count / 4XXError / 5XXError / Latency / IntegrationLatency; HTTP API Count / 4xx / 5xx / DataProcessed", async () => {
    const rest0 = h.stack.apis["api"]!.metrics();
    const http0 = h.stack.apis["app"]!.metrics();
    for (const v of VIEWER_VERSIONS) {
      assert.equal((await h.send(v, REST_HOST, "/prod/items/1")).status, 200);
      assert.equal((await h.send(v, REST_HOST, "/prod/nope")).status, 403);
      assert.equal((await h.send(v, REST_HOST, "/prod/fail")).status, 502);
      assert.equal((await h.send(v, HTTP_HOST, "/x")).status, 200);
      assert.equal((await h.send(v, HTTP_HOST, "/nope")).status, 404);
    }
    const rest = h.stack.apis["api"]!.metrics();
    const http = h.stack.apis["app"]!.metrics();
    assert.equal(rest["Count"]! - rest0["Count"]!, 6);
    assert.equal(rest["4XXError"]! - rest0["4XXError"]!, 2);
    assert.equal(rest["5XXError"]! - rest0["5XXError"]!, 2);
    assert.equal(typeof rest["Latency"], "number");
    assert.ok(rest["IntegrationLatency_SampleCount"]! >= 4, "only requests that reached an integration count");
    assert.equal(http["Count"]! - (http0["Count"] ?? 0), 4);
    assert.equal(http["4xx"]! - (http0["4xx"] ?? 0), 2);
    assert.equal(http["5xx"], 0);
    assert.ok(http["DataProcessed"]! > 0);
    assert.equal(rest["4xx"], undefined, "REST metrics use the REST names");
  });
});
