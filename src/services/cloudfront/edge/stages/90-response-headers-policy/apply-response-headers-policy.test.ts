import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileResponseHeadersPolicy } from "../../../compile/response-headers-policy.js";
import { findManaged, MANAGED_RESPONSE_HEADERS_POLICIES } from "../../../schema/managed-policies.js";
import type { ResponseHeadersPolicyConfig } from "../../../schema/response-headers-policy.js";
import type { EdgeResponse, ResponseSource } from "../../../response/edge-response.js";
import type { EdgeContext } from "../../edge-context.js";
import { applyResponseHeadersPolicy } from "./apply-response-headers-policy.js";

/** The request and response one stage run sees; only the fields the stage reads. */
function run(
  config: ResponseHeadersPolicyConfig,
  o: {
    method?: string;
    req?: Record<string, string>;
    res?: Record<string, string | string[]>;
    source?: ResponseSource;
    resultType?: EdgeResponse["resultType"];
    requestId?: string;
    origin?: boolean;
  } = {},
): Record<string, string | string[]> {
  const plan = compileResponseHeadersPolicy("p", config);
  const response: EdgeResponse = {
    status: 200,
    headers: Object.freeze({ "content-type": "text/plain", ...o.res }) as Record<string, string | string[]>,
    body: null,
    resultType: o.resultType ?? "Miss",
    detailedResultType: "Miss",
    generated: false,
  };
  const ctx = {
    req: { headers: o.req ?? {} },
    method: o.method ?? "GET",
    response,
    responseSource: o.source ?? "origin",
    requestId: o.requestId ?? "R-Y_lwoh72uNUDzW01NryLmSFbBg7B1H1TRufonCXqTuUMJsoL0KUQ==",
    plan: { pop: "LOC50-C1" },
    startedAt: performance.now() - 5,
    originSentAt: o.origin === false ? undefined : performance.now() - 3,
    originFirstByteAt: o.origin === false ? undefined : performance.now() - 1,
  } as unknown as EdgeContext;
  applyResponseHeadersPolicy(ctx, plan);
  assert.notEqual(ctx.response!.headers, response.headers, "a new headers object: a cached object's headers stay untouched (§6.1)");
  return ctx.response!.headers;
}

const list = <T>(...items: T[]) => ({ Quantity: items.length, Items: items });
const cors = (extra: Partial<NonNullable<ResponseHeadersPolicyConfig["CorsConfig"]>> = {}): ResponseHeadersPolicyConfig => ({
  Name: "cors",
  CorsConfig: {
    AccessControlAllowOrigins: list("https://app.example.com", "https://*.example.org"),
    AccessControlAllowHeaders: list("X-Custom", "Content-Type"),
    AccessControlAllowMethods: list("GET", "PUT"),
    AccessControlAllowCredentials: false,
    OriginOverride: true,
    ...extra,
  },
});
const PREFLIGHT = { origin: "https://app.example.com", "access-control-request-method": "PUT" };

describe("response headers policy: CORS (cloudfront.md §6.2)", () => {
  it("rhp CORS: a request without Origin gets no CORS headers (§6.2 'in responses to CORS requests')", () => {
    const h = run(cors());
    assert.equal(h["access-control-allow-origin"], undefined);
  });

  it("rhp CORS: an allowed Origin is echoed; a simple request gets no method/header list nor max-age (§6.2)", () => {
    const h = run(cors({ AccessControlMaxAgeSec: 600, AccessControlExposeHeaders: list("ETag") }), { req: { origin: "https://app.example.com" } });
    assert.equal(h["access-control-allow-origin"], "https://app.example.com");
    assert.equal(h["access-control-expose-headers"], "ETag");
    assert.equal(h["access-control-allow-methods"], undefined);
    assert.equal(h["access-control-allow-headers"], undefined);
    assert.equal(h["access-control-max-age"], undefined);
    assert.equal(h["access-control-allow-credentials"], undefined, "credentials false → header omitted");
  });

  it("rhp CORS: a preflight gets methods, headers and max-age (§6.2)", () => {
    const h = run(cors({ AccessControlMaxAgeSec: 600 }), { method: "OPTIONS", req: PREFLIGHT });
    assert.equal(h["access-control-allow-origin"], "https://app.example.com");
    assert.equal(h["access-control-allow-methods"], "GET, PUT");
    assert.equal(h["access-control-allow-headers"], "X-Custom, Content-Type");
    assert.equal(h["access-control-max-age"], "600");
  });

  it("rhp CORS: OPTIONS without Access-Control-Request-Method is not a preflight (§6.2)", () => {
    const h = run(cors(), { method: "OPTIONS", req: { origin: "https://app.example.com" } });
    assert.equal(h["access-control-allow-origin"], "https://app.example.com");
    assert.equal(h["access-control-allow-methods"], undefined);
  });

  it("rhp CORS: ALL is every method; * origins answer *; credentials true adds Allow-Credentials and echoes (§6.2)", () => {
    const all = run(cors({ AccessControlAllowOrigins: list("*"), AccessControlAllowMethods: list("ALL") }), { method: "OPTIONS", req: PREFLIGHT });
    assert.equal(all["access-control-allow-origin"], "*");
    assert.equal(all["access-control-allow-methods"], "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT");
    const cred = run(cors({ AccessControlAllowCredentials: true }), { req: { origin: "https://app.example.com" } });
    assert.equal(cred["access-control-allow-credentials"], "true");
    assert.equal(cred["access-control-allow-origin"], "https://app.example.com");
  });

  it("rhp CORS: an Origin not in the list gets no CORS headers; *.example.org covers subdomains only (§6.2)", () => {
    assert.equal(run(cors(), { req: { origin: "https://evil.example.com" } })["access-control-allow-origin"], undefined);
    assert.equal(run(cors(), { req: { origin: "http://app.example.com" } })["access-control-allow-origin"], undefined, "scheme counts");
    assert.equal(run(cors(), { req: { origin: "https://app.example.com:8443" } })["access-control-allow-origin"], undefined, "port counts");
    assert.equal(run(cors(), { req: { origin: "https://a.b.example.org" } })["access-control-allow-origin"], "https://a.b.example.org");
    assert.equal(run(cors(), { req: { origin: "https://example.org" } })["access-control-allow-origin"], undefined);
  });

  it("rhp CORS: OriginOverride false keeps each CORS header the origin sent, adds the others (§6.2, per header)", () => {
    const res = { "access-control-allow-origin": "https://origin-choice.example" };
    const kept = run(cors({ OriginOverride: false, AccessControlExposeHeaders: list("ETag") }), { req: { origin: "https://app.example.com" }, res });
    assert.equal(kept["access-control-allow-origin"], "https://origin-choice.example");
    assert.equal(kept["access-control-expose-headers"], "ETag");
    const replaced = run(cors({ OriginOverride: true }), { req: { origin: "https://app.example.com" }, res });
    assert.equal(replaced["access-control-allow-origin"], "https://app.example.com");
  });
});

describe("response headers policy: security, custom and remove headers (cloudfront.md §6.3, §6.4)", () => {
  const security = (override: boolean): ResponseHeadersPolicyConfig => ({
    Name: "sec",
    SecurityHeadersConfig: {
      ContentSecurityPolicy: { Override: override, ContentSecurityPolicy: "default-src 'self'" },
      ContentTypeOptions: { Override: override },
      FrameOptions: { Override: override, FrameOption: "DENY" },
      ReferrerPolicy: { Override: override, ReferrerPolicy: "no-referrer" },
      StrictTransportSecurity: { Override: override, AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true },
      XSSProtection: { Override: override, Protection: true, ReportUri: "https://r.example/x" },
    },
  });

  it("rhp security: each header with its value (§6.3)", () => {
    const h = run(security(false));
    assert.equal(h["content-security-policy"], "default-src 'self'");
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.equal(h["x-frame-options"], "DENY");
    assert.equal(h["referrer-policy"], "no-referrer");
    assert.equal(h["strict-transport-security"], "max-age=63072000; includeSubDomains; preload");
    assert.equal(h["x-xss-protection"], "1; report=https://r.example/x");
  });

  it("rhp security: Override false keeps the origin's value, true replaces it (§6.3)", () => {
    const res = { "x-frame-options": "SAMEORIGIN", "strict-transport-security": "max-age=1" };
    assert.equal(run(security(false), { res })["x-frame-options"], "SAMEORIGIN");
    assert.equal(run(security(false), { res })["strict-transport-security"], "max-age=1");
    assert.equal(run(security(true), { res })["x-frame-options"], "DENY");
  });

  it("rhp security: each of the six headers has its own Override — only the one set to true replaces the origin's (§6.3)", () => {
    const origin = {
      "content-security-policy": "origin-csp",
      "x-content-type-options": "origin-xcto",
      "x-frame-options": "origin-xfo",
      "referrer-policy": "origin-rp",
      "strict-transport-security": "origin-hsts",
      "x-xss-protection": "origin-xss",
    };
    const ours = run(security(false));
    const fields = [
      ["ContentSecurityPolicy", "content-security-policy"],
      ["ContentTypeOptions", "x-content-type-options"],
      ["FrameOptions", "x-frame-options"],
      ["ReferrerPolicy", "referrer-policy"],
      ["StrictTransportSecurity", "strict-transport-security"],
      ["XSSProtection", "x-xss-protection"],
    ] as const;
    for (const [field, header] of fields) {
      const cfg = security(false);
      const sh = cfg.SecurityHeadersConfig as Record<string, { Override: boolean }>;
      sh[field] = { ...sh[field]!, Override: true };
      const h = run(cfg, { res: origin });
      for (const [, other] of fields) assert.equal(h[other], other === header ? ours[other] : origin[other], `${field} Override true: ${other}`);
    }
  });

  it("rhp security: X-XSS-Protection 0, 1 and 1; mode=block (§6.3)", () => {
    const xss = (x: object) => run({ Name: "x", SecurityHeadersConfig: { XSSProtection: { Override: true, ...x } as never } })["x-xss-protection"];
    assert.equal(xss({ Protection: false }), "0");
    assert.equal(xss({ Protection: true }), "1");
    assert.equal(xss({ Protection: true, ModeBlock: true }), "1; mode=block");
  });

  it("rhp custom headers: added, empty value allowed, Override decides against the origin's (§6.4)", () => {
    const cfg: ResponseHeadersPolicyConfig = {
      Name: "c",
      CustomHeadersConfig: list(
        { Header: "Cache-Control", Value: "no-store", Override: true },
        { Header: "X-Team", Value: "edge", Override: false },
        { Header: "X-Empty", Value: "", Override: false },
      ),
    };
    const h = run(cfg, { res: { "cache-control": "max-age=60", "x-team": "origin" } });
    assert.equal(h["cache-control"], "no-store");
    assert.equal(h["x-team"], "origin");
    assert.equal(h["x-empty"], "");
  });

  it("rhp remove headers: removed first, so a header both removed and added has the policy's value (§6.4)", () => {
    const cfg: ResponseHeadersPolicyConfig = {
      Name: "r",
      RemoveHeadersConfig: list({ Header: "X-Powered-By" }, { Header: "Vary" }, { Header: "X-Team" }),
      CustomHeadersConfig: list({ Header: "X-Team", Value: "edge", Override: false }),
    };
    const h = run(cfg, { res: { "x-powered-by": "Express", vary: "Origin", "x-team": "origin" } });
    assert.equal(h["x-powered-by"], undefined);
    assert.equal(h["vary"], undefined);
    assert.equal(h["x-team"], "edge");
    assert.equal(h["content-type"], "text/plain");
    const server = run({ Name: "s", RemoveHeadersConfig: list({ Header: "Server" }) }, { res: { server: "nginx/1.25" } });
    assert.equal(server["server"], "CloudFront", "removing Server makes CloudFront add its own (§6.4)");
  });
});

describe("response headers policy: Server-Timing (cloudfront.md §6.4)", () => {
  const timing = (rate: number): ResponseHeadersPolicyConfig => ({ Name: "t", ServerTimingHeadersConfig: { Enabled: true, SamplingRate: rate } });

  it("rhp Server-Timing: a miss carries upstream metrics, cdn-cache-miss, pop, rid and downstream-fbl after the origin's own", () => {
    const h = run(timing(100), { res: { "server-timing": "app;dur=12" } });
    const v = String(h["server-timing"]);
    assert.match(
      v,
      /^app;dur=12,cdn-upstream-layer;desc="EDGE",cdn-upstream-dns;dur=0,cdn-upstream-connect;dur=0,cdn-upstream-fbl;dur=\d+,cdn-cache-miss,cdn-pop;desc="LOC50-C1",cdn-rid;desc="R-Y_lwoh72uNUDzW01NryLmSFbBg7B1H1TRufonCXqTuUMJsoL0KUQ==",cdn-downstream-fbl;dur=\d+$/,
    );
  });

  it("rhp Server-Timing: a hit carries only CloudFront's metrics, with cdn-cache-hit and the hit layer", () => {
    const h = run(timing(100), { source: "cache", resultType: "Hit", origin: false, res: { "server-timing": "app;dur=12" } });
    assert.match(
      String(h["server-timing"]),
      /^cdn-cache-hit,cdn-pop;desc="LOC50-C1",cdn-rid;desc="[^"]+",cdn-hit-layer;desc="EDGE",cdn-downstream-fbl;dur=\d+$/,
    );
  });

  it("rhp Server-Timing: rate 0 sends none unless the viewer sends Pragma: server-timing; the rate samples by request id", () => {
    assert.equal(run(timing(0))["server-timing"], undefined);
    assert.ok(run(timing(0), { req: { pragma: "server-timing" } })["server-timing"]);
    // "AAAA…" draws 0 (always under any rate > 0); "____…" draws the top of the range.
    assert.ok(run(timing(0.0001), { requestId: "AAAAxyz==" })["server-timing"]);
    assert.equal(run(timing(99.9999), { requestId: "____xyz==" })["server-timing"], undefined);
    assert.equal(run({ Name: "off", ServerTimingHeadersConfig: { Enabled: false, SamplingRate: 100 } })["server-timing"], undefined);
  });
});

describe("response headers policy: managed policies (cloudfront.md §5.3)", () => {
  const managed = (ref: string) => {
    const m = findManaged(MANAGED_RESPONSE_HEADERS_POLICIES, ref);
    assert.ok(m, ref);
    return m.config;
  };
  const SECURITY = {
    "referrer-policy": "strict-origin-when-cross-origin",
    "strict-transport-security": "max-age=31536000",
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "x-xss-protection": "1; mode=block",
  };
  const pick = (h: Record<string, unknown>, names: string[]) => Object.fromEntries(names.filter((n) => h[n] !== undefined).map((n) => [n, h[n]]));
  const CORS_NAMES = ["access-control-allow-origin", "access-control-allow-methods", "access-control-expose-headers", "access-control-allow-headers"];

  it("rhp managed: SimpleCORS (60669652-…) answers Access-Control-Allow-Origin: * only, preflight included", () => {
    const h = run(managed("60669652-455b-4ae9-85a4-c4c02393f86c"), { method: "OPTIONS", req: PREFLIGHT });
    assert.deepEqual(pick(h, CORS_NAMES), { "access-control-allow-origin": "*" });
    assert.equal(
      run(managed("Managed-SimpleCORS"), { req: { origin: "https://x.test" }, res: { "access-control-allow-origin": "https://o" } })[
        "access-control-allow-origin"
      ],
      "https://o",
      "override No",
    );
  });

  it("rhp managed: CORS-With-Preflight (5cc3b908-…) adds methods and expose on a preflight, origin * (override No)", () => {
    const h = run(managed("5cc3b908-e619-4b99-88e5-2cf7f45965bd"), { method: "OPTIONS", req: PREFLIGHT });
    assert.deepEqual(pick(h, CORS_NAMES), {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
      "access-control-expose-headers": "*",
    });
    assert.deepEqual(pick(run(managed("CORS-With-Preflight"), { req: { origin: "https://x.test" } }), CORS_NAMES), {
      "access-control-allow-origin": "*",
      "access-control-expose-headers": "*",
    });
  });

  it("rhp managed: SecurityHeadersPolicy (67f7725c-…) sets the five headers; only X-Content-Type-Options overrides the origin", () => {
    const id = "67f7725c-6f97-4210-82d7-5512b31e9d03";
    assert.deepEqual(pick(run(managed(id)), Object.keys(SECURITY)), SECURITY);
    const h = run(managed(id), { res: { "x-content-type-options": "off", "x-frame-options": "DENY", "referrer-policy": "origin" } });
    assert.equal(h["x-content-type-options"], "nosniff");
    assert.equal(h["x-frame-options"], "DENY");
    assert.equal(h["referrer-policy"], "origin");
  });

  it("rhp managed: CORS-and-SecurityHeadersPolicy (e61eb60c-…) and CORS-with-preflight-and-SecurityHeadersPolicy (eaab4381-…)", () => {
    const a = run(managed("e61eb60c-9c35-4d20-a928-2b84e02af89c"), { method: "OPTIONS", req: PREFLIGHT });
    assert.deepEqual(pick(a, [...CORS_NAMES, ...Object.keys(SECURITY)]), { "access-control-allow-origin": "*", ...SECURITY });
    const b = run(managed("Managed-CORS-with-preflight-and-SecurityHeadersPolicy"), { method: "OPTIONS", req: PREFLIGHT });
    assert.equal(b["access-control-allow-methods"], "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
    assert.equal(b["x-frame-options"], "SAMEORIGIN");
    assert.equal(managed("eaab4381-ed33-4a86-88ca-d9558dc6cd63").Name, "CORS-with-preflight-and-SecurityHeadersPolicy");
  });
});
