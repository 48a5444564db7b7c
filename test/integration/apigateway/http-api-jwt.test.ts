import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { VIEWER_VERSIONS } from "../../support/viewer.js";
import { echoIntegration, HTTP_HOST, signJwt, startApis, type ApiHarness } from "./api-harness.js";

const ISSUER = "https://idp.example.com/pool-1";

describe("HTTP API JWT authorizers: issuer, audience, expiry, scopes, www-authenticate (apigateway.md §10.4)", () => {
  let h: ApiHarness;
  let dir: string;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const now = () => Math.floor(h.stack.clock.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: "app-client", sub: "user-9", iat: now() - 10, exp: now() + 3600, ...extra });
  const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "edgeparity-jwks-"));
    writeFileSync(join(dir, "jwks.json"), JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", use: "sig", alg: "RS256" }] }));
    h = await startApis({
      clock: "manual",
      httpApis: {
        app: {
          Authorizers: {
            idp: {
              AuthorizerType: "JWT",
              IdentitySource: ["$request.header.Authorization"],
              JwtConfiguration: { Issuer: ISSUER, Audience: ["app-client", "other-client"] },
            },
          },
          Routes: {
            "GET /me": { Target: "integrations/v2", AuthorizationType: "JWT", AuthorizerId: "idp" },
            "POST /pets": { Target: "integrations/v2", AuthorizationType: "JWT", AuthorizerId: "idp", AuthorizationScopes: ["pets:write", "admin"] },
            "GET /v1": { Target: "integrations/v1", AuthorizationType: "JWT", AuthorizerId: "idp" },
            "GET /open": { Target: "integrations/v2" },
          },
          Integrations: { v2: echoIntegration("2.0"), v1: echoIntegration("1.0") },
          Stages: { $default: {} },
        },
      },
      extra: { local: { jwks: { [ISSUER]: join(dir, "jwks.json") } } },
    });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const jwtContext = (r: { json: () => Record<string, unknown> }) =>
    ((r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as { jwt: { claims: Record<string, string>; scopes: string[] | null } }).jwt;
  const challenge = (d: string) => `Bearer scope="" error="invalid_token" error_description="${d}"`;

  for (const v of VIEWER_VERSIONS) {
    it(`a valid RS256 token (with or without "Bearer ") reaches the integration; claims as strings in requestContext.authorizer.jwt — HTTP/${v}`, async () => {
      const t = signJwt(privateKey, claims({ groups: ["a", "b"], n: 5 }));
      const r = await h.send(v, HTTP_HOST, "/me", bearer(t));
      assert.equal(r.status, 200);
      const jwt = jwtContext(r);
      assert.equal(jwt.claims["sub"], "user-9");
      assert.equal(jwt.claims["iss"], ISSUER);
      assert.equal(jwt.claims["n"], "5");
      assert.equal(jwt.claims["groups"], "[a b]");
      assert.equal((await h.send(v, HTTP_HOST, "/me", { headers: { Authorization: t } })).status, 200);
      assert.equal((await h.send(v, HTTP_HOST, "/open")).status, 200, "a route without authorizer needs no token");
    });

    it(`no token → 401 {"message":"Unauthorized"} with a www-authenticate challenge — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/me");
      assert.equal(r.status, 401);
      assert.equal(r.body.toString(), '{"message":"Unauthorized"}');
      assert.equal(r.headers["www-authenticate"], "Bearer");
      assert.equal(r.headers["x-amzn-errortype"], undefined);
    });

    it(`wrong audience → 401 with AWS's documented www-authenticate; client_id counts only without aud — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/me", bearer(signJwt(privateKey, claims({ aud: "someone-else" }))));
      assert.equal(r.status, 401);
      assert.equal(r.body.toString(), '{"message":"Unauthorized"}');
      assert.equal(r.headers["www-authenticate"], challenge("the token does not have a valid audience"));
      const { aud: _aud, ...noAud } = claims();
      assert.equal((await h.send(v, HTTP_HOST, "/me", bearer(signJwt(privateKey, { ...noAud, client_id: "other-client" })))).status, 200);
      const both = await h.send(v, HTTP_HOST, "/me", bearer(signJwt(privateKey, claims({ aud: "nope", client_id: "app-client" }))));
      assert.equal(both.status, 401, "aud is evaluated when both are present");
    });

    it(`wrong issuer, foreign signature, unknown kid, HS256, garbage → 401 invalid_token — HTTP/${v}`, async () => {
      const cases: [string, string][] = [
        [signJwt(privateKey, claims({ iss: "https://evil.example.com" })), "the token does not have a valid issuer"],
        [signJwt(other, claims()), "the token's signature is invalid"],
        [signJwt(privateKey, claims(), { kid: "k2" }), "the token's signing key is not in the issuer's key set"],
        [signJwt(privateKey, claims(), { alg: "HS256" }), "signing method HS256 is invalid"],
        ["not-a-jwt", "the token is malformed"],
      ];
      for (const [t, why] of cases) {
        const r = await h.send(v, HTTP_HOST, "/me", bearer(t));
        assert.equal(r.status, 401, why);
        assert.equal(r.headers["www-authenticate"], challenge(why));
      }
    });

    it(`exp on the stack clock: valid now, 401 "the token has expired" after stack.clock.advance() past it; nbf in the future → 401 — HTTP/${v}`, async () => {
      const t = signJwt(privateKey, claims({ exp: now() + 60 }));
      assert.equal((await h.send(v, HTTP_HOST, "/me", bearer(t))).status, 200);
      h.stack.clock.advance!(61_000);
      const r = await h.send(v, HTTP_HOST, "/me", bearer(t));
      assert.equal(r.status, 401);
      assert.equal(r.headers["www-authenticate"], challenge("the token has expired"));
      const early = await h.send(v, HTTP_HOST, "/me", bearer(signJwt(privateKey, claims({ nbf: now() + 100 }))));
      assert.equal(early.status, 401);
    });

    it(`AuthorizationScopes: one of the route's scopes in scope/scp → 200 with scopes in the event; none → 403 {"message":"Forbidden"} — HTTP/${v}`, async () => {
      const post = (c: Record<string, unknown>) =>
        h.send(v, HTTP_HOST, "/pets", { ...bearer(signJwt(privateKey, claims(c))), method: "POST", body: '{"name":"rex"}' });
      const denied = await post({ scope: "pets:read" });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.toString(), '{"message":"Forbidden"}');
      const ok = await post({ scope: "openid pets:write" });
      assert.equal(ok.status, 200);
      assert.deepEqual(jwtContext(ok).scopes, ["openid", "pets:write"]);
      assert.equal((await post({ scp: ["admin"] })).status, 200);
    });

    it(`payload 1.0 routes get the claims in requestContext.authorizer.claims — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/v1", bearer(signJwt(privateKey, claims())));
      assert.equal(r.status, 200);
      const a = (r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as { claims: Record<string, string> };
      assert.equal(a.claims["sub"], "user-9");
    });
  }
});

describe("HTTP API JWT authorizers: configuration (apigateway.md §10.4)", () => {
  const api = (authorizer: Record<string, unknown>, route: Record<string, unknown>) => ({
    httpApis: {
      app: {
        Authorizers: { idp: { AuthorizerType: "JWT", JwtConfiguration: { Issuer: ISSUER, Audience: ["x"] }, ...authorizer } },
        Routes: { "GET /me": { Target: "integrations/v2", AuthorizationType: "JWT", ...route } },
        Integrations: { v2: echoIntegration("2.0") },
        Stages: { $default: {} },
      },
    },
  });
  it("a JWT route naming no authorizer and an IdentitySource list of two are refused", async () => {
    await assert.rejects(
      startApis(api({ IdentitySource: ["$request.header.A", "$request.header.B"] }, { AuthorizerId: "nope" })),
      (e: Error) => /Invalid authorizer ID/.test(e.message) && /JWT authorizer's IdentitySource/.test(e.message),
    );
  });
  it("an Issuer without a key set at local.jwks is refused with the line to add", async () => {
    await assert.rejects(startApis(api({ IdentitySource: ["$request.header.Authorization"] }, { AuthorizerId: "idp" })), (e: Error) =>
      e.message.includes(`add local.jwks."${ISSUER}"`),
    );
  });
});

describe("HTTP API JWT authorizers: the issuer's OpenID discovery document bound locally (apigateway.md §10.4)", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const stackWith = (jwksFile: string) => ({
    httpApis: {
      app: {
        Authorizers: {
          idp: { AuthorizerType: "JWT", IdentitySource: ["$request.header.Authorization"], JwtConfiguration: { Issuer: ISSUER, Audience: ["app-client"] } },
        },
        Routes: { "GET /me": { Target: "integrations/v2", AuthorizationType: "JWT", AuthorizerId: "idp" } },
        Integrations: { v2: echoIntegration("2.0") },
        Stages: { $default: {} },
      },
    },
    extra: { local: { jwks: { [ISSUER]: jwksFile } } },
  });
  it("local.jwks.<Issuer> may name the openid-configuration: its jwks_uri (relative) gives the keys; a wrong issuer or a remote jwks_uri is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edgeparity-oidc-"));
    try {
      writeFileSync(join(dir, "keys.json"), JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", use: "sig" }] }));
      writeFileSync(join(dir, "openid-configuration"), JSON.stringify({ issuer: ISSUER, jwks_uri: "keys.json" }));
      writeFileSync(join(dir, "wrong-issuer.json"), JSON.stringify({ issuer: "https://other.example.com", jwks_uri: "keys.json" }));
      writeFileSync(join(dir, "remote.json"), JSON.stringify({ issuer: ISSUER, jwks_uri: "https://idp.example.com/keys" }));
      const h = await startApis(stackWith(join(dir, "openid-configuration")));
      try {
        const now = Math.floor(h.stack.clock.now() / 1000);
        for (const v of VIEWER_VERSIONS) {
          const r = await h.send(v, HTTP_HOST, "/me", {
            headers: { Authorization: `Bearer ${signJwt(privateKey, { iss: ISSUER, aud: "app-client", exp: now + 60 })}` },
          });
          assert.equal(r.status, 200, `HTTP/${v}`);
        }
      } finally {
        await h.close();
      }
      await assert.rejects(startApis(stackWith(join(dir, "wrong-issuer.json"))), (e: Error) =>
        e.message.includes(`the discovery document's issuer "https://other.example.com" is not ${ISSUER}`),
      );
      await assert.rejects(startApis(stackWith(join(dir, "remote.json"))), (e: Error) => e.message.includes("is remote (no network)"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
