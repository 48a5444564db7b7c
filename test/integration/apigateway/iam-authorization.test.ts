import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { LOCAL_ACCOUNT_ID } from "../../../src/core/account.js";
import { signForExecuteApi, type SigningOptions } from "../../support/sigv4-request.js";
import { VIEWER_VERSIONS, type ViewerRequest, type ViewerVersion } from "../../support/viewer.js";
import { echoIntegration, HTTP_HOST, lambdaProxy, REST_HOST, startApis, type ApiHarness } from "./api-harness.js";

/**
 * AWS_IAM methods (REST) and routes (HTTP API): requests signed by the AWS SDK v3 signer with the
 * local keys (test/test) reach the integration with the caller in the event; unsigned, non-SigV4,
 * unknown-key, wrongly scoped, stale and forged signatures get API Gateway's 403s
 * (apigateway.md §2, §11 INVALID_SIGNATURE / MISSING_AUTHENTICATION_TOKEN).
 */
const BODIES = { "0 B": Buffer.alloc(0), "1 KB": randomBytes(1024), "2 MiB": randomBytes(2 * 1024 * 1024) };

describe("AWS_IAM authorization: SigV4 against the local credentials (apigateway.md §2, §11)", () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApis({
      clock: "manual",
      restApis: {
        api: {
          Resources: {
            "/items": { Methods: { ANY: { ...lambdaProxy("echo"), AuthorizationType: "AWS_IAM" } } },
            "/open": { Methods: { GET: lambdaProxy("echo") } },
          },
          Stages: { prod: {} },
        },
      },
      httpApis: {
        app: {
          Routes: {
            "ANY /items": { Target: "integrations/v2", AuthorizationType: "AWS_IAM" },
            "GET /v1": { Target: "integrations/v1", AuthorizationType: "AWS_IAM" },
          },
          Integrations: { v2: echoIntegration("2.0"), v1: echoIntegration("1.0") },
          Stages: { $default: {} },
        },
      },
    });
  });
  after(() => h.close());

  const signed = (v: ViewerVersion, host: string, path: string, r: ViewerRequest = {}, o: SigningOptions = {}) =>
    signForExecuteApi(h.stack, v, host, path, r, { signingDate: new Date(h.stack.clock.now()), ...o });
  const message = (r: { body: Buffer }) => (JSON.parse(r.body.toString()) as { message: string }).message;

  for (const v of VIEWER_VERSIONS) {
    for (const [size, body] of Object.entries(BODIES)) {
      it(`REST: a POST of ${size} signed by the SDK v3 signer reaches the function; identity.accessKey / accountId / caller / userArn filled — HTTP/${v}`, async () => {
        const req = await signed(v, REST_HOST, "/prod/items?a=1&b=x%20y", { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
        const r = await h.send(v, REST_HOST, "/prod/items?a=1&b=x%20y", req);
        assert.equal(r.status, 200, r.body.toString().slice(0, 300));
        const e = r.json() as { body: string | null; headers: Record<string, string>; requestContext: { identity: Record<string, unknown> } };
        assert.deepEqual(
          Object.keys(e.headers).filter((k) => k.toLowerCase() === "authorization"),
          [],
          "the SigV4 Authorization header is not passed to the integration (apigateway.md §4)",
        );
        assert.ok(
          Object.keys(e.headers).some((k) => k.toLowerCase() === "x-amz-date"),
          "other signed headers are",
        );
        assert.equal(e.body === null, body.length === 0, "the signed body reached the function");
        const id = e.requestContext.identity;
        assert.equal(id["accessKey"], "test");
        assert.equal(id["accountId"], LOCAL_ACCOUNT_ID);
        assert.equal(id["caller"], LOCAL_ACCOUNT_ID);
        assert.equal(id["user"], LOCAL_ACCOUNT_ID);
        assert.equal(id["userArn"], `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`);
      });

      it(`HTTP API: a PUT of ${size} signed → 200, payload 2.0 requestContext.authorizer.iam — HTTP/${v}`, async () => {
        const req = await signed(v, HTTP_HOST, "/items", { method: "PUT", body });
        const r = await h.send(v, HTTP_HOST, "/items", req);
        assert.equal(r.status, 200, r.body.toString().slice(0, 300));
        const iam = ((r.json()["requestContext"] as Record<string, unknown>)["authorizer"] as { iam: Record<string, unknown> }).iam;
        assert.deepEqual(iam, {
          accessKey: "test",
          accountId: LOCAL_ACCOUNT_ID,
          callerId: LOCAL_ACCOUNT_ID,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
          userId: LOCAL_ACCOUNT_ID,
        });
      });
    }

    it(`unsigned: REST 403 {"message":"Missing Authentication Token"}, HTTP API 403 {"message":"Forbidden"}; an open method needs nothing — HTTP/${v}`, async () => {
      const rest = await h.send(v, REST_HOST, "/prod/items");
      assert.equal(rest.status, 403);
      assert.equal(rest.body.toString(), '{"message":"Missing Authentication Token"}');
      assert.equal(rest.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
      const http = await h.send(v, HTTP_HOST, "/items", { method: "POST", body: "x" });
      assert.equal(http.status, 403);
      assert.equal(http.body.toString(), '{"message":"Forbidden"}');
      assert.equal((await h.send(v, REST_HOST, "/prod/open")).status, 200);
    });

    it(`a Bearer token on an AWS_IAM method → 403 IncompleteSignatureException (apigateway.md §2 [obs]) — HTTP/${v}`, async () => {
      const r = await h.send(v, REST_HOST, "/prod/items", { headers: { Authorization: "Bearer abc" } });
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-amzn-errortype"], "IncompleteSignatureException");
      assert.match(message(r), /^Invalid key=value pair \(missing equal-sign\) in Authorization header/);
    });

    it(`a wrong secret → 403 InvalidSignatureException quoting the canonical request and string to sign it expected — HTTP/${v}`, async () => {
      const req = await signed(v, REST_HOST, "/prod/items", { method: "POST", body: "hello" }, { secretAccessKey: "not-the-secret" });
      const r = await h.send(v, REST_HOST, "/prod/items", req);
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-amzn-errortype"], "InvalidSignatureException");
      const m = message(r);
      assert.ok(m.startsWith("The request signature we calculated does not match the signature you provided."), m);
      assert.match(m, /\n\nThe Canonical String for this request should have been\n'POST\n\/prod\/items\n/);
      assert.match(
        m,
        /\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/us-east-1\/execute-api\/aws4_request\n[0-9a-f]{64}'\n$/,
      );
      // A body changed after signing fails the same way.
      const tampered = await signed(v, REST_HOST, "/prod/items", { method: "POST", body: "hello" });
      const t = await h.send(v, REST_HOST, "/prod/items", { ...tampered, body: "HELLO" });
      assert.equal(t.status, 403);
      assert.equal(t.headers["x-amzn-errortype"], "InvalidSignatureException");
    });

    it(`an unknown access key → 403 UnrecognizedClientException; another region or service → InvalidSignatureException — HTTP/${v}`, async () => {
      const unknown = await h.send(v, REST_HOST, "/prod/items", await signed(v, REST_HOST, "/prod/items", {}, { accessKeyId: "AKIDEXAMPLE" }));
      assert.equal(unknown.status, 403);
      assert.equal(unknown.headers["x-amzn-errortype"], "UnrecognizedClientException");
      assert.equal(unknown.body.toString(), '{"message":"The security token included in the request is invalid."}');
      const region = await h.send(v, REST_HOST, "/prod/items", await signed(v, REST_HOST, "/prod/items", {}, { region: "eu-west-1" }));
      assert.equal(region.status, 403);
      assert.equal(message(region), "Credential should be scoped to a valid region, not 'eu-west-1'. ");
      const service = await h.send(v, HTTP_HOST, "/items", await signed(v, HTTP_HOST, "/items", {}, { service: "s3" }));
      assert.equal(service.status, 403);
      assert.equal(message(service), "Credential should be scoped to correct service: 'execute-api'. ");
    });

    it(`a signature older than 5 minutes on the stack clock → 403 "Signature expired: …" — HTTP/${v}`, async () => {
      const req = await signed(v, REST_HOST, "/prod/items");
      assert.equal((await h.send(v, REST_HOST, "/prod/items", req)).status, 200);
      h.stack.clock.advance!(5 * 60_000 + 1000);
      const r = await h.send(v, REST_HOST, "/prod/items", req);
      assert.equal(r.status, 403);
      assert.equal(r.headers["x-amzn-errortype"], "InvalidSignatureException");
      assert.match(message(r), /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    });

    it(`HTTP API payload 1.0 route: the caller in requestContext.identity — HTTP/${v}`, async () => {
      const r = await h.send(v, HTTP_HOST, "/v1", await signed(v, HTTP_HOST, "/v1"));
      assert.equal(r.status, 200, r.body.toString());
      const id = (r.json()["requestContext"] as { identity: Record<string, unknown> }).identity;
      assert.equal(id["accessKey"], "test");
      assert.equal(id["userArn"], `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`);
    });
  }
});
