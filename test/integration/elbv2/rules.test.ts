import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity } from "../../../src/index.js";
import { albStack, fixed, HTTP80, startAlb, type AlbHarness } from "./alb-harness.js";

const rule = (Priority: number, Conditions: unknown[], name: string) => ({ Priority, Conditions, Actions: [fixed("200", name)] });

describe("rules: priority order, six condition types, wildcards and case (alb.md §2)", () => {
  let alb: AlbHarness;
  before(async () => {
    alb = await startAlb({
      targetGroups: [],
      targets: {},
      listeners: [
        HTTP80(
          [fixed("404", "default")],
          [
            // Listed out of order on purpose: evaluation is by Priority.
            rule(20, [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } }], "api"),
            rule(10, [{ Field: "path-pattern", PathPatternConfig: { Values: ["/api/special"] } }], "special"),
            rule(30, [{ Field: "path-pattern", PathPatternConfig: { Values: ["/img/?.png"] } }], "img"),
            rule(40, [{ Field: "host-header", HostHeaderConfig: { Values: ["*.example.com"] } }], "wild-host"),
            rule(50, [{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "X-Env", Values: ["canary*"] } }], "header"),
            rule(60, [{ Field: "http-request-method", HttpRequestMethodConfig: { Values: ["DELETE"] } }], "delete"),
            rule(70, [{ Field: "query-string", QueryStringConfig: { Values: [{ Key: "ver*", Value: "2" }, { Value: "beta" }] } }], "query"),
            rule(
              80,
              [
                { Field: "source-ip", SourceIpConfig: { Values: ["10.0.0.0/8", "127.0.0.0/30"] } },
                { Field: "path-pattern", Values: ["/ip"] },
              ],
              "ip",
            ),
            rule(
              90,
              [
                { Field: "path-pattern", PathPatternConfig: { Values: ["/and"] } },
                { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "a", Values: ["1"] } },
                { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "b", Values: ["2"] } },
              ],
              "and",
            ),
          ],
        ),
      ],
    });
  });
  after(() => alb.close());
  const hit = async (path: string, o: Parameters<AlbHarness["send"]>[1] = {}) => (await alb.send(path, o)).text;

  it("rules: lowest priority number wins; default rule last (alb.md §2)", async () => {
    assert.equal(await hit("/api/special"), "special");
    assert.equal(await hit("/api/other"), "api");
    assert.equal(await hit("/nothing"), "default");
  });
  it("rules: path-pattern is case-sensitive, `*` crosses `/`, query excluded (alb.md §2.1)", async () => {
    assert.equal(await hit("/api/a/b/c?x=1"), "api");
    assert.equal(await hit("/API/x"), "default");
    // `/api/*` needs the slash.
    assert.equal(await hit("/api"), "default");
  });
  it("rules: `?` is exactly one character (alb.md §2)", async () => {
    assert.equal(await hit("/img/a.png"), "img");
    assert.equal(await hit("/img/ab.png"), "default");
  });
  it("rules: host-header is case-insensitive; `*.example.com` does not match example.com (alb.md §2.1)", async () => {
    assert.equal(await hit("/h", { headers: { host: "Test.EXAMPLE.com" } }), "wild-host");
    assert.equal(await hit("/h", { headers: { host: "example.com" } }), "default");
  });
  it("rules: http-header name and value case-insensitive, wildcards, any occurrence (alb.md §2.1)", async () => {
    assert.equal(await hit("/h", { headers: { "x-env": "CANARY-1" } }), "header");
    assert.equal(await hit("/h", { headers: { "X-Env": ["prod", "canary"] } }), "header");
    assert.equal(await hit("/h", { headers: { "x-env": "prod" } }), "default");
  });
  it("rules: http-request-method matches exactly; a lower-case method is refused with ALB's 400 (alb.md §2.1, §9 BadMethod)", async () => {
    assert.equal(await hit("/m", { method: "DELETE" }), "delete");
    assert.equal(await hit("/m", { method: "PUT" }), "default");
    const r = await alb.send("/m", { method: "delete" });
    assert.equal(r.status, 400);
    assert.equal(r.headers["server"], "awselb/2.0");
    assert.equal(r.body.length, 122);
  });
  it("rules: query-string pairs with key wildcards, value-only pairs, case-insensitive (alb.md §2.1)", async () => {
    assert.equal(await hit("/q?version=2"), "query");
    assert.equal(await hit("/q?a=1&x=BETA"), "query");
    assert.equal(await hit("/q?version=3"), "default");
  });
  it("rules: source-ip matches the TCP peer, not X-Forwarded-For; conditions AND (alb.md §2.1)", async () => {
    assert.equal(await hit("/ip"), "ip");
    assert.equal(await hit("/other", { headers: { "x-forwarded-for": "10.1.1.1" } }), "default");
  });
  it("rules: several http-header conditions must all hold (alb.md §2)", async () => {
    assert.equal(await hit("/and", { headers: { a: "1", b: "2" } }), "and");
    assert.equal(await hit("/and", { headers: { a: "1" } }), "default");
  });
});

describe("rules: AWS's validation limits at load (alb.md §2)", () => {
  const load = (conditions: unknown[]) =>
    startEdgeparity({
      config: albStack({
        targetGroups: [],
        targets: {},
        listeners: [HTTP80([fixed("200")], [{ Priority: 1, Conditions: conditions, Actions: [fixed("200")] }])],
      }),
    });

  it("rules: more than 5 condition values in a rule is rejected with AWS's message (alb.md §2)", async () => {
    await assert.rejects(
      load([{ Field: "path-pattern", PathPatternConfig: { Values: ["/a", "/b", "/c", "/d", "/e", "/f"] } }]),
      /A rule can only have '5' condition values/,
    );
    await assert.rejects(
      load([
        { Field: "path-pattern", PathPatternConfig: { Values: ["/a", "/b", "/c"] } },
        { Field: "host-header", HostHeaderConfig: { Values: ["a.example.com", "b.example.com", "c.example.com"] } },
      ]),
      /Listeners\[0\]\.Rules\[0\]\.Conditions: ValidationError: A rule can only have '5' condition values/,
    );
  });
  it("rules: five values load (alb.md §2)", async () => {
    const s = await load([{ Field: "path-pattern", PathPatternConfig: { Values: ["/a", "/b", "/c", "/d", "/e"] } }]);
    await s.close();
  });
  it("rules: more than 5 wildcards, two path-pattern conditions, bad host, empty value and duplicate priority are rejected (alb.md §2, §2.1)", async () => {
    await assert.rejects(load([{ Field: "path-pattern", PathPatternConfig: { Values: ["/*/*/*", "/*/*/*"] } }]), /only have '5' wildcards/);
    await assert.rejects(
      load([
        { Field: "path-pattern", Values: ["/a"] },
        { Field: "path-pattern", Values: ["/b"] },
      ]),
      /only have one 'path-pattern' condition/,
    );
    await assert.rejects(load([{ Field: "host-header", HostHeaderConfig: { Values: ["localhost"] } }]), /at least one '\.'/);
    await assert.rejects(load([{ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: "x", Values: [""] } }]), /cannot be empty/);
    await assert.rejects(load([{ Field: "source-ip", SourceIpConfig: { Values: ["10.0.0.0/33"] } }]), /not a valid CIDR/);
    await assert.rejects(
      startEdgeparity({
        config: albStack({
          targetGroups: [],
          targets: {},
          listeners: [
            HTTP80(
              [fixed("200")],
              [
                { Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/a"] }], Actions: [fixed("200")] },
                { Priority: 1, Conditions: [{ Field: "path-pattern", Values: ["/b"] }], Actions: [fixed("200")] },
              ],
            ),
          ],
        }),
      }),
      /PriorityInUse: Priority '1' is currently in use/,
    );
  });
  it("rules: an unknown attribute key is rejected; a not-emulated one warns with its path", async () => {
    const base = { targetGroups: [], targets: {}, listeners: [HTTP80([fixed("200")])] };
    await assert.rejects(
      startEdgeparity({ config: albStack({ ...base, attributes: [{ Key: "no.such.key", Value: "1" }] }) }),
      /attribute key 'no.such.key' is not recognized/,
    );
    const s = await startEdgeparity({ config: albStack({ ...base, attributes: [{ Key: "waf.fail_open.enabled", Value: "true" }] }) });
    try {
      assert.ok(s.warnings.some((w) => w.path === "loadBalancers[0].Attributes[0]" && /not emulated/.test(w.message)));
    } finally {
      await s.close();
    }
  });
});
