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
 * The real CLI (`edgeparity up`, a child process) with a REST API guarded by a TOKEN Lambda
 * authorizer and an API key in a usage plan, and an HTTP API guarded by a JWT authorizer whose
 * keys come from a JWKS file; curl speaks HTTP/1.1 and HTTP/2 with bodies of 0 B, 1 KB and 2 MiB
 * (apigateway.md §8, §10.1, §10.4).
 */
const ISSUER = "https://idp.example.com/e2e";
const API_KEY = "e2e-key-0123456789abcdefgh";
const FN = "arn:aws:lambda:us-east-1:123456789012:function";
const STACK = `
restApis:
  app:
    BinaryMediaTypes: [application/octet-stream]
    Authorizers:
      tok:
        Type: TOKEN
        AuthorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:auth/invocations
        IdentitySource: method.request.header.Authorization
    Resources:
      /{proxy+}:
        Methods:
          ANY:
            AuthorizationType: CUSTOM
            AuthorizerId: tok
            ApiKeyRequired: true
            Integration:
              Type: AWS_PROXY
              IntegrationHttpMethod: POST
              Uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}:app/invocations
    Stages:
      prod: {}
httpApis:
  web:
    Authorizers:
      idp:
        AuthorizerType: JWT
        IdentitySource: [$request.header.Authorization]
        JwtConfiguration: { Issuer: "${ISSUER}", Audience: [e2e-client] }
    Routes:
      ANY /{proxy+}:
        Target: integrations/app
        AuthorizationType: JWT
        AuthorizerId: idp
    Integrations:
      app:
        IntegrationType: AWS_PROXY
        IntegrationUri: ${FN}:app
        PayloadFormatVersion: "2.0"
    Stages:
      $default: {}
apiKeys:
  e2e: { Value: ${API_KEY} }
usagePlans:
  plan: { ApiStages: [{ ApiId: app, Stage: prod }], Quota: { Limit: 1000, Period: DAY } }
usagePlanKeys:
  - { UsagePlanId: plan, KeyId: e2e, KeyType: API_KEY }
local:
  functions:
    app: { handler: app.mjs }
    auth: { handler: auth.mjs }
  restApis:
    app: { apiId: restauth01 }
  httpApis:
    web: { apiId: httpauth01 }
  jwks:
    "${ISSUER}": jwks.json
`;
const APP = `import { createHash } from "node:crypto";
export const handler = async (event) => {
  const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const bodySha256 = createHash("sha256").update(bytes).digest("hex");
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ authorizer: event.requestContext.authorizer, bodyLength: bytes.length, bodySha256 }) };
};
`;
const AUTH = `export const handler = async (event) => {
  if (event.authorizationToken !== "let-me-in") throw new Error("Unauthorized");
  return { principalId: "e2e-user", policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn.split("/").slice(0, 2).join("/") + "/*" }] }, context: { tier: "gold" } };
};
`;

describe("e2e: edgeparity up — REST TOKEN authorizer + API key, HTTP API JWT authorizer, over curl", () => {
  let work: string;
  let s: CliSession;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  let jwt: string;
  // stack.apis is keyed by API name: REST "app", HTTP "web".
  const url = (api: "rest" | "http", path: string) => {
    const apis = s.ready["apis"] as Record<string, { stages: Record<string, string> }>;
    const base = api === "rest" ? apis["app"]!.stages["prod"]! : apis["web"]!.stages["$default"]!;
    return new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`).href;
  };
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-apigw-auth-"));
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await writeFile(join(work, "jwks.json"), JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "e2e", alg: "RS256", use: "sig" }] }));
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const signing = `${enc({ alg: "RS256", kid: "e2e" })}.${enc({ iss: ISSUER, aud: "e2e-client", sub: "e2e-sub", exp: Math.floor(Date.now() / 1000) + 3600 })}`;
    jwt = `${signing}.${sign("sha256", Buffer.from(signing), privateKey).toString("base64url")}`;
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

  for (const http of HTTP_VERSIONS) {
    it(`REST: no token → 401 Unauthorized; a token without x-api-key → 403 Forbidden (apigateway.md §10.1, §8) [HTTP/${http}]`, async () => {
      const none = await curlExchange({ url: url("rest", "/x"), method: "GET", http, cacert: s.caPath, headers: [`x-api-key: ${API_KEY}`] });
      assert.equal(none.status, 401, describeResult(none));
      assert.equal(none.body.toString(), '{"message":"Unauthorized"}');
      const nokey = await curlExchange({ url: url("rest", "/x"), method: "GET", http, cacert: s.caPath, headers: ["authorization: let-me-in"] });
      assert.equal(nokey.status, 403, describeResult(nokey));
      assert.equal(nokey.body.toString(), '{"message":"Forbidden"}');
    });

    it(`HTTP API: a token from another audience → 401 with www-authenticate (apigateway.md §10.4) [HTTP/${http}]`, async () => {
      const r = await curlExchange({ url: url("http", "/x"), method: "GET", http, cacert: s.caPath, headers: ["authorization: Bearer a.b.c"] });
      assert.equal(r.status, 401, describeResult(r));
      assert.match(String(r.headers["www-authenticate"]), /^Bearer scope="" error="invalid_token" error_description=/);
    });

    for (const size of BODY_SIZES) {
      it(`REST: POST ${size} with token and API key reaches the function whole, authorizer context attached [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("rest", "/upload"),
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream", "authorization: let-me-in", `x-api-key: ${API_KEY}`],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = JSON.parse(r.body.toString()) as { authorizer: Record<string, unknown>; bodyLength: number; bodySha256: string };
        assert.equal(e.authorizer["principalId"], "e2e-user");
        assert.equal(e.authorizer["tier"], "gold");
        assert.equal(e.bodyLength, bodies[size].bytes.length);
        assert.equal(e.bodySha256, sha256(bodies[size].bytes));
      });

      it(`HTTP API: POST ${size} with a signed JWT reaches the function whole, claims attached [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: url("http", "/upload"),
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream", `authorization: Bearer ${jwt}`],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        const e = JSON.parse(r.body.toString()) as { authorizer: { jwt: { claims: Record<string, string> } }; bodyLength: number; bodySha256: string };
        assert.equal(e.authorizer.jwt.claims["sub"], "e2e-sub");
        assert.equal(e.bodyLength, bodies[size].bytes.length);
        assert.equal(e.bodySha256, sha256(bodies[size].bytes));
      });
    }
  }
});
