import assert from "node:assert/strict";
import { it } from "node:test";
import { FunctionValidationError, readRequest, snapshotRequest } from "./apply-result.js";
import { headersToEvent, querystringToEvent, type FunctionEvent } from "./event.js";

/** An event as the edge builds it, and its snapshot, for readRequest's difference rules (cloudfront.md §13.2, §14.4). */
function event(raw: string[], query = ""): { e: FunctionEvent; snap: ReturnType<typeof snapshotRequest> } {
  const { headers, cookies } = headersToEvent(raw, "", []);
  const e: FunctionEvent = {
    version: "1.0",
    context: { distributionDomainName: "d", distributionId: "E", eventType: "viewer-request", requestId: "r" },
    viewer: { ip: "1" },
    request: { method: "GET", uri: "/a", querystring: querystringToEvent(query), headers, cookies },
  };
  return { e, snap: snapshotRequest(e, query) };
}

const RAW = ["Host", "h", "Accept", "a", "X-Rep", "1", "X-Rep", "2", "Cookie", "s=1; t=2"];

it("readRequest: an untouched request has no header edits, keeps its cookie and its query string as received (cloudfront.md §13.2)", () => {
  const { e, snap } = event(RAW, "b=2&a=1&a");
  const c = readRequest(e.request as unknown as Record<string, unknown>, snap);
  assert.equal(c.headerEdits, undefined);
  assert.equal(c.isCookieEdited, false);
  assert.equal(c.query, "b=2&a=1&a");
});

it("readRequest: an entry re-created with the same value is no edit; an added, a changed and a deleted header are (cloudfront.md §13.2)", () => {
  const { e, snap } = event(RAW);
  const h = e.request.headers;
  h["accept"] = { value: "a" };
  h["x-new"] = { value: "n" };
  h["x-rep"]!.value = "first";
  const c = readRequest(e.request as unknown as Record<string, unknown>, snap);
  assert.deepEqual(
    [...c.headerEdits!.set],
    [
      ["x-rep", ["first", "2"]],
      ["x-new", ["n"]],
    ],
  );
  assert.deepEqual(c.headerEdits!.removed, []);
  delete h["accept"];
  assert.deepEqual(readRequest(e.request as unknown as Record<string, unknown>, snap).headerEdits!.removed, ["accept"]);
});

it("readRequest: a name with capitals merges with its lower-case form; a read-only header removed or changed is a validation error (cloudfront.md §13.2, §14.4)", () => {
  const { e, snap } = event(RAW);
  (e.request.headers as Record<string, unknown>)["Accept"] = { value: "b" };
  assert.deepEqual(readRequest(e.request as unknown as Record<string, unknown>, snap).headerEdits!.set.get("accept"), ["a", "b"]);
  const second = event(RAW);
  delete second.e.request.headers["host"];
  assert.throws(() => readRequest(second.e.request as unknown as Record<string, unknown>, second.snap), FunctionValidationError);
  const third = event(RAW);
  third.e.request.headers["host"] = { value: "other" };
  assert.throws(() => readRequest(third.e.request as unknown as Record<string, unknown>, third.snap), /read-only/);
});

it("readRequest: a cookie map rebuilt as it was is no edit; an edited cookie and query string are (cloudfront.md §13.2)", () => {
  const { e, snap } = event(RAW, "a=1");
  e.request.cookies = { s: { value: "1" }, t: { value: "2" } };
  e.request.querystring = { a: { value: "1" } };
  const same = readRequest(e.request as unknown as Record<string, unknown>, snap);
  assert.equal(same.isCookieEdited, false);
  assert.equal(same.query, "a=1");
  e.request.cookies["t"]!.value = "3";
  e.request.querystring["b"] = { value: "" };
  const edited = readRequest(e.request as unknown as Record<string, unknown>, snap);
  assert.equal(edited.cookie, "s=1; t=3");
  assert.equal(edited.query, "a=1&b");
});
