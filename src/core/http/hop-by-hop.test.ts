import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectionNamedFields, HOP_BY_HOP, hopByHopWith } from "./hop-by-hop.js";

describe("hop-by-hop", () => {
  it("hop-by-hop: the shared list is RFC 9110 §7.6.1's: Connection, Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade", () => {
    assert.deepEqual([...HOP_BY_HOP].sort(), ["connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade"]);
  });
  it("hop-by-hop: a service set is the shared list plus its extras minus its exceptions (RFC 9110 §7.6.1)", () => {
    const set = hopByHopWith(["trailer", "expect"], ["te"]);
    assert.equal(set.has("trailer"), true);
    assert.equal(set.has("expect"), true);
    assert.equal(set.has("te"), false);
    assert.equal(set.has("connection"), true);
    assert.equal(HOP_BY_HOP.has("trailer"), false, "the shared list is not changed");
  });
  it("hop-by-hop: the fields a Connection header names are found, any case, list or repeated header (RFC 9110 §7.6.1)", () => {
    assert.deepEqual([...connectionNamedFields("X-Hop, x-other ,,")!].sort(), ["x-hop", "x-other"]);
    assert.deepEqual([...connectionNamedFields(["keep-alive", "X-A"])!], ["x-a"]);
  });
  it("hop-by-hop: the usual Connection values name nothing more, and cost no Set (RFC 9110 §7.6.1, §9.6)", () => {
    assert.equal(connectionNamedFields(undefined), undefined);
    assert.equal(connectionNamedFields("keep-alive"), undefined);
    assert.equal(connectionNamedFields("close"), undefined);
    assert.equal(connectionNamedFields("Upgrade, HTTP2-Settings", hopByHopWith(["http2-settings"])), undefined);
    assert.deepEqual([...connectionNamedFields("Upgrade, HTTP2-Settings")!], ["http2-settings"]);
  });
});
