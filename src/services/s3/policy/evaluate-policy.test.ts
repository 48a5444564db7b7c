import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compilePolicy, evaluatePolicy, lazyContext, PolicyError, type Principal } from "./evaluate-policy.js";

const anon: Principal = { kind: "anonymous" };
const cf: Principal = { kind: "service", service: "cloudfront.amazonaws.com" };
const ctx = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

describe("evaluate-policy", () => {
  const policy = compilePolicy(
    JSON.stringify({
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:Get*", Resource: "arn:aws:s3:::b/public/*" },
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/public/secret?", Condition: { Bool: { "aws:SecureTransport": "false" } } },
        {
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::b/*",
          Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::000000000000:distribution/E1" } },
        },
      ],
    }),
  );

  it("policy: a lazy context is built only when a Condition reads it, once, and decides the same (s3.md §8; issue 14)", () => {
    let builds = 0;
    const lazy = (o: Record<string, string>) =>
      lazyContext(() => {
        builds++;
        return ctx(o);
      });
    const get = { principal: anon, action: "s3:GetObject" };
    // Only the unconditional Allow applies to this key: nothing reads the context.
    assert.equal(evaluatePolicy(policy, { ...get, resource: "arn:aws:s3:::b/public/x", context: lazy({ "aws:SecureTransport": "false" }) }), "allow");
    assert.equal(builds, 0);
    // The Deny's Bool condition reads aws:SecureTransport: built once, and it still denies.
    assert.equal(evaluatePolicy(policy, { ...get, resource: "arn:aws:s3:::b/public/secret1", context: lazy({ "aws:SecureTransport": "false" }) }), "deny");
    assert.equal(builds, 1);
    assert.equal(evaluatePolicy(policy, { ...get, resource: "arn:aws:s3:::b/public/secret1", context: lazy({ "aws:SecureTransport": "true" }) }), "allow");
    assert.equal(builds, 2);
  });

  it("policy: Allow with wildcard action and resource; implicit deny otherwise (s3.md §8)", () => {
    assert.equal(evaluatePolicy(policy, { principal: anon, action: "s3:GetObject", resource: "arn:aws:s3:::b/public/x", context: ctx({}) }), "allow");
    assert.equal(evaluatePolicy(policy, { principal: anon, action: "s3:PutObject", resource: "arn:aws:s3:::b/public/x", context: ctx({}) }), "implicit-deny");
  });

  it("policy: explicit Deny wins, also over the account; aws:SecureTransport (s3.md §8)", () => {
    const r = { action: "s3:GetObject", resource: "arn:aws:s3:::b/public/secret1", context: ctx({ "aws:SecureTransport": "false" }) };
    assert.equal(evaluatePolicy(policy, { ...r, principal: anon }), "deny");
    assert.equal(evaluatePolicy(policy, { ...r, principal: { kind: "account", arn: "arn:aws:iam::000000000000:root" } }), "deny");
    assert.equal(evaluatePolicy(policy, { ...r, principal: anon, context: ctx({ "aws:SecureTransport": "true" }) }), "allow");
  });

  it("policy: the CloudFront service principal needs the matching AWS:SourceArn (keys case-insensitive) (s3.md §8)", () => {
    const r = { principal: cf, action: "s3:GetObject", resource: "arn:aws:s3:::b/index.html" };
    assert.equal(evaluatePolicy(policy, { ...r, context: ctx({ "aws:SourceArn": "arn:aws:cloudfront::000000000000:distribution/E1" }) }), "allow");
    assert.equal(evaluatePolicy(policy, { ...r, context: ctx({ "aws:SourceArn": "arn:aws:cloudfront::000000000000:distribution/E2" }) }), "implicit-deny");
  });

  it("policy: malformed documents → MalformedPolicy texts (s3.md §5)", () => {
    assert.throws(
      () => compilePolicy("[]"),
      (e) => e instanceof PolicyError && e.message === "Policies must be valid JSON and the first byte must be '{'",
    );
    assert.throws(
      () => compilePolicy("{}"),
      (e) => e instanceof PolicyError && e.message === "Missing required field Statement",
    );
  });
});
