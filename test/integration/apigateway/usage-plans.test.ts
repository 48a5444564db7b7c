import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { periodStart } from "../../../src/services/apigateway/throttling/usage-plans.js";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { FUNCTIONS, invocationArn, lambdaProxy, MOCK_200 as MOCK, REST_HOST, startApis, type ApiHarness } from "./api-harness.js";

const keyed = (m: Record<string, unknown> = MOCK) => ({ ...m, ApiKeyRequired: true });
const AUTH_HOST = "authapi001.execute-api.localhost";
const KEYS = {
  gold: "gold-key-0123456789abcdef",
  bronze: "bronze-key-0123456789abc",
  silver: "silver-key-0123456789abc",
  off: "disabled-key-0123456789",
  loose: "loose-key-0123456789abcd",
};
const DAY = 86_400_000;

describe("API keys and usage plans: x-api-key, throttle, quota (apigateway.md §8, §11)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      ids: { authapi: "authapi001" },
      restApis: {
        api: {
          Resources: {
            "/keyed": { Methods: { GET: keyed(), POST: keyed() } },
            "/echo": { Methods: { GET: keyed(lambdaProxy("echo")) } },
            "/open": { Methods: { GET: MOCK } },
          },
          Stages: { prod: {}, dev: {} },
        },
        authapi: {
          ApiKeySource: "AUTHORIZER",
          Authorizers: { tok: { Type: "TOKEN", AuthorizerUri: invocationArn("token"), IdentitySource: "method.request.header.Authorization" } },
          Resources: { "/x": { Methods: { GET: { ...keyed(), AuthorizationType: "CUSTOM", AuthorizerId: "tok" } } } },
          Stages: { prod: {} },
        },
      },
      extra: {
        apiKeys: {
          gold: { Value: KEYS.gold },
          bronze: { Value: KEYS.bronze },
          silver: { Value: KEYS.silver },
          off: { Value: KEYS.off, Enabled: false },
          loose: { Value: KEYS.loose },
        },
        usagePlans: {
          goldPlan: {
            ApiStages: [
              { ApiId: "api", Stage: "prod" },
              { ApiId: "authapi001", Stage: "prod" },
            ],
            Throttle: { RateLimit: 1000, BurstLimit: 1000 },
          },
          bronzePlan: { ApiStages: [{ ApiId: "api", Stage: "prod" }], Quota: { Limit: 3, Period: "DAY" } },
          silverPlan: { ApiStages: [{ ApiId: "api", Stage: "prod", Throttle: { "/keyed/GET": { RateLimit: 1, BurstLimit: 2 } } }] },
        },
        usagePlanKeys: [
          { UsagePlanId: "goldPlan", KeyId: "gold", KeyType: "API_KEY" },
          { UsagePlanId: "bronzePlan", KeyId: "bronze", KeyType: "API_KEY" },
          { UsagePlanId: "silverPlan", KeyId: "silver", KeyType: "API_KEY" },
          { UsagePlanId: "goldPlan", KeyId: "off", KeyType: "API_KEY" },
        ],
        local: { functions: { ...FUNCTIONS, token: { handler: "authorizers.mjs", export: "token" } } },
      },
    });
  });
  after(() => h.close());

  for (const v of VIEWER_VERSIONS) {
    it(`ApiKeyRequired: no key, an unknown, a disabled, an unplanned key, or another stage → 403 {"message":"Forbidden"} ForbiddenException; a planned key passes — HTTP/${v}`, async () => {
      for (const headers of [{}, { "x-api-key": "nope-nope-nope-nope-nope" }, { "x-api-key": KEYS.off }, { "x-api-key": KEYS.loose }] as Record<
        string,
        string
      >[]) {
        const r = await h.send(v, REST_HOST, "/prod/keyed", { headers });
        assert.equal(r.status, 403, JSON.stringify(headers));
        assert.equal(r.body.toString(), '{"message":"Forbidden"}');
        assert.equal(r.headers["x-amzn-errortype"], "ForbiddenException");
      }
      assert.equal((await h.send(v, REST_HOST, "/dev/keyed", { headers: { "x-api-key": KEYS.gold } })).status, 403, "the plan does not name dev");
      assert.equal((await h.send(v, REST_HOST, "/prod/keyed", { headers: { "X-API-Key": KEYS.gold } })).status, 200, "header name case-insensitive");
      const post = await h.send(v, REST_HOST, "/prod/keyed", { method: "POST", headers: { "x-api-key": KEYS.gold }, body: "x".repeat(1024) });
      assert.equal(post.status, 200);
      assert.equal((await h.send(v, REST_HOST, "/prod/open")).status, 200, "a method without ApiKeyRequired needs no key");
    });

    it(`the accepted key is in requestContext.identity.apiKey / apiKeyId — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/echo", { headers: { "x-api-key": KEYS.gold } });
      assert.equal(r.status, 200);
      const identity = (r.json()["requestContext"] as Record<string, Record<string, unknown>>)["identity"]!;
      assert.equal(identity["apiKey"], KEYS.gold);
      assert.match(String(identity["apiKeyId"]), /^[a-z0-9]{10}$/);
    });

    it(`quota (DAY) on the stack clock: Limit requests, then 429 {"message":"Limit Exceeded"} LimitExceededException; the next day resets it — HTTP/${v}`, async () => {
      h.stack.clock.advance!(DAY);
      const get = () => h.send(v, REST_HOST, "/prod/keyed", { headers: { "x-api-key": KEYS.bronze } });
      for (let i = 0; i < 3; i++) assert.equal((await get()).status, 200);
      const r = await get();
      assert.equal(r.status, 429);
      assert.equal(r.body.toString(), '{"message":"Limit Exceeded"}');
      assert.equal(r.headers["x-amzn-errortype"], "LimitExceededException");
      assert.equal(r.headers["retry-after"], undefined);
      h.stack.clock.advance!(DAY);
      assert.equal((await get()).status, 200);
    });

    it(`per-method usage-plan throttle: burst 2 then 429 {"message":"Too Many Requests"}; refills at the rate — HTTP/${v}`, async () => {
      h.stack.clock.advance!(10_000);
      const get = () => h.send(v, REST_HOST, "/prod/keyed", { headers: { "x-api-key": KEYS.silver } });
      const statuses = [(await get()).status, (await get()).status, (await get()).status];
      assert.deepEqual(statuses, [200, 200, 429]);
      const r = await get();
      assert.equal(r.body.toString(), '{"message":"Too Many Requests"}');
      assert.equal(r.headers["x-amzn-errortype"], "TooManyRequestsException");
      h.stack.clock.advance!(1_000);
      assert.equal((await get()).status, 200);
    });

    it(`ApiKeySource AUTHORIZER: the key is the authorizer's usageIdentifierKey — HTTP/${v}`, async () => {
      h.stack.clock.advance!(DAY);
      assert.equal((await h.send(v, AUTH_HOST, "/prod/x", { headers: { Authorization: `key:${KEYS.gold}`, "x-api-key": "ignored" } })).status, 200);
      const r = await h.send(v, AUTH_HOST, "/prod/x", { headers: { Authorization: "key:unknown-key-000000000000", "x-api-key": KEYS.gold } });
      assert.equal(r.status, 403);
      assert.equal(r.body.toString(), '{"message":"Forbidden"}');
    });
  }
});

describe("usage plans: configuration and quota periods (apigateway.md §8)", () => {
  it("a short key Value, an unknown plan / key / API / stage, and one key in two plans of the same stage are refused", async () => {
    await assert.rejects(
      startApis({
        restApis: { api: { Resources: { "/": { Methods: { GET: keyed() } } }, Stages: { prod: {} } } },
        extra: {
          apiKeys: { short: { Value: "abc" }, k: { Value: "k-0123456789abcdefghij" } },
          usagePlans: {
            a: { ApiStages: [{ ApiId: "api", Stage: "prod" }] },
            b: { ApiStages: [{ ApiId: "api", Stage: "prod" }] },
            c: {
              ApiStages: [
                { ApiId: "nope", Stage: "prod" },
                { ApiId: "api", Stage: "beta" },
              ],
            },
          },
          usagePlanKeys: [
            { UsagePlanId: "a", KeyId: "k" },
            { UsagePlanId: "b", KeyId: "k" },
            { UsagePlanId: "zz", KeyId: "missing" },
          ],
        },
      }),
      (e: Error) =>
        /API Key value should be at least 20 characters/.test(e.message) &&
        /Invalid Usage Plan ID specified: zz/.test(e.message) &&
        /Invalid API Key identifier specified: missing/.test(e.message) &&
        /Invalid API identifier specified: nope/.test(e.message) &&
        /Invalid stage identifier specified: beta/.test(e.message) &&
        /cannot reference multiple Usage Plans with the same API Stage/.test(e.message),
    );
  });

  it("quota periods start at UTC midnight (DAY), Monday midnight (WEEK, a Choice) and the 1st (MONTH)", () => {
    const t = Date.UTC(2026, 11, 3, 15, 30); // a Thursday
    assert.equal(periodStart(t, "DAY"), Date.UTC(2026, 11, 3));
    assert.equal(periodStart(t, "WEEK"), Date.UTC(2026, 10, 30));
    assert.equal(periodStart(Date.UTC(2026, 10, 29, 23), "WEEK"), Date.UTC(2026, 10, 23), "a Sunday belongs to the week that began on Monday");
    assert.equal(periodStart(t, "MONTH"), Date.UTC(2026, 11, 1));
  });
});

describe("usage plans before stage throttles (apigateway.md §8 order: usage plan → stage/method → account)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      restApis: {
        api: {
          Resources: { "/keyed": { Methods: { GET: keyed() } } },
          // Rate 0: the two tokens of the burst never come back during the test.
          Stages: { prod: { MethodSettings: { "/keyed/GET": { ThrottlingRateLimit: 0, ThrottlingBurstLimit: 2 } } } },
        },
      },
      extra: {
        apiKeys: { gold: { Value: KEYS.gold } },
        usagePlans: { plan: { ApiStages: [{ ApiId: "api", Stage: "prod" }] } },
        usagePlanKeys: [{ UsagePlanId: "plan", KeyId: "gold", KeyType: "API_KEY" }],
      },
    });
  });
  after(() => h.close());

  // One stage bucket for both HTTP versions: the test interleaves them.
  it("requests refused for their API key use no stage-throttle token; keyed requests then use the stage's burst — HTTP/1.1 and HTTP/2", async () => {
    for (const v of [...VIEWER_VERSIONS, ...VIEWER_VERSIONS])
      assert.equal((await h.send(v, REST_HOST, "/prod/keyed")).status, 403, `no key (HTTP/${v}): refused before the stage throttle`);
    for (const v of VIEWER_VERSIONS)
      assert.equal((await h.send(v, REST_HOST, "/prod/keyed", { headers: { "x-api-key": KEYS.gold } })).status, 200, `HTTP/${v}: the burst is untouched`);
    const over = await h.send("2", REST_HOST, "/prod/keyed", { headers: { "x-api-key": KEYS.gold } });
    assert.equal(over.status, 429, "the burst of 2 is used up by keyed requests");
    assert.equal(over.body.toString(), '{"message":"Too Many Requests"}');
  });
});
