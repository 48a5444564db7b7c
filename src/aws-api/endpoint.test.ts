import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { it } from "node:test";
import { isAccountEndpointHost, signingService } from "./endpoint.js";

/** Issue 11 "One endpoint for every service": the service comes from the SigV4 / SigV4A scope, never from the path. */
const req = (headers: Record<string, string>, url = "/") => ({ headers, url }) as unknown as IncomingMessage;

it("endpoint: the signing service of a SigV4 scope, of a SigV4A scope (no region), of a presigned URL; unsigned is S3", () => {
  const v4 = "AWS4-HMAC-SHA256 Credential=test/20261201/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64);
  const v4a = "AWS4-ECDSA-P256-SHA256 Credential=test/20261201/cloudfront-keyvaluestore/aws4_request, SignedHeaders=host;x-amz-region-set, Signature=3045";
  assert.equal(signingService(req({ authorization: v4 })), "cloudfront");
  assert.equal(signingService(req({ authorization: v4a })), "cloudfront-keyvaluestore");
  assert.equal(
    signingService(req({}, "/k?X-Amz-Credential=test%2F20261201%2Fcloudfront-keyvaluestore%2Faws4_request&X-Amz-Signature=1")),
    "cloudfront-keyvaluestore",
  );
  assert.equal(signingService(req({}, "/b/k?X-Amz-Credential=test%2F20261201%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=1")), "s3");
  assert.equal(signingService(req({})), "s3");
});

it("endpoint: `<account id>.localhost` (the KeyValueStore SDK's endpoint rule) is the API endpoint; other names are not", () => {
  assert.equal(isAccountEndpointHost("000000000000.localhost"), true);
  assert.equal(isAccountEndpointHost("123456789012.127.0.0.1"), true);
  assert.equal(isAccountEndpointHost("d123.cloudfront.localhost"), false);
  assert.equal(isAccountEndpointHost("0000.localhost"), false);
  assert.equal(isAccountEndpointHost("000000000000.localhost.example.com"), false);
});
