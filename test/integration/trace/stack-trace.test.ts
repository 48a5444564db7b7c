import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EdgeparityError, startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { TRACE } from "../../../src/core/trace.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { singleOriginStack } from "../../support/stacks.js";

/** The test API's traces (issue 15): `stack.trace(id)`, `stack.lastTrace()`, per-stack scope, nothing published when off. */
describe("trace: the test API's request traces (issue 15)", () => {
  let origin: OriginServer;
  let traced: EdgeparityStack;
  let plain: EdgeparityStack;
  before(async () => {
    origin = await startOrigin();
    traced = await startEdgeparity({ config: singleOriginStack(origin.url), trace: true });
    plain = await startEdgeparity({ config: singleOriginStack(origin.url) });
  });
  after(async () => {
    await traced?.close();
    await plain?.close();
    await origin?.close();
  });

  it("trace: stack.trace(id) and lastTrace() hold the request's decisions in order, the id in X-Edgeparity-Trace (cloudfront.md §1.1)", async () => {
    const r = await traced.fetch(new URL("/hello", traced.distributions.test!.url));
    await r.arrayBuffer();
    const id = r.headers.get("x-edgeparity-trace");
    assert.ok(id);
    assert.equal(id, r.headers.get("x-amz-cf-id"));
    // The trace closes when the response has ended (the viewer side's 'close').
    for (let i = 0; i < 100 && traced.trace(id) === undefined; i++) await new Promise((res) => setTimeout(res, 10));
    const t = traced.trace(id)!;
    assert.ok(t, "trace kept");
    assert.equal(traced.lastTrace()?.id, id);
    assert.equal(t.request.status, 200);
    assert.deepEqual(
      t.events.map((e) => e.kind),
      ["behavior", "viewer-policy", "cache", "origin", "attempt", "request"],
    );
    assert.match(t.events[3]!.message, /^origin: GET http:\/\/origin\.example\.com\/hello$/);
  });

  it("trace: a stack started without trace adds no header and has no traces; its requests do not land in another stack's traces", async () => {
    const before = traced.lastTrace()?.id;
    const r = await plain.fetch(new URL("/other", plain.distributions.test!.url));
    await r.arrayBuffer();
    assert.equal(r.headers.get("x-edgeparity-trace"), null);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(traced.lastTrace()?.id, before, "the traced stack keeps only its own requests");
    assert.throws(
      () => plain.lastTrace(),
      (e: unknown) => e instanceof EdgeparityError && e.code === "TRACE_OFF" && /trace: true/.test(e.message),
    );
  });

  it("trace: without a traced stack no channel has subscribers, so no event is built (conventions §5)", async () => {
    await traced.close();
    for (const t of Object.values(TRACE)) assert.equal(t.channel.hasSubscribers, false, t.kind);
  });
});
