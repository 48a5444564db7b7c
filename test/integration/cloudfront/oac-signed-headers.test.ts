import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl, HTTP_VERSIONS } from "../../support/curl-matrix.js";
import { ALL_METHODS, CACHING_DISABLED } from "../../support/stacks.js";

/**
 * OAC signs the origin request S3 receives, header for header (cloudfront.md §10.4, s3.md §7.1):
 * a header that is signed but not sent (a DELETE's `Content-Length: 0`, which the origin client
 * leaves out for a method without a body, RFC 9110 §8.6) made S3 answer SignatureDoesNotMatch.
 */
describe("CloudFront OAC: the signed headers are the sent headers (cloudfront.md §10.4)", () => {
  let stack: EdgeparityStack;
  let dir: string;
  const bodies = { "0 B": 0, small: 5, "> 1 MB": 1_200_000 };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-oac-"));
    for (const size of Object.values(bodies)) writeFileSync(join(dir, `${size}`), Buffer.alloc(size, 120));
    stack = await startEdgeparity({
      config: {
        buckets: {
          "oac-sign-bucket": {
            Policy: {
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "cloudfront.amazonaws.com" },
                  Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                  Resource: "arn:aws:s3:::oac-sign-bucket/*",
                },
              ],
            },
          },
        },
        originAccessControls: { oac: { SigningBehavior: "always" } },
        distributions: {
          signed: {
            Origins: {
              Items: [
                {
                  Id: "b",
                  DomainName: "oac-sign-bucket.s3.us-east-1.amazonaws.com",
                  OriginAccessControlId: "oac",
                  S3OriginConfig: { OriginAccessIdentity: "" },
                },
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "b", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
      },
    });
  });
  after(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (key: string) => `${stack.distributions.signed!.url}${key}`;

  for (const v of HTTP_VERSIONS) {
    const tag = v === "--http2" ? "h2" : "h1";
    for (const [name, size] of Object.entries(bodies)) {
      it(`OAC ${v}: PUT (${name}), then DELETE with Content-Length: 0 through CloudFront is accepted by S3 (cloudfront.md §10.4)`, async () => {
        const key = `obj-${tag}-${name.replace(/\W/g, "")}.txt`;
        const put = await curl(url(key), v, { caPath: stack.caPath, args: ["-X", "PUT", "--data-binary", `@${join(dir, `${size}`)}`] });
        assert.equal(put.status, 200, `PUT: ${put.body}`);
        const got = await curl(url(key), v, { caPath: stack.caPath });
        assert.equal(got.status, 200);
        assert.equal(got.body.length, size);
        const del = await curl(url(key), v, { caPath: stack.caPath, args: ["-X", "DELETE", "-H", "Content-Length: 0"] });
        assert.equal(del.status, 204, `DELETE: ${del.body}`);
        // Gone: without s3:ListBucket the OAC principal is told 403 AccessDenied, not 404 (s3.md §4.3).
        const after = await curl(url(key), v, { caPath: stack.caPath });
        assert.equal(after.status, 403);
        assert.match(after.body, /<Code>AccessDenied<\/Code>/);
      });
    }

    it(`OAC ${v}: a DELETE without Content-Length, and a GET with Content-Length: 0, are signed as sent`, async () => {
      const key = `plain-${tag}.txt`;
      assert.equal((await curl(url(key), v, { caPath: stack.caPath, args: ["-X", "PUT", "--data-binary", "abc"] })).status, 200);
      const get0 = await curl(url(key), v, { caPath: stack.caPath, args: ["-H", "Content-Length: 0"] });
      assert.equal(get0.status, 200, get0.body);
      const del = await curl(url(key), v, { caPath: stack.caPath, args: ["-X", "DELETE"] });
      assert.equal(del.status, 204, del.body);
    });
  }
});
