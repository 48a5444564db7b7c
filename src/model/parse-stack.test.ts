import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EdgeparityError } from "../core/errors.js";
import { parseStack } from "./parse-stack.js";

const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

function dc(extra: Record<string, unknown> = {}, behavior: Record<string, unknown> = {}) {
  return {
    Origins: { Quantity: 1, Items: [{ Id: "o1", DomainName: "b.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: { TargetOriginId: "o1", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ...behavior },
    ...extra,
  };
}

function problems(input: unknown): string {
  try {
    parseStack(input, "stack.yaml");
  } catch (e) {
    assert.ok(e instanceof EdgeparityError);
    assert.equal(e.code, "STACK_INVALID");
    return e.message;
  }
  assert.fail("expected the stack to be rejected");
}

describe("parseStack validation (mirrors CloudFront's CreateDistribution checks)", () => {
  it("validate: a valid DistributionConfig parses with defaults filled in", () => {
    const { stack, warnings } = parseStack({ distributions: { a: dc() } }, "x");
    assert.equal(stack.distributions.a!.Enabled, true);
    assert.equal(stack.distributions.a!.Origins.Items![0]!.ConnectionAttempts, 3);
    assert.deepEqual(warnings, []);
  });
  it("validate: TargetOriginId naming no origin is NoSuchOrigin with the field path", () => {
    const m = problems({ distributions: { a: dc({}, { TargetOriginId: "nope" }) } });
    assert.match(m, /distributions\.a\.DefaultCacheBehavior\.TargetOriginId: NoSuchOrigin: TargetOriginId 'nope'/);
  });
  it("validate: duplicate path patterns (leading slash optional) are rejected with Items[i] path (cloudfront.md §2)", () => {
    const b = { TargetOriginId: "o1", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED };
    const m = problems({
      distributions: {
        a: dc({
          CacheBehaviors: {
            Quantity: 2,
            Items: [
              { PathPattern: "/api/*", ...b },
              { PathPattern: "api/*", ...b },
            ],
          },
        }),
      },
    });
    assert.match(m, /distributions\.a\.CacheBehaviors\.Items\[1\]\.PathPattern: InvalidArgument: PathPattern 'api\/\*' duplicates CacheBehaviors\.Items\[0\]/);
  });
  it("validate: CachedMethods must be a subset of AllowedMethods (cloudfront.md §3.2)", () => {
    const m = problems({
      distributions: {
        a: dc({}, { AllowedMethods: { Quantity: 2, Items: ["GET", "HEAD"], CachedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"] } } }),
      },
    });
    assert.match(m, /DefaultCacheBehavior\.AllowedMethods\.CachedMethods\.Items: InvalidArgument: CachedMethods/);
  });
  it("validate: AllowedMethods must be one of the three sets (cloudfront.md §3.2)", () => {
    const m = problems({ distributions: { a: dc({}, { AllowedMethods: { Items: ["GET", "POST"] } }) } });
    assert.match(m, /AllowedMethods\.Items: InvalidArgument: AllowedMethods must be/);
  });
  it("validate: Quantity must equal the number of Items", () => {
    const m = problems({ distributions: { a: dc({ Aliases: { Quantity: 2, Items: ["a.example.com"] } }) } });
    assert.match(m, /distributions\.a\.Aliases\.Quantity: Quantity is 2 but Items has 1/);
  });
  it("validate: an unknown field is an error naming it (never silently dropped)", () => {
    const m = problems({ distributions: { a: dc({ DefaultRootObjekt: "index.html" }) } });
    assert.match(m, /distributions\.a: unknown field\(s\) 'DefaultRootObjekt'/);
  });
  it("validate: a cache policy id that is neither managed nor defined is NoSuchCachePolicy", () => {
    const m = problems({ distributions: { a: dc({}, { CachePolicyId: "00000000-0000-0000-0000-000000000000" }) } });
    assert.match(m, /DefaultCacheBehavior\.CachePolicyId: NoSuchCachePolicy/);
  });
  it("validate: managed policies resolve by API name too (Managed-CachingOptimized)", () => {
    assert.doesNotThrow(() => parseStack({ distributions: { a: dc({}, { CachePolicyId: "Managed-CachingOptimized" }) } }, "x"));
  });
  it("validate: an ORP without a cache policy is rejected (cloudfront.md §4.1)", () => {
    const m = problems({
      distributions: {
        a: dc(
          {},
          {
            CachePolicyId: undefined,
            ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
            OriginRequestPolicyId: "216adef6-5c7f-47e4-b989-5492eafa07d3",
          },
        ),
      },
    });
    assert.match(m, /OriginRequestPolicyId: InvalidArgument: an origin request policy requires a cache policy/);
  });
  it("validate: CustomErrorResponses ErrorCode outside CloudFront's list is rejected (cloudfront.md §9.1)", () => {
    const m = problems({ distributions: { a: dc({ CustomErrorResponses: { Items: [{ ErrorCode: 418, ResponsePagePath: "/x", ResponseCode: "200" }] } }) } });
    assert.match(m, /CustomErrorResponses\.Items\[0\]\.ErrorCode: ErrorCode must be one of/);
  });
  it("validate: all problems are reported together, each with its path", () => {
    const m = problems({ distributions: { a: dc({ DefaultRootObject: "/index.html" }, { TargetOriginId: "x" }) } });
    assert.match(m, /TargetOriginId/);
    assert.match(m, /DefaultRootObject: InvalidDefaultRootObject/);
  });
  it("validate: settings not emulated produce warnings naming their path", () => {
    const { warnings } = parseStack(
      {
        distributions: {
          a: dc({ WebACLId: "arn:aws:wafv2:…", Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Quantity: 1, Items: ["DE"] } } }),
        },
      },
      "x",
    );
    const paths = warnings.map((w) => w.path);
    assert.ok(paths.includes("distributions.a.WebACLId"));
    assert.ok(paths.includes("distributions.a.Restrictions.GeoRestriction"));
    assert.ok(warnings.every((w) => /not emulated/.test(w.message)));
  });
  it("validate: invalid bucket names are rejected", () => {
    assert.match(problems({ buckets: { My_Bucket: {} } }), /buckets\.My_Bucket: 'My_Bucket' is not a valid S3 bucket name/);
  });
  it("validate: an unknown field names the nearest fields that exist at its path (issue 15 'did you mean')", () => {
    const m = problems({ distributions: { a: { ...dc(), Orgins: {} } }, buckets: { "my-bucket": { CORSConfigration: {} } }, loadBalancer: [] });
    assert.match(m, /distributions\.a: unknown field\(s\) 'Orgins' \(did you mean 'Origins'\?\)/);
    assert.match(m, /buckets\.my-bucket: unknown field\(s\) 'CORSConfigration' \(did you mean 'CORSConfiguration'\?\)/);
    assert.match(m, /\(root\): unknown field\(s\) 'loadBalancer' \(did you mean 'loadBalancers'\?\)/);
  });
  it("validate: an unknown managed policy is NoSuchCachePolicy naming the closest managed policy (cloudfront.md §5.1; issue 15)", () => {
    assert.match(
      problems({ distributions: { a: dc({}, { CachePolicyId: "Managed-CachingOptimised" }) } }),
      /NoSuchCachePolicy: .*did you mean 'Managed-CachingOptimized'/,
    );
    assert.match(
      problems({ distributions: { a: dc({}, { CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f7" }) } }),
      /did you mean '658327ea-f89d-4fab-a63d-7e88639e58f6'/,
    );
  });
});
