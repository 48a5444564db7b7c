import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EdgeparityError, startEdgeparity, type StackInput } from "../../../src/index.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";
import { FIXTURES, FUNCTIONS, lambdaProxy } from "./api-harness.js";

const load = (config: Record<string, unknown>) =>
  startEdgeparity({ config: { ...config, local: { functions: FUNCTIONS, ...(config["local"] as object) } }, baseDir: FIXTURES });

async function refused(config: Record<string, unknown>, code: string, ...needles: string[]) {
  await assert.rejects(load(config), (e: unknown) => {
    assert.ok(e instanceof EdgeparityError, String(e));
    assert.equal(e.code, code);
    for (const n of needles) assert.ok(e.message.includes(n), `${JSON.stringify(n)} in: ${e.message}`);
    return true;
  });
}

describe("API Gateway stack file: AWS's refusals, bindings and not-emulated warnings (apigateway.md §2, §3, §7)", () => {
  it("config: a greedy variable that is not last, a method without integration, a bad stage name and timeout are refused with their paths", async () => {
    await refused(
      {
        restApis: {
          api: {
            Resources: {
              "/{proxy+}/x": { Methods: { GET: lambdaProxy("echo") } },
              "/a": { Methods: { GET: {} } },
              "/b": { Methods: { GET: lambdaProxy("echo", { TimeoutInMillis: 30_000 }) } },
            },
            Stages: { "bad-stage": {} },
          },
        },
      },
      "STACK_INVALID",
      "restApis.api.Resources./{proxy+}/x: BadRequestException",
      "must be the last path part",
      "restApis.api.Resources./a.Methods.GET: BadRequestException: No integration defined for method",
      "restApis.api.Resources./b.Methods.GET.Integration.TimeoutInMillis: BadRequestException: Timeout should be between 50 ms and 29000 ms",
      "restApis.api.Stages.bad-stage: BadRequestException: Stage name only allows a-zA-Z0-9_",
    );
  });

  it("config: HTTP API route keys, targets, payload versions and MOCK are checked", async () => {
    await refused(
      {
        httpApis: {
          app: {
            Routes: { "FETCH /x": { Target: "integrations/fn" }, "GET /y": { Target: "integrations/missing" } },
            Integrations: {
              fn: { IntegrationType: "AWS_PROXY", IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:echo" },
              m: { IntegrationType: "MOCK" },
            },
          },
        },
      },
      "STACK_INVALID",
      "httpApis.app.Routes.FETCH /x: BadRequestException: Invalid route key",
      "httpApis.app.Routes.GET /y.Target: NotFoundException",
      "httpApis.app.Integrations.fn.PayloadFormatVersion",
      "httpApis.app.Integrations.m.IntegrationType: BadRequestException",
    );
  });

  it("binding: a Lambda integration whose function has no handler file names the line to add", async () => {
    await refused(
      { restApis: { api: { Resources: { "/": { Methods: { GET: lambdaProxy("Unbound") } } }, Stages: { prod: {} } } } },
      "BINDING_MISSING",
      "local.functions.Unbound.handler: Lambda function Unbound (restApis.api.Resources./.Methods.GET.Integration.Uri) is not bound",
    );
    await refused({ local: { functions: { gone: { handler: "nope.mjs" } } } }, "BINDING_MISSING", "local.functions.gone.handler: handler file not found");
  });

  it("config: settings that are not emulated load with a warning naming the field path", async () => {
    const stack = await load({
      restApis: {
        api: {
          Policy: "{}",
          Resources: {
            "/": {
              Methods: {
                GET: { ...lambdaProxy("echo", { CacheKeyParameters: ["x"] }), AuthorizationType: "AWS_IAM", AuthorizationScopes: ["a"], ApiKeyRequired: true },
              },
            },
          },
          Stages: { prod: { MethodSettings: { "*/*": { MetricsEnabled: true } } } },
        },
      },
      httpApis: { app: { DisableExecuteApiEndpoint: false, Stages: { $default: { DefaultRouteSettings: { DetailedMetricsEnabled: true } } } } },
    });
    try {
      const paths = stack.warnings.map((w) => w.path);
      for (const p of [
        "restApis.api.Policy",
        "restApis.api.Resources./.Methods.GET.AuthorizationScopes",
        "restApis.api.Resources./.Methods.GET.Integration.CacheKeyParameters",
        "restApis.api.Stages.prod.MethodSettings.*/*.MetricsEnabled",
        "httpApis.app.DisableExecuteApiEndpoint",
        "httpApis.app.Stages.$default.DefaultRouteSettings.DetailedMetricsEnabled",
      ])
        assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
      assert.ok(stack.warnings.every((w) => w.message.includes("not emulated")));
      // API keys are emulated now (usage-plans.test.ts): ApiKeyRequired is no longer warned.
      assert.ok(!paths.includes("restApis.api.Resources./.Methods.GET.ApiKeyRequired"));
      // AWS_IAM is emulated now (iam-authorization.test.ts).
      assert.ok(!paths.includes("restApis.api.Resources./.Methods.GET.AuthorizationType"));
    } finally {
      await stack.close();
    }
  });
});

describe("API Gateway revisions: stack.update() serves the new APIs (issue 9 contract)", () => {
  it("revision: a resource added by update() is served, one removed answers Missing Authentication Token, on HTTP/1.1 and HTTP/2", async () => {
    const api = (paths: string[]) => ({
      restApis: { api: { Resources: Object.fromEntries(paths.map((p) => [p, { Methods: { GET: lambdaProxy("echo") } }])), Stages: { prod: {} } } },
      local: { functions: FUNCTIONS, restApis: { api: { apiId: "revisions1" } } },
    });
    const stack = await startEdgeparity({ config: api(["/old"]), baseDir: FIXTURES });
    try {
      const host = "revisions1.execute-api.localhost";
      // The public API lists the API with its stages' invoke URLs.
      assert.equal(stack.apis.api!.id, "revisions1");
      assert.equal(stack.apis.api!.stages.prod, `https://${host}:${stack.httpsPort}/prod/`);
      for (const v of VIEWER_VERSIONS) assert.equal((await send(stack, v, host, "/prod/old")).status, 200);
      // The stack as an edited file would give it (plain strings where the model has enums).
      await stack.update(api(["/new"]) as unknown as StackInput, { baseDir: FIXTURES });
      for (const v of VIEWER_VERSIONS) {
        const gone = await send(stack, v, host, "/prod/old");
        assert.equal(gone.status, 403);
        assert.equal(gone.body.toString(), '{"message":"Missing Authentication Token"}');
        const r = await send(stack, v, host, "/prod/new");
        assert.equal(r.status, 200);
        assert.equal((JSON.parse(r.body.toString()) as Record<string, unknown>)["resource"], "/new");
      }
    } finally {
      await stack.close();
    }
  });
});

describe("stack.apis: a REST and an HTTP API may share a name (separate sections, apigateway.md §1)", () => {
  it("stack.apis lists both as rest:<name> / http:<name>; stack.apisById has each by id; a unique name keeps its bare key", async () => {
    const stack = await startEdgeparity({
      config: {
        restApis: { shop: { Resources: { "/": { Methods: { GET: lambdaProxy("echo") } } }, Stages: { prod: {} } }, solo: { Stages: { prod: {} } } },
        httpApis: { shop: { Stages: { $default: {} } } },
        local: { functions: FUNCTIONS, restApis: { shop: { apiId: "shoprest01" } }, httpApis: { shop: { apiId: "shophttp01" } } },
      },
      baseDir: FIXTURES,
    });
    try {
      assert.deepEqual(Object.keys(stack.apis).sort(), ["http:shop", "rest:shop", "solo"]);
      assert.equal(stack.apis["rest:shop"]!.id, "shoprest01");
      assert.equal(stack.apis["http:shop"]!.id, "shophttp01");
      assert.equal(stack.apisById["shoprest01"]!.name, "shop");
      assert.equal(stack.apisById["shophttp01"]!.kind, "http");
      assert.equal(stack.apisById["shophttp01"]!.stages["$default"], `https://shophttp01.execute-api.localhost:${stack.httpsPort}/`);
      assert.equal(Object.keys(stack.apisById).length, 3);
    } finally {
      await stack.close();
    }
  });
});
