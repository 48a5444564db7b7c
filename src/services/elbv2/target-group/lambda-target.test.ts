import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildEvent, LambdaError, parseLambdaResult } from "./lambda-target.js";

describe("lambda-target", () => {
  it("lambda-target: Content-Encoding forces base64 even for text types (alb.md §10.2)", () => {
    const e = buildEvent({
      method: "POST",
      path: "/",
      query: "",
      headers: { "content-type": "text/plain", "content-encoding": "gzip" },
      body: Buffer.from("hi"),
      targetGroupArn: "arn",
      multiValue: false,
    });
    assert.equal(e["isBase64Encoded"], true);
    assert.equal(e["body"], "aGk=");
  });
  it("lambda-target: statusDescription gives the reason phrase; hop-by-hop and Content-Length are dropped (alb.md §10.4)", () => {
    const r = parseLambdaResult(
      { statusCode: 404, statusDescription: "404 Not Found", headers: { "Transfer-Encoding": "chunked", "Content-Length": "99", A: "b" }, body: "x" },
      false,
    );
    assert.equal(r.reason, "Not Found");
    assert.deepEqual(r.headers, { a: "b" });
  });
  it("lambda-target: multiValueHeaders in single-value mode with headers null is a 502 LambdaInvalidResponse (alb.md §10.4)", () => {
    assert.throws(
      () => parseLambdaResult({ statusCode: 200, headers: null, multiValueHeaders: { a: ["b"] } }, false),
      (e: unknown) => e instanceof LambdaError && e.status === 502 && e.reason === "LambdaInvalidResponse",
    );
    assert.throws(() => parseLambdaResult({ statusCode: "200" }, false), LambdaError);
  });
});
