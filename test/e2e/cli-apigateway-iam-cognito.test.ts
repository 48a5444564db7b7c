import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, BODY_SIZES, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";

/**
 * The real CLI (`edgeparity up`, a child process) with a REST API and an HTTP API of the same name
 * (listed as `rest:secure` / `http:secure`): AWS_IAM methods and routes signed by curl's own
 * `--aws-sigv4` with the local keys, a REST Cognito user pool authorizer with keys from a JWKS
 * file, and an HTTP API Lambda (REQUEST) authorizer with simple responses; HTTP/1.1 and HTTP/2,
 * bodies of 0 B, 1 KB and 2 MiB (apigateway.md §2, §10.2, §10.3, §11).
 */
const POOL = "us-east-1_E2ePool01";
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const FN = "arn:aws:lambda:us-east-1:123456789012:function";
const invocation = (f: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:${f}/invocations`;
const STACK = `
restApis:
  secure:
    BinaryMediaTypes: [application/octet-stream]
    Authorizers:
      pool:
        Type: COGNITO_USER_POOLS
        ProviderARNs: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}]
        IdentitySource: method.request.header.Authorization
    Resources:
      /iam/{proxy+}:
        Methods:
          ANY: { AuthorizationType: AWS_IAM, Integration: { Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: "${invocation("app")}" } }
      /cognito/{proxy+}:
        Methods:
          ANY: { AuthorizationType: COGNITO_USER_POOLS, AuthorizerId: pool, Integration: { Type: AWS_PROXY, IntegrationHttpMethod: POST, Uri: "${invocation("app")}" } }
    Stages:
      prod: {}
httpApis:
  secure:
    Authorizers:
      lam:
        AuthorizerType: REQUEST
        AuthorizerUri: "${invocation("auth")}"
        AuthorizerPayloadFormatVersion: "2.0"
        EnableSimpleResponses: true
        IdentitySource: [$request.header.X-Verdict]
    Routes:
      ANY /iam/{proxy+}: { Target: integrations/app, AuthorizationType: AWS_IAM }
      ANY /lambda/{proxy+}: { Target: integrations/app, AuthorizationType: CUSTOM, AuthorizerId: lam }
    Integrations:
      app: { IntegrationType: AWS_PROXY, IntegrationUri: "${FN}:app", PayloadFormatVersion: "2.0" }
    Stages:
      $default: {}
local:
  functions:
    app: { handler: app.mjs }
    auth: { handler: auth.mjs }
  restApis:
    secure: { apiId: restiam001 }
  httpApis:
    secure: { apiId: httpiam001 }
  jwks:
    "${ISSUER}": pool.json
`;
const APP = `import { createHash } from "node:crypto";
export const handler = async (event) => {
  const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ identity: event.requestContext.identity ?? null, authorizer: event.requestContext.authorizer ?? null, bodyLength: bytes.length, bodySha256: createHash("sha256").update(bytes).digest("hex") }) };
};
`;
const AUTH = `export const handler = async (event) => ({ isAuthorized: event.headers["x-verdict"] === "yes", context: { tier: "gold", route: event.routeKey } });
`;

describe("e2e: edgeparity up — AWS_IAM (curl --aws-sigv4), Cognito user pool and HTTP API Lambda authorizers", () => {
  let work: string;
  let s: CliSession;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  let idToken: string;
  const url = (kind: "rest" | "http", path: string) => {
    const apis = s.ready["apis"] as Record<string, { stages: Record<string, string> }>;
    const base = kind === "rest" ? apis["rest:secure"]!.stages["prod"]! : apis["http:secure"]!.stages["$default"]!;
    return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`).href;
  };
  const SIGV4 = ["--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", "test:test"];
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-apigw-iam-"));
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await writeFile(join(work, "pool.json"), JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "pool", alg: "RS256", use: "sig" }] }));
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const signing = `${enc({ alg: "RS256", kid: "pool" })}.${enc({ iss: ISSUER, aud: "client", sub: "e2e-sub", token_use: "id", "cognito:username": "e2e", exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    idToken = `${signing}.${sign("sha256", Buffer.from(signing), privateKey).toString("base64url")}`;
    await writeFile(join(work, "stack.yaml"), STACK);
    await writeFile(join(work, "app.mjs"), APP);
    await writeFile(join(work, "auth.mjs"), AUTH);
    bodies = await writeBodies(work);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
  });
  after(async () => {
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("the ready line lists the two APIs named secure as rest:secure and http:secure, and both by id", () => {
    const byId = s.ready["apisById"] as Record<string, { name: string; kind: string }>;
    assert.deepEqual(byId["restiam001"] && [byId["restiam001"].name, byId["restiam001"].kind], ["secure", "rest"]);
    assert.deepEqual(byId["httpiam001"] && [byId["httpiam001"].name, byId["httpiam001"].kind], ["secure", "http"]);
  });

  for (const http of HTTP_VERSIONS) {
    it(`unsigned AWS_IAM: REST 403 Missing Authentication Token, HTTP API 403 Forbidden; Cognito without a token 401; Lambda authorizer "no" 403 [HTTP/${http}]`, async () => {
      const rest = await curlExchange({ url: url("rest", "/iam/x"), method: "GET", http, cacert: s.caPath });
      assert.equal(rest.status, 403, describeResult(rest));
      assert.equal(rest.body.toString(), '{"message":"Missing Authentication Token"}');
      const h = await curlExchange({ url: url("http", "/iam/x"), method: "GET", http, cacert: s.caPath });
      assert.equal(h.status, 403, describeResult(h));
      assert.equal(h.body.toString(), '{"message":"Forbidden"}');
      const wrong = await curlExchange({
        url: url("rest", "/iam/x"),
        method: "GET",
        http,
        cacert: s.caPath,
        extra: ["--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", "test:wrong"],
      });
      assert.equal(wrong.status, 403, describeResult(wrong));
      assert.equal(wrong.headers["x-amzn-errortype"], "InvalidSignatureException");
      const cog = await curlExchange({ url: url("rest", "/cognito/x"), method: "GET", http, cacert: s.caPath });
      assert.equal(cog.status, 401, describeResult(cog));
      assert.equal(cog.body.toString(), '{"message":"Unauthorized"}');
      const no = await curlExchange({ url: url("http", "/lambda/x"), method: "GET", http, cacert: s.caPath, headers: ["x-verdict: no"] });
      assert.equal(no.status, 403, describeResult(no));
    });

    for (const size of BODY_SIZES) {
      const body = (r: { body: Buffer }) =>
        JSON.parse(r.body.toString()) as {
          identity: Record<string, unknown> | null;
          authorizer: Record<string, any> | null;
          bodyLength: number;
          bodySha256: string;
        };
      const whole = (e: ReturnType<typeof body>) => {
        assert.equal(e.bodyLength, bodies[size].bytes.length);
        assert.equal(e.bodySha256, sha256(bodies[size].bytes));
      };

      it(`REST AWS_IAM: POST ${size} signed by curl --aws-sigv4 reaches the function with identity.accessKey [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("rest", "/iam/upload"),
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream"],
          extra: SIGV4,
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = body(r);
        assert.equal(e.identity!["accessKey"], "test");
        assert.equal(e.identity!["userArn"], "arn:aws:iam::000000000000:root");
        whole(e);
      });

      it(`HTTP API AWS_IAM: PUT ${size} signed by curl --aws-sigv4 → authorizer.iam [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("http", "/iam/upload"),
          method: "PUT",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream"],
          extra: SIGV4,
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = body(r);
        assert.equal(e.authorizer!["iam"]["accessKey"], "test");
        whole(e);
      });

      it(`REST Cognito: POST ${size} with an ID token → claims in requestContext.authorizer.claims [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("rest", "/cognito/upload"),
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream", `authorization: ${idToken}`],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = body(r);
        assert.equal(e.authorizer!["claims"]["cognito:username"], "e2e");
        whole(e);
      });

      it(`HTTP API Lambda authorizer: POST ${size} allowed by {isAuthorized: true} → context in authorizer.lambda [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("http", "/lambda/upload"),
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream", "x-verdict: yes"],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = body(r);
        assert.deepEqual(e.authorizer!["lambda"], { tier: "gold", route: "ANY /lambda/{proxy+}" });
        whole(e);
      });
    }
  }
});
