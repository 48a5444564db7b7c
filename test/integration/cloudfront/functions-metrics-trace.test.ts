import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import type { RequestTrace } from "../../../src/observe/trace/request-trace.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * Compute utilization per invocation (cloudfront.md §13.4), shown in the request's trace (issue 15's
 * `function` decision) and reported as AWS's CloudWatch metrics for CloudFront Functions (§16.2:
 * FunctionInvocations, FunctionValidationErrors, FunctionExecutionErrors, FunctionThrottles,
 * FunctionComputeUtilization), on HTTP/1.1 and HTTP/2.
 */
const fn = (code: string) => ({ FunctionConfig: { Runtime: "cloudfront-js-1.0" }, FunctionCode: code });
const arn = (name: string) => `arn:aws:cloudfront::000000000000:function/${name}`;

describe("CloudFront Functions: compute utilization in the trace and the metrics (cloudfront.md §13.4, §16.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  const host = () => stack.distributions.d!.domain;
  const traceOf = async (id: string): Promise<RequestTrace> => {
    for (let i = 0; i < 100 && stack.trace(id) === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    return stack.trace(id)!;
  };

  before(async () => {
    origin = await startOrigin();
    const behavior = (path: string, items: { EventType: string; FunctionARN: string }[]) => ({
      PathPattern: path,
      TargetOriginId: "o",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_DISABLED,
      FunctionAssociations: { Items: items },
    });
    stack = await startEdgeparity({
      trace: true,
      config: {
        functions: {
          "log-and-pass": fn("function handler(e) { console.log('saw ' + e.request.uri); return e.request; }"),
          "mark-response": fn("function handler(e) { e.response.headers['x-marked'] = { value: '1' }; return e.response; }"),
          throws: fn("function handler(e) { throw new Error('nope'); }"),
          invalid: fn("function handler(e) { return 42; }"),
          idle: fn("function handler(e) { return e.request; }"),
        },
        distributions: {
          d: {
            Origins: { Items: [customOrigin("o", "o.example.com")] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
            CacheBehaviors: {
              Items: [
                behavior("/both/*", [
                  { EventType: "viewer-request", FunctionARN: arn("log-and-pass") },
                  { EventType: "viewer-response", FunctionARN: "mark-response" },
                ]),
                behavior("/throws/*", [{ EventType: "viewer-request", FunctionARN: "throws" }]),
                behavior("/invalid/*", [{ EventType: "viewer-request", FunctionARN: "invalid" }]),
                behavior("/idle/*", [{ EventType: "viewer-request", FunctionARN: "idle" }]),
              ],
            },
          },
        },
        local: { origins: { "o.example.com": origin.url } },
      } as never,
    });
  });
  after(async () => {
    await stack?.close();
    await origin?.close();
  });

  for (const v of VIEWER_VERSIONS) {
    it(`trace: each function run is a 'function' decision with its compute utilization and console lines (cloudfront.md §13.4) [HTTP/${v}]`, async () => {
      const r = await send(stack, v, host(), `/both/p-${v}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers["x-marked"], "1");
      const t = await traceOf(String(r.headers["x-amz-cf-id"]));
      const runs = t.events.filter((e) => e.kind === "function");
      assert.deepEqual(
        runs.map((e) => [e.data?.["name"], e.data?.["eventType"]]),
        [
          ["log-and-pass", "viewer-request"],
          ["mark-response", "viewer-response"],
        ],
      );
      for (const e of runs) {
        const u = e.data?.["computeUtilization"] as number;
        assert.ok(Number.isInteger(u) && u >= 1 && u <= 100, `utilization ${u}`);
        assert.match(e.message, /function (log-and-pass|mark-response) ran; compute utilization \d+$/);
      }
      assert.deepEqual(runs[0]!.details, [`console: saw /both/p-${v}`]);
      // The decisions are in pipeline order: viewer-request before the origin, viewer-response after it.
      const kinds = t.events.map((e) => e.kind);
      assert.ok(kinds.indexOf("function") < kinds.indexOf("origin") && kinds.lastIndexOf("function") > kinds.indexOf("origin"), kinds.join(","));
    });

    it(`trace: a failed run names its error (cloudfront.md §13.4) [HTTP/${v}]`, async () => {
      const r = await send(stack, v, host(), "/throws/x");
      assert.equal(r.status, 503);
      const t = await traceOf(String(r.headers["x-amz-cf-id"]));
      const run = t.events.find((e) => e.kind === "function")!;
      assert.equal(run.data?.["error"], "Error: nope");
      assert.match(run.message, /^viewer-request function throws failed \(Error: nope\); compute utilization \d+$/);
    });
  }

  it("metrics: FunctionInvocations, validation and execution errors, FunctionComputeUtilization per function name or ARN (cloudfront.md §16.2)", async () => {
    const before = stack.functionMetrics("log-and-pass").FunctionInvocations!;
    for (let i = 0; i < 3; i++) assert.equal((await send(stack, "1.1", host(), `/both/m${i}`)).status, 200);
    assert.equal((await send(stack, "2", host(), "/invalid/x")).status, 502);
    assert.equal((await send(stack, "1.1", host(), "/throws/y")).status, 503);

    const ok = stack.functionMetrics(arn("log-and-pass"));
    assert.equal(ok.FunctionInvocations, before + 3);
    assert.equal(ok.FunctionValidationErrors, 0);
    assert.equal(ok.FunctionExecutionErrors, 0);
    assert.equal(ok.FunctionThrottles, 0);
    assert.equal(ok.FunctionComputeUtilization_SampleCount, ok.FunctionInvocations);
    assert.ok(ok.FunctionComputeUtilization! >= 1 && ok.FunctionComputeUtilization! <= 100);
    assert.ok(ok.FunctionComputeUtilization_Maximum! >= ok.FunctionComputeUtilization!);

    const invalid = stack.functionMetrics("invalid");
    assert.equal(invalid.FunctionValidationErrors, invalid.FunctionInvocations);
    assert.equal(invalid.FunctionExecutionErrors, 0);
    const throws = stack.functionMetrics("throws");
    assert.ok(throws.FunctionExecutionErrors! >= 1);
    assert.equal(throws.FunctionExecutionErrors, throws.FunctionInvocations);
    assert.equal(throws.FunctionValidationErrors, 0);

    // A function not yet run shows its counters at 0 and no utilization datapoint, as CloudWatch does.
    assert.deepEqual(stack.functionMetrics("idle"), { FunctionInvocations: 0, FunctionValidationErrors: 0, FunctionExecutionErrors: 0, FunctionThrottles: 0 });
  });
});
