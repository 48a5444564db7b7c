import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { b64json, HTTP_HOST, startApis, type ApiHarness } from "./api-harness.js";

const fn = "arn:aws:lambda:us-east-1:123456789012:function:reply";

describe("HTTP API CorsConfiguration (apigateway.md §9.1)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      httpApis: {
        app: {
          CorsConfiguration: {
            AllowOrigins: ["https://app.example.com", "http://*"],
            AllowMethods: ["GET", "PUT"],
            AllowHeaders: ["content-type", "x-api"],
            ExposeHeaders: ["x-total"],
            MaxAge: 600,
            AllowCredentials: true,
          },
          Routes: { "ANY /items": { Target: "integrations/fn" } },
          Integrations: { fn: { IntegrationType: "AWS_PROXY", IntegrationUri: fn, PayloadFormatVersion: "2.0" } },
          Stages: { $default: {} },
        },
      },
    });
  });
  after(() => h.close());

  for (const v of VIEWER_VERSIONS) {
    it(`CORS: a preflight is answered by API Gateway (no OPTIONS route) with the configured headers; an unknown Origin gets none — HTTP/${v}`, async () => {
      const pre = (origin: string, path = "/items") =>
        h.send(v, HTTP_HOST, path, {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "x-api" },
        });
      let r = await pre("https://app.example.com");
      assert.equal(r.status, 204);
      assert.equal(r.body.length, 0);
      assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal(r.headers["access-control-allow-methods"], "GET,PUT");
      assert.equal(r.headers["access-control-allow-headers"], "content-type,x-api");
      assert.equal(r.headers["access-control-max-age"], "600");
      assert.equal(r.headers["access-control-allow-credentials"], "true");
      r = await pre("http://localhost:3000", "/no-such-route");
      assert.equal(r.status, 204);
      assert.equal(r.headers["access-control-allow-origin"], "http://localhost:3000", "http://* allows any http origin");
      r = await pre("https://evil.example.com");
      assert.equal(r.status, 204);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
    });

    it(`CORS: integration CORS headers are replaced by the configured ones on requests with an allowed Origin — HTTP/${v}`, async () => {
      const ret = { statusCode: 200, headers: { "access-control-allow-origin": "*", "x-total": "3" }, body: "[]" };
      let r = await h.send(v, HTTP_HOST, "/items", { headers: { origin: "https://app.example.com", "x-return": b64json(ret) } });
      assert.equal(r.status, 200);
      assert.equal(r.headers["access-control-allow-origin"], "https://app.example.com");
      assert.equal(r.headers["access-control-expose-headers"], "x-total");
      assert.equal(r.headers["access-control-allow-credentials"], "true");
      r = await h.send(v, HTTP_HOST, "/items", { headers: { origin: "https://evil.example.com", "x-return": b64json(ret) } });
      assert.equal(r.headers["access-control-allow-origin"], undefined);
    });
  }

  it("CORS: AllowCredentials with AllowOrigins '*' is refused at load", async () => {
    await assert.rejects(
      startApis({ httpApis: { bad: { CorsConfiguration: { AllowOrigins: ["*"], AllowCredentials: true } } } }),
      /httpApis\.bad\.CorsConfiguration\.AllowCredentials: BadRequestException/,
    );
  });
});

describe("HTTP API CORS with an authorized $default route (apigateway.md §3, §9.1)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      httpApis: {
        app: {
          CorsConfiguration: { AllowOrigins: ["https://app.example.com"], AllowMethods: ["GET", "PUT"] },
          Routes: {
            $default: { Target: "integrations/fn", AuthorizationType: "AWS_IAM" },
            "OPTIONS /open/{proxy+}": { Target: "integrations/fn" },
            "ANY /items": { Target: "integrations/fn", AuthorizationType: "AWS_IAM" },
            "GET /things": { Target: "integrations/fn" },
          },
          Integrations: { fn: { IntegrationType: "AWS_PROXY", IntegrationUri: fn, PayloadFormatVersion: "2.0" } },
          Stages: { $default: {} },
        },
      },
    });
  });
  after(() => h.close());

  for (const v of VIEWER_VERSIONS)
    it(`a preflight only $default catches reaches its authorizer (403); one an explicit route matches is API Gateway's 204 — HTTP/${v}`, async () => {
      const pre = (path: string) =>
        h.send(v, HTTP_HOST, path, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "PUT" } });
      const caught = await pre("/anything");
      assert.equal(caught.status, 403, "the $default route's AWS_IAM refuses the unsigned preflight");
      assert.equal(caught.body.toString(), '{"message":"Forbidden"}');
      const open = await pre("/open/x");
      assert.equal(open.status, 204);
      assert.equal(open.headers["access-control-allow-origin"], "https://app.example.com");
      const items = await pre("/items");
      assert.equal(items.status, 204, "Choice: an ANY route matching OPTIONS leaves the preflight to API Gateway (spec: UNCONFIRMED)");
      const things = await pre("/things");
      assert.equal(things.status, 403, "GET /things does not match OPTIONS: $default catches the preflight");
    });
});
