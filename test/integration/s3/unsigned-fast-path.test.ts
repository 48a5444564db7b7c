import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { sendWire, WIRE_PROTOCOLS } from "../../support/s3-wire.js";

/**
 * An unsigned request is treated as anonymous without going through the signature verifier
 * (issue 14, s3-service.ts #dispatch). Anything that carries a signature part — an Authorization
 * header, one SigV4 or SigV2 query parameter — must still be verified and refused as S3 does
 * (s3.md §7: authentication errors), never served as anonymous.
 */
describe("s3 unsigned requests", () => {
  let stack: EdgeparityStack;
  const Bucket = "public-bucket";
  const host = `${Bucket}.s3.localhost`;
  before(async () => {
    stack = await startEdgeparity({
      config: {
        buckets: {
          [Bucket]: {
            Policy: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${Bucket}/*` }],
            },
          },
        },
      },
    });
    assert.equal((await sendWire(stack, "HTTP/1.1", { method: "PUT", host, path: "/o.txt", body: "public body" })).status, 200);
  });
  after(async () => {
    await stack.close();
  });

  for (const protocol of WIRE_PROTOCOLS) {
    it(`an unsigned GET of a public object is served twice (file, then memory), ${protocol} (s3.md §8)`, async () => {
      for (let i = 0; i < 2; i++) {
        const r = await sendWire(stack, protocol, { method: "GET", host, path: "/o.txt", sign: false });
        assert.equal(r.status, 200);
        assert.equal(r.text, "public body");
      }
    });

    it(`a SigV2 query signature is still refused, ${protocol} (s3.md §7)`, async () => {
      const r = await sendWire(stack, protocol, { method: "GET", host, path: "/o.txt?AWSAccessKeyId=test&Expires=1&Signature=x", sign: false });
      assert.equal(r.status, 403);
      assert.match(r.text, /<Code>AccessDenied<\/Code><Message>Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters/);
    });

    it(`a lone X-Amz-Signature query parameter is still refused, ${protocol} (s3.md §7)`, async () => {
      const r = await sendWire(stack, protocol, { method: "GET", host, path: "/o.txt?X-Amz-Signature=abc", sign: false });
      assert.equal(r.status, 400);
      assert.match(r.text, /<Code>AuthorizationQueryParametersError<\/Code>/);
    });

    it(`a malformed Authorization header is still refused, ${protocol} (s3.md §7)`, async () => {
      const r = await sendWire(stack, protocol, { method: "GET", host, path: "/o.txt", sign: false, headers: { authorization: "AWS4-HMAC-SHA256 nonsense" } });
      assert.equal(r.status, 400);
      assert.match(r.text, /<Code>AuthorizationHeaderMalformed<\/Code>/);
    });
  }
});
