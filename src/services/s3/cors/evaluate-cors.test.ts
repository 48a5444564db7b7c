import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCorsRules, evaluateCors } from "./evaluate-cors.js";

describe("evaluate-cors", () => {
  const rules = compileCorsRules([
    { AllowedMethods: ["GET"], AllowedOrigins: ["http://a.example"], AllowedHeaders: ["x-amz-*"] },
    { AllowedMethods: ["GET", "PUT"], AllowedOrigins: ["https://*.example.com"] },
    { AllowedMethods: ["GET"], AllowedOrigins: ["*"], ExposeHeaders: ["ETag", "x-amz-request-id"] },
  ]);

  it("cors: first matching rule wins, its methods are all listed (s3.md §6.2 step 5, 7)", () => {
    const v = evaluateCors(rules, "https://x.example.com", "GET", undefined);
    assert.ok(v.matched);
    assert.equal(v.headers["access-control-allow-methods"], "GET, PUT");
    assert.equal(v.headers["access-control-allow-origin"], "https://x.example.com");
  });

  it("cors: `*` in an origin matches one or more characters; scheme and port are exact (s3.md §6.2)", () => {
    assert.equal(evaluateCors(rules.slice(1, 2), "https://.example.com", "GET", undefined).matched, false);
    assert.equal(evaluateCors(rules.slice(1, 2), "http://x.example.com", "GET", undefined).matched, false);
    assert.equal(evaluateCors(rules.slice(0, 1), "http://a.example:80", "GET", undefined).matched, false);
  });

  it("cors: requested headers match case-insensitively with prefix wildcards; a rule without AllowedHeader fails them (s3.md §6.2)", () => {
    const v = evaluateCors(rules, "http://a.example", "GET", "X-Amz-Date, x-amz-meta-a");
    assert.ok(v.matched);
    assert.equal(v.headers["access-control-allow-headers"], "x-amz-date, x-amz-meta-a");
    assert.equal(evaluateCors(rules.slice(1), "https://x.example.com", "GET", "content-type").matched, false);
  });

  it("cors: a `*` rule answers Allow-Origin * without credentials, with ExposeHeaders (s3.md §6.2 step 7)", () => {
    const v = evaluateCors(rules, "https://other.org", "GET", undefined);
    assert.ok(v.matched);
    assert.equal(v.headers["access-control-allow-origin"], "*");
    assert.equal(v.headers["access-control-allow-credentials"], undefined);
    assert.equal(v.headers["access-control-expose-headers"], "ETag, x-amz-request-id");
    assert.equal(evaluateCors(rules, "https://other.org", "DELETE", undefined).matched, false);
  });
});
