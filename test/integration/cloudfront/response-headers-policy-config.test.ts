import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importObject } from "../../../src/importers/index.js";
import { CACHING_DISABLED, awsItems, customOrigin } from "../../support/stacks.js";

/**
 * responseHeadersPolicies and ResponseHeadersPolicyId at load: what CreateResponseHeadersPolicy and
 * CreateDistribution refuse is refused with AWS's error code and the field's path (cloudfront.md
 * §5.3, §6.2–6.4); managed policies resolve by ID and by name; the old "not emulated" warning is gone.
 */
const list = awsItems;
const load = (policies: Record<string, unknown>, ref = "p") =>
  importObject(
    {
      responseHeadersPolicies: policies,
      distributions: {
        d: {
          Origins: { Items: [customOrigin("o", "origin.example.com")] },
          DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ResponseHeadersPolicyId: ref },
        },
      },
      local: { origins: { "origin.example.com": "http://127.0.0.1:9" } },
    },
    "(test)",
    process.cwd(),
  );
const cors = (extra: Record<string, unknown> = {}) => ({
  Name: "p",
  CorsConfig: {
    AccessControlAllowOrigins: list("https://app.example.com"),
    AccessControlAllowHeaders: list("X-Custom"),
    AccessControlAllowMethods: list("GET", "PUT"),
    AccessControlAllowCredentials: false,
    OriginOverride: true,
    ...extra,
  },
});

describe("response headers policies at load (cloudfront.md §5.3, §6)", () => {
  it("rhp config: a custom policy loads and the behaviour's ResponseHeadersPolicyId is no longer 'not emulated'", () => {
    const { warnings } = load({ p: cors() });
    assert.deepEqual(
      warnings.filter((w) => /ResponseHeadersPolicy/.test(w.path) || /response headers/.test(w.message)),
      [],
    );
  });

  it("rhp config: every managed policy by ID, by name and by Managed- name (§5.3)", () => {
    for (const ref of [
      "60669652-455b-4ae9-85a4-c4c02393f86c",
      "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
      "67f7725c-6f97-4210-82d7-5512b31e9d03",
      "e61eb60c-9c35-4d20-a928-2b84e02af89c",
      "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
      "SimpleCORS",
      "Managed-CORS-With-Preflight",
      "Managed-SecurityHeadersPolicy",
      "CORS-and-SecurityHeadersPolicy",
      "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
    ])
      assert.doesNotThrow(() => load({}, ref), ref);
  });

  it("rhp config: an unknown ID or name is NoSuchResponseHeadersPolicy with did-you-mean (§5.3)", () => {
    assert.throws(
      () => load({}, "Managed-CORS-With-Prefligth"),
      /DefaultCacheBehavior\.ResponseHeadersPolicyId: NoSuchResponseHeadersPolicy: 'Managed-CORS-With-Prefligth' is neither an AWS managed response headers policy nor one under responseHeadersPolicies.*Managed-CORS-With-Preflight/,
    );
    assert.throws(() => load({ mine: cors() }, "mina"), /NoSuchResponseHeadersPolicy: 'mina'.*mine/);
  });

  it("rhp config: two policies with one Name is ResponseHeadersPolicyAlreadyExists (API:ResponseHeadersPolicyConfig)", () => {
    assert.throws(
      () => load({ p: cors(), q: cors() }),
      /responseHeadersPolicies\.q\.Name: ResponseHeadersPolicyAlreadyExists: A response headers policy with the name 'p' already exists/,
    );
  });

  it("rhp config: CorsConfig's required fields are required (API:ResponseHeadersPolicyCorsConfig)", () => {
    for (const field of [
      "AccessControlAllowOrigins",
      "AccessControlAllowHeaders",
      "AccessControlAllowMethods",
      "AccessControlAllowCredentials",
      "OriginOverride",
    ]) {
      const p = cors();
      delete (p.CorsConfig as Record<string, unknown>)[field];
      assert.throws(() => load({ p }), new RegExp(`responseHeadersPolicies\\.p\\.CorsConfig\\.${field}`), field);
    }
  });

  it("rhp config: AccessControlAllowCredentials true with * origins is InvalidArgument (§6.2)", () => {
    assert.throws(
      () => load({ p: cors({ AccessControlAllowOrigins: list("*"), AccessControlAllowCredentials: true }) }),
      /responseHeadersPolicies\.p\.CorsConfig\.AccessControlAllowCredentials: InvalidArgument: The parameter AccessControlAllowCredentials cannot be true/,
    );
    assert.doesNotThrow(() => load({ p: cors({ AccessControlAllowCredentials: true }) }));
  });

  it("rhp config: origin wildcards only as the leftmost label; methods only the documented ones (§6.2)", () => {
    for (const bad of ["https://example.*", "https://test.*.example.org", "https://exa*mple.org", "*.org"])
      assert.throws(() => load({ p: cors({ AccessControlAllowOrigins: list(bad) }) }), /AccessControlAllowOrigins\.Items\[0\]: InvalidArgument/, bad);
    assert.doesNotThrow(() => load({ p: cors({ AccessControlAllowOrigins: list("https://*.example.org", "http://localhost:3000") }) }));
    assert.throws(() => load({ p: cors({ AccessControlAllowMethods: list("TRACE") }) }), /AccessControlAllowMethods\.Items\[0\]/);
  });

  it("rhp config: a custom header that is also a configured security header or a CORS header is InvalidArgument (§6.3, §6.4)", () => {
    const p = {
      Name: "p",
      SecurityHeadersConfig: { FrameOptions: { Override: true, FrameOption: "DENY" } },
      CustomHeadersConfig: list({ Header: "X-Frame-Options", Value: "SAMEORIGIN", Override: true }),
    };
    assert.throws(
      () => load({ p }),
      /CustomHeadersConfig\.Items\[0\]\.Header: InvalidArgument: The parameter Header contains X-Frame-Options, which is also set in SecurityHeadersConfig/,
    );
    const q = { ...cors(), CustomHeadersConfig: list({ Header: "Access-Control-Allow-Origin", Value: "*", Override: true }) };
    assert.throws(() => load({ p: q }), /which is also set by CorsConfig/);
    assert.doesNotThrow(() => load({ p: { Name: "p", CustomHeadersConfig: list({ Header: "X-Frame-Options", Value: "DENY", Override: true }) } }));
  });

  it("rhp config: headers CloudFront cannot remove (or add) are InvalidArgument; quotas are AWS's Too* codes (§6.4)", () => {
    for (const h of ["Content-Length", "Via", "X-Amz-Cf-Pop", "X-Edge-Location", "Transfer-Encoding", "X-Cache"])
      assert.throws(
        () => load({ p: { Name: "p", RemoveHeadersConfig: list({ Header: h }) } }),
        new RegExp(`RemoveHeadersConfig\\.Items\\[0\\]\\.Header: InvalidArgument: The parameter RemoveHeadersConfig contains ${h}`),
        h,
      );
    assert.throws(() => load({ p: { Name: "p", CustomHeadersConfig: list({ Header: "Connection", Value: "x", Override: true }) } }), /cannot add/);
    assert.doesNotThrow(() => load({ p: { Name: "p", RemoveHeadersConfig: list({ Header: "Server" }, { Header: "X-Powered-By" }) } }));
    const many = Array.from({ length: 11 }, (_, i) => ({ Header: `X-H${i}`, Value: "v", Override: false }));
    assert.throws(() => load({ p: { Name: "p", CustomHeadersConfig: list(...many) } }), /TooManyCustomHeadersInResponseHeadersPolicy/);
    assert.throws(
      () => load({ p: { Name: "p", RemoveHeadersConfig: list(...many.map((h) => ({ Header: h.Header }))) } }),
      /TooManyRemoveHeadersInResponseHeadersPolicy/,
    );
    assert.throws(
      () => load({ p: { Name: "p", SecurityHeadersConfig: { ContentSecurityPolicy: { Override: true, ContentSecurityPolicy: "a".repeat(1784) } } } }),
      /TooLongCspInResponseHeadersPolicy/,
    );
    assert.throws(() => load({ p: { Name: "p", CustomHeadersConfig: { Quantity: 2, Items: [many[0]] } } }), /Quantity is 2 but Items has 1/);
  });

  it("rhp config: Server-Timing SamplingRate is 0–100 with at most four decimals (§6.4)", () => {
    for (const bad of [-1, 100.5, 12.34567])
      assert.throws(
        () => load({ p: { Name: "p", ServerTimingHeadersConfig: { Enabled: true, SamplingRate: bad } } }),
        /ServerTimingHeadersConfig\.SamplingRate: InvalidArgument: The parameter SamplingRate/,
        String(bad),
      );
    for (const ok of [0, 100, 12.3456]) assert.doesNotThrow(() => load({ p: { Name: "p", ServerTimingHeadersConfig: { Enabled: true, SamplingRate: ok } } }));
    const { warnings } = load({ p: { Name: "p", ServerTimingHeadersConfig: { Enabled: true, SamplingRate: 1 } } });
    assert.ok(warnings.some((w) => /approximated: cdn-upstream-dns/.test(w.message)));
  });

  it("rhp config: XSSProtection ModeBlock and ReportUri are exclusive, and need Protection (§6.3)", () => {
    const xss = (x: object) => load({ p: { Name: "p", SecurityHeadersConfig: { XSSProtection: { Override: true, ...x } } } });
    assert.throws(
      () => xss({ Protection: true, ModeBlock: true, ReportUri: "https://r" }),
      /XSSProtection: InvalidArgument: The parameters ModeBlock and ReportUri/,
    );
    assert.throws(() => xss({ Protection: false, ModeBlock: true }), /can be used only when Protection is true/);
    assert.doesNotThrow(() => xss({ Protection: true, ReportUri: "https://r" }));
  });
});
