import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCidrs } from "./ip-range.js";

describe("ip-range", () => {
  it("ip-range: IPv4, IPv4-mapped IPv6 and IPv6 CIDRs (alb.md §2.1 source-ip)", () => {
    const m = compileCidrs(["10.0.0.0/8", "2001:db8::/32", "192.168.1.7/32"]);
    assert.equal(m("10.255.0.1"), true);
    assert.equal(m("::ffff:10.1.2.3"), true);
    assert.equal(m("11.0.0.1"), false);
    assert.equal(m("192.168.1.7"), true);
    assert.equal(m("192.168.1.8"), false);
    assert.equal(m("2001:db8:1::5"), true);
    assert.equal(m("2001:db9::1"), false);
    assert.equal(compileCidrs(["0.0.0.0/0"])("8.8.8.8"), true);
  });
});
