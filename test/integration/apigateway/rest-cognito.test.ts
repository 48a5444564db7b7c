import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { lambdaProxy, REST_HOST, signJwt as signWith, startApis, type ApiHarness } from "./api-harness.js";

const signJwt = (key: KeyObject, claims: Record<string, unknown>) => signWith(key, claims, { kid: "pool-key" });

/**
 * REST COGNITO_USER_POOLS authorizers (apigateway.md §10.2): tokens of the ProviderARNs' pools,
 * keys from the JWKS bound at `local.jwks.<issuer>`; ID tokens on methods without scopes, access
 * tokens with one of the method's AuthorizationScopes; 401 {"message":"Unauthorized"} otherwise.
 */
const POOL = "us-east-1_Local1234";
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const POOL_ARN = `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${POOL}`;
const cognito = (scopes?: string[]) => ({
  ...lambdaProxy("echo"),
  AuthorizationType: "COGNITO_USER_POOLS",
  AuthorizerId: "pool",
  ...(scopes ? { AuthorizationScopes: scopes } : {}),
});

describe("REST Cognito user pool authorizers: ID and access tokens, scopes, claims (apigateway.md §10.2)", () => {
  let h: ApiHarness;
  let dir: string;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const now = () => Math.floor(h.stack.clock.now() / 1000);
  const idToken = (extra: Record<string, unknown> = {}) =>
    signJwt(privateKey, {
      iss: ISSUER,
      aud: "client-1",
      sub: "u-1",
      token_use: "id",
      "cognito:username": "alice",
      email: "a@example.com",
      iat: now() - 5,
      exp: now() + 3600,
      ...extra,
    });
  const accessToken = (scope: string, extra: Record<string, unknown> = {}) =>
    signJwt(privateKey, { iss: ISSUER, client_id: "client-1", sub: "u-1", token_use: "access", scope, iat: now() - 5, exp: now() + 3600, ...extra });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgeparity-cognito-"));
    writeFileSync(join(dir, "pool.json"), JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "pool-key", alg: "RS256", use: "sig" }] }));
    h = await startApis({
      clock: "manual",
      restApis: {
        api: {
          Authorizers: { pool: { Type: "COGNITO_USER_POOLS", ProviderARNs: [POOL_ARN], IdentitySource: "method.request.header.Authorization" } },
          Resources: { "/me": { Methods: { ANY: cognito() } }, "/orders": { Methods: { GET: cognito(["orders/read", "admin"]) } } },
          Stages: { prod: {} },
        },
      },
      extra: { local: { jwks: { [ISSUER]: join(dir, "pool.json") } } },
    });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const claims = (r: { json: () => Record<string, unknown> }) =>
    ((r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as { claims: Record<string, string> }).claims;
  const unauthorized = (r: { status: number; body: Buffer; headers: Record<string, unknown> }, why: string) => {
    assert.equal(r.status, 401, why);
    assert.equal(r.body.toString(), '{"message":"Unauthorized"}', why);
    assert.equal(r.headers["x-amzn-errortype"], "UnauthorizedException", why);
  };

  for (const v of VIEWER_VERSIONS) {
    for (const [size, body] of [
      ["0 B", Buffer.alloc(0)],
      ["1 KB", randomBytes(1024)],
      ["2 MiB", randomBytes(2 * 1024 * 1024)],
    ] as const)
      it(`an ID token (raw or "Bearer ") on a method without scopes: a POST of ${size} reaches the function, claims in requestContext.authorizer.claims — HTTP/${v}`, async () => {
        const r = await h.send(v, REST_HOST, "/prod/me", { method: "POST", headers: { Authorization: idToken() }, body });
        assert.equal(r.status, 200, r.body.toString().slice(0, 200));
        const c = claims(r);
        assert.equal(c["cognito:username"], "alice");
        assert.equal(c["token_use"], "id");
        assert.equal(c["iss"], ISSUER);
        assert.equal(typeof c["exp"], "string", "claim values are strings");
        assert.equal(r.json()["body"] === null, body.length === 0);
        assert.equal((await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: `Bearer ${idToken()}` } })).status, 200);
      });

    it(`no token, another pool's key, expired, an access token where an ID token is needed → 401 UnauthorizedException — HTTP/${v}`, async () => {
      unauthorized(await h.send(v, REST_HOST, "/prod/me"), "no token");
      unauthorized(
        await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: signJwt(stranger, { iss: ISSUER, token_use: "id", exp: now() + 60 }) } }),
        "foreign key",
      );
      unauthorized(
        await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: idToken({ iss: "https://cognito-idp.us-east-1.amazonaws.com/other" }) } }),
        "other issuer",
      );
      unauthorized(await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: accessToken("admin") } }), "access token without method scopes");
      const t = idToken({ exp: now() + 30 });
      assert.equal((await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: t } })).status, 200);
      h.stack.clock.advance!(31_000);
      unauthorized(await h.send(v, REST_HOST, "/prod/me", { headers: { Authorization: t } }), "expired on the stack clock");
    });

    it(`AuthorizationScopes: an access token with one of them → 200; without, or an ID token → 401 — HTTP/${v}`, async () => {
      assert.equal((await h.send(v, REST_HOST, "/prod/orders", { headers: { Authorization: accessToken("openid orders/read") } })).status, 200);
      unauthorized(await h.send(v, REST_HOST, "/prod/orders", { headers: { Authorization: accessToken("orders/write") } }), "no matching scope");
      unauthorized(await h.send(v, REST_HOST, "/prod/orders", { headers: { Authorization: idToken() } }), "ID token on a scoped method");
    });
  }
});

describe("REST Cognito user pool authorizers: configuration (apigateway.md §10.2)", () => {
  it("no ProviderARNs, a pool without a key set at local.jwks, and a COGNITO method naming a TOKEN authorizer are refused", async () => {
    await assert.rejects(
      startApis({
        restApis: {
          api: {
            Authorizers: {
              a: { Type: "COGNITO_USER_POOLS", IdentitySource: "method.request.header.Authorization" },
              tok: {
                Type: "TOKEN",
                AuthorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:echo/invocations",
                IdentitySource: "method.request.header.Authorization",
              },
            },
            Resources: { "/x": { Methods: { GET: { ...lambdaProxy("echo"), AuthorizationType: "COGNITO_USER_POOLS", AuthorizerId: "tok" } } } },
            Stages: { prod: {} },
          },
        },
      }),
      (e: Error) => /ProviderARNs must be specified/.test(e.message) && /COGNITO_USER_POOLS Authorizers/.test(e.message),
    );
    await assert.rejects(
      startApis({
        restApis: {
          api: {
            Authorizers: { a: { Type: "COGNITO_USER_POOLS", ProviderARNs: [POOL_ARN], IdentitySource: "method.request.header.Authorization" } },
            Resources: { "/x": { Methods: { GET: { ...lambdaProxy("echo"), AuthorizationType: "COGNITO_USER_POOLS", AuthorizerId: "a" } } } },
            Stages: { prod: {} },
          },
        },
      }),
      (e: Error) => e.message.includes(`add local.jwks."${ISSUER}"`),
    );
  });
});
