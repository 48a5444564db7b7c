import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { CACHING_DISABLED, CACHING_OPTIMIZED, CORS_S3_ORIGIN } from "../../support/stacks.js";
import { localS3Client } from "../../support/s3-client.js";

const POLICY_PUBLIC_READ_HTTPS_ONLY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::cors-bucket/*" },
    { Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::cors-bucket/private/*" },
  ],
};

/** CORS verdicts and bucket policies over real sockets, direct and through CloudFront (s3.md §6, §8). */
describe("s3 CORS and bucket policy", () => {
  let stack: EdgeparityStack;
  let base: string;
  before(async () => {
    stack = await startEdgeparity({
      config: {
        buckets: {
          "cors-bucket": {
            CORSConfiguration: {
              CORSRules: [
                {
                  AllowedMethods: ["PUT"],
                  AllowedOrigins: ["https://*.example.com"],
                  AllowedHeaders: ["content-type", "x-amz-*"],
                  ExposeHeaders: ["ETag"],
                  MaxAgeSeconds: 600,
                },
                { AllowedMethods: ["GET", "HEAD"], AllowedOrigins: ["*"] },
              ],
            },
            Policy: POLICY_PUBLIC_READ_HTTPS_ONLY,
          },
          "plain-bucket": {},
          "oac-bucket": {
            CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["https://app.example.com"] }] },
            Policy: {
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "cloudfront.amazonaws.com" },
                  Action: "s3:GetObject",
                  Resource: "arn:aws:s3:::oac-bucket/*",
                  Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::000000000000:distribution/E4BMI8ADQA2K4E" } },
                },
              ],
            },
          },
        },
        originAccessControls: { oac1: { SigningBehavior: "always" } },
        distributions: {
          cors: {
            Origins: {
              Items: [
                { Id: "b", DomainName: "oac-bucket.s3.us-east-1.amazonaws.com", OriginAccessControlId: "oac1", S3OriginConfig: { OriginAccessIdentity: "" } },
              ],
            },
            DefaultCacheBehavior: {
              TargetOriginId: "b",
              ViewerProtocolPolicy: "allow-all",
              CachePolicyId: CACHING_DISABLED,
              OriginRequestPolicyId: CORS_S3_ORIGIN,
            },
            CacheBehaviors: {
              Items: [{ PathPattern: "/cached/*", TargetOriginId: "b", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED }],
            },
          },
          other: {
            Origins: {
              Items: [
                { Id: "b", DomainName: "oac-bucket.s3.us-east-1.amazonaws.com", OriginAccessControlId: "oac1", S3OriginConfig: { OriginAccessIdentity: "" } },
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "b", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
          },
        },
      },
    });
    base = `http://cors-bucket.s3.localhost:${stack.httpPort}`;
    // Seed objects with the account's credentials through path-style presign-free header auth is
    // longer to write by hand; use PutObject via the SDK.
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    const s3 = localS3Client(stack);
    for (const [Bucket, Key] of [
      ["cors-bucket", "a.txt"],
      ["cors-bucket", "private/p.txt"],
      ["oac-bucket", "a.txt"],
      ["oac-bucket", "cached/a.txt"],
    ] as const)
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: "hi", ContentType: "text/plain" }));
    s3.destroy();
  });
  after(() => stack.close());

  it("cors: OPTIONS without Origin → 400 BadRequest (s3.md §6.2 step 1)", async () => {
    const r = await stack.fetch(`${base}/a.txt`, { method: "OPTIONS", headers: { "access-control-request-method": "GET" } });
    assert.equal(r.status, 400);
    assert.match(await r.text(), /<Code>BadRequest<\/Code><Message>Insufficient information\. Origin request header needed\.<\/Message>/);
  });

  it("cors: first matching rule wins; wildcard origin echoed with credentials; requested headers lower-cased; Vary (s3.md §6.2)", async () => {
    const r = await stack.fetch(`${base}/a.txt`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "PUT", "access-control-request-headers": "Content-Type, X-Amz-Date" },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.equal(r.headers.get("access-control-allow-credentials"), "true");
    assert.equal(r.headers.get("access-control-allow-methods"), "PUT");
    assert.equal(r.headers.get("access-control-allow-headers"), "content-type, x-amz-date");
    assert.equal(r.headers.get("access-control-expose-headers"), "ETag");
    assert.equal(r.headers.get("access-control-max-age"), "600");
    assert.equal(r.headers.get("vary"), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    assert.equal(r.headers.get("content-length"), "0");
  });

  it("cors: `*` must match one or more characters; a rule without AllowedHeader fails any requested header → 403 AccessForbidden (s3.md §6.2)", async () => {
    const r = await stack.fetch(`${base}/a.txt`, { method: "OPTIONS", headers: { origin: "https://.example.com", "access-control-request-method": "PUT" } });
    assert.equal(r.status, 403);
    const body = await r.text();
    assert.match(
      body,
      /<Code>AccessForbidden<\/Code><Message>CORSResponse: This CORS request is not allowed\. This is usually because the evalution of Origin, request method \/ Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource&apos;s CORS spec\.<\/Message><Method>PUT<\/Method><ResourceType>OBJECT<\/ResourceType>/,
    );
    const h = await stack.fetch(`${base}/a.txt`, {
      method: "OPTIONS",
      headers: { origin: "https://x.org", "access-control-request-method": "GET", "access-control-request-headers": "x-custom" },
    });
    assert.equal(h.status, 403);
  });

  it("cors: `*` rule → Allow-Origin * and no credentials; actual GET gets the same headers; no Origin → none (s3.md §6.2 step 7)", async () => {
    const r = await stack.fetch(`${base}/a.txt`, { headers: { origin: "https://x.org" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
    assert.equal(r.headers.get("access-control-allow-credentials"), null);
    assert.equal(r.headers.get("access-control-allow-methods"), "GET, HEAD");
    const plain = await stack.fetch(`${base}/a.txt`);
    assert.equal(plain.headers.get("access-control-allow-origin"), null);
    assert.equal(plain.headers.get("vary"), null);
  });

  it("cors: bucket without CORS → OPTIONS 403 'CORS is not enabled for this bucket.' with ResourceType BUCKET (s3.md §6.2 step 3)", async () => {
    const r = await stack.fetch(`http://plain-bucket.s3.localhost:${stack.httpPort}/k`, {
      method: "OPTIONS",
      headers: { origin: "https://x.org", "access-control-request-method": "GET" },
    });
    assert.equal(r.status, 403);
    assert.match(
      await r.text(),
      /<Message>CORSResponse: CORS is not enabled for this bucket\.<\/Message><Method>GET<\/Method><ResourceType>BUCKET<\/ResourceType>/,
    );
  });

  it("policy: anonymous read allowed by the policy; explicit Deny wins; missing key without ListBucket → 403 (s3.md §8, §4.3)", async () => {
    assert.equal((await stack.fetch(`${base}/a.txt`)).status, 200);
    const denied = await stack.fetch(`${base}/private/p.txt`);
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /<Code>AccessDenied<\/Code>/);
    assert.equal((await stack.fetch(`${base}/missing`)).status, 403);
  });

  it("policy: aws:SecureTransport false → Deny over HTTP, allowed over HTTPS (s3.md §8)", async () => {
    const { PutBucketPolicyCommand, GetBucketPolicyCommand } = await import("@aws-sdk/client-s3");
    const s3 = localS3Client(stack);
    const policy = {
      Statement: [
        ...POLICY_PUBLIC_READ_HTTPS_ONLY.Statement,
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::cors-bucket/*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: "cors-bucket", Policy: JSON.stringify(policy) }));
    assert.deepEqual(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: "cors-bucket" }))).Policy!), policy);
    assert.equal((await stack.fetch(`${base}/a.txt`)).status, 403);
    assert.equal((await stack.fetch(`https://cors-bucket.s3.localhost:${stack.httpsPort}/a.txt`)).status, 200);
    try {
      await s3.send(new PutBucketPolicyCommand({ Bucket: "cors-bucket", Policy: "not json" }));
      assert.fail("expected MalformedPolicy");
    } catch (e) {
      assert.equal((e as Error).name, "MalformedPolicy");
    }
    await s3.send(new PutBucketPolicyCommand({ Bucket: "cors-bucket", Policy: JSON.stringify(POLICY_PUBLIC_READ_HTTPS_ONLY) }));
    s3.destroy();
  });

  it("OAC: only the distribution named in AWS:SourceArn may read; direct anonymous reads and another distribution get 403 (cloudfront.md §10.4, s3.md §8)", async () => {
    const d = stack.distributions["cors"]!;
    assert.equal(d.id, "E4BMI8ADQA2K4E", "the policy above names this distribution's id");
    const via = await stack.fetch(new URL("/a.txt", d.httpUrl));
    assert.equal(via.status, 200);
    assert.equal(await via.text(), "hi");
    assert.equal((await stack.fetch(`http://oac-bucket.s3.localhost:${stack.httpPort}/a.txt`)).status, 403);
    assert.equal((await stack.fetch(new URL("/a.txt", stack.distributions["other"]!.httpUrl))).status, 403);
    // Missing key through the distribution: 403, not 404 (no s3:ListBucket).
    assert.equal((await stack.fetch(new URL("/missing", d.httpUrl))).status, 403);
  });

  it("through CloudFront with CORS-S3Origin: Origin reaches the bucket and its CORS headers come back (s3.md §6.3)", async () => {
    const r = await stack.fetch(new URL("/a.txt", stack.distributions["cors"]!.httpUrl), { headers: { origin: "https://app.example.com" } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(r.headers.get("vary") ?? "", /Origin/);
  });

  it("through CloudFront without Origin in the cache key: the copy cached without CORS headers is served to a CORS request (s3.md §6.3)", async (t) => {
    const d = stack.distributions["cors"]!;
    const first = await stack.fetch(new URL("/cached/a.txt", d.httpUrl));
    assert.equal(first.status, 200);
    const second = await stack.fetch(new URL("/cached/a.txt", d.httpUrl), { headers: { origin: "https://app.example.com" } });
    if (second.headers.get("x-cache") !== "Hit from cloudfront") return t.skip("CloudFront caching is not available in this build (issue 3)");
    assert.equal(second.headers.get("access-control-allow-origin"), null, "the browser's cross-origin read fails, as in AWS");
  });
});
