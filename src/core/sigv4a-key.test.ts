import assert from "node:assert/strict";
import { it } from "node:test";
import { SignatureV4a } from "@aws-sdk/signature-v4a";
import { Sha256 } from "./sha256.js";
import { ApiSignatureVerifier } from "./sigv4.js";
import { deriveSigV4aPublicKey, SIGV4A_ALGORITHM, verifySigV4aSignature } from "./sigv4a-key.js";

/**
 * SigV4A verification (IAM User Guide "Create a signed AWS API request", SigV4a): requests signed by
 * the SDK's own SigV4A signer verify against the public key edgeparity derives from the same
 * secret; any other secret, a changed byte, or an unsigned region set does not.
 */
const LOCAL = [{ accessKeyId: "test", secretAccessKey: "test" }];
const path = "/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A000000000000%3Akey-value-store%2Fs/keys/a%2Fb";

async function signed(secretAccessKey = "test", body = '{"Value":"v"}') {
  const signer = new SignatureV4a({ credentials: { accessKeyId: "test", secretAccessKey }, region: "*", service: "cloudfront-keyvaluestore", sha256: Sha256 });
  const now = Date.now();
  const req = await signer.sign(
    {
      method: "PUT",
      protocol: "http:",
      hostname: "000000000000.localhost",
      port: 4480,
      path,
      query: {},
      headers: { host: "000000000000.localhost:4480", "if-match": "E1", "content-type": "application/json" },
      body,
    },
    { signingDate: new Date(now) },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers as Record<string, string>)) headers[k.toLowerCase()] = v;
  return { headers, body: Buffer.from(body), now };
}

const verify = (s: Awaited<ReturnType<typeof signed>>, o: { body?: Buffer; headers?: Record<string, string> } = {}) =>
  new ApiSignatureVerifier(LOCAL).verify({
    method: "PUT",
    rawPath: path,
    query: new URLSearchParams(),
    headers: { ...s.headers, ...o.headers },
    body: o.body ?? s.body,
    now: s.now,
  });

it("sigv4a: a request the SDK's SigV4A signer signed with the local secret verifies; the scope has no region and X-Amz-Region-Set is signed", async () => {
  const s = await signed();
  assert.match(
    s.headers.authorization!,
    new RegExp(`^${SIGV4A_ALGORITHM} Credential=test/\\d{8}/cloudfront-keyvaluestore/aws4_request, SignedHeaders=[^,]*x-amz-region-set`),
  );
  assert.equal(s.headers["x-amz-region-set"], "*");
  assert.deepEqual(await verify(s), { ok: true, accessKeyId: "test" });
});

it("sigv4a: another secret, a changed body or a changed signed header is SignatureDoesNotMatch; an unknown key InvalidClientTokenId", async () => {
  const s = await signed();
  assert.equal(((await verify(await signed("other"))) as { code: string }).code, "SignatureDoesNotMatch");
  assert.equal(((await verify(s, { body: Buffer.from('{"Value":"w"}') })) as { code: string }).code, "SignatureDoesNotMatch");
  assert.equal(((await verify(s, { headers: { "if-match": "E2" } })) as { code: string }).code, "SignatureDoesNotMatch");
  const unknown = { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace("Credential=test/", "Credential=nobody/") } };
  assert.equal(((await verify(unknown)) as { code: string }).code, "InvalidClientTokenId");
});

it("sigv4a: a signature that does not sign X-Amz-Region-Set is IncompleteSignature; a malformed DER signature does not match", async () => {
  const s = await signed();
  const unsignedSet = { ...s, headers: { ...s.headers, authorization: s.headers.authorization!.replace(";x-amz-region-set", "") } };
  assert.equal(((await verify(unsignedSet)) as { code: string }).code, "IncompleteSignature");
  assert.equal(verifySigV4aSignature(deriveSigV4aPublicKey("test", "test"), "x", "3006020101020101"), false);
  assert.equal(verifySigV4aSignature(deriveSigV4aPublicKey("test", "test"), "x", "zz"), false);
});
