import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { HTTP_HOST, MOCK_200 as MOCK, REST_HOST, startApis, type ApiHarness } from "./api-harness.js";

describe("throttling: token buckets on the stack clock (apigateway.md §8)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      restApis: {
        api: {
          Resources: { "/a": { Methods: { GET: MOCK } }, "/b": { Methods: { GET: MOCK } }, "/open": { Methods: { GET: MOCK } } },
          Stages: {
            prod: {
              MethodSettings: {
                "*/*": { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 },
                "/open/GET": { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 1000 },
              },
            },
          },
        },
      },
      httpApis: {
        app: {
          Routes: { "GET /x": { Target: "integrations/fn" }, "GET /blocked": { Target: "integrations/fn" } },
          Integrations: {
            fn: { IntegrationType: "AWS_PROXY", IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:echo", PayloadFormatVersion: "2.0" },
          },
          Stages: {
            $default: {
              DefaultRouteSettings: { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 },
              RouteSettings: { "GET /blocked": { ThrottlingRateLimit: 0, ThrottlingBurstLimit: 0 } },
            },
          },
        },
      },
    });
  });
  after(() => h.close());

  for (const v of VIEWER_VERSIONS) {
    it(`REST: burst 2 then 429 {"message":"Too Many Requests"} TooManyRequestsException; refills at the rate; */* gives each method its own bucket — HTTP/${v}`, async () => {
      h.stack.clock.advance!(10_000);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.send(v, REST_HOST, "/prod/a")).status);
      assert.deepEqual(statuses, [200, 200, 429]);
      const r = await h.send(v, REST_HOST, "/prod/a");
      assert.equal(r.status, 429);
      assert.equal(r.body.toString(), '{"message":"Too Many Requests"}');
      assert.equal(r.headers["x-amzn-errortype"], "TooManyRequestsException");
      assert.equal((await h.send(v, REST_HOST, "/prod/b")).status, 200, "another method has its own bucket");
      for (let i = 0; i < 5; i++) assert.equal((await h.send(v, REST_HOST, "/prod/open")).status, 200, "a per-method setting overrides */*");
      h.stack.clock.advance!(1000);
      assert.equal((await h.send(v, REST_HOST, "/prod/a")).status, 200, "one token back after one second at rate 1");
      assert.equal((await h.send(v, REST_HOST, "/prod/a")).status, 429);
    });

    it(`HTTP API: DefaultRouteSettings and RouteSettings (rate 0, burst 0 blocks every request) → 429 {"message":"Too Many Requests"} — HTTP/${v}`, async () => {
      h.stack.clock.advance!(10_000);
      assert.equal((await h.send(v, HTTP_HOST, "/x")).status, 200);
      const r = await h.send(v, HTTP_HOST, "/x");
      assert.equal(r.status, 429);
      assert.equal(r.body.toString(), '{"message":"Too Many Requests"}');
      assert.equal(r.headers["x-amzn-errortype"], undefined);
      assert.equal((await h.send(v, HTTP_HOST, "/blocked")).status, 429);
    });
  }
});
