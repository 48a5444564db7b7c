import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startEdgeparity } from "../../../src/index.js";
import { importObject } from "../../../src/importers/index.js";

const importDocument = (doc: object, label: string) => importObject(doc, label, process.cwd());
import { startOrigin } from "../../support/origin-server.js";
import { CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * Configurations CloudFront's API refuses are refused at load with AWS's error code (issue 8 §6):
 * an origin request policy listing Authorization (cloudfront.md §7.2), forbidden origin custom
 * headers (§7.5), policy quotas (§4.1), key parameters on a caching-disabled policy (§4.4).
 */
const distribution = (extra: Record<string, unknown> = {}, origin: Record<string, unknown> = {}) => ({
  Origins: { Items: [customOrigin("o", "origin.example.com", origin)] },
  DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, ...extra },
});
const load = (doc: Record<string, unknown>) => importDocument({ local: { origins: { "origin.example.com": "http://127.0.0.1:9" } }, ...doc }, "(test)");
const policy = (ttl: [number, number, number], params: Record<string, unknown>) => ({
  Name: "p",
  MinTTL: ttl[0],
  DefaultTTL: ttl[1],
  MaxTTL: ttl[2],
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: false,
    HeadersConfig: { HeaderBehavior: "none" },
    CookiesConfig: { CookieBehavior: "none" },
    QueryStringsConfig: { QueryStringBehavior: "none" },
    ...params,
  },
});

describe("config refusals (cloudfront.md §4.1, §4.4, §7.2, §7.5)", () => {
  it("config: an origin request policy that lists Authorization is refused with InvalidArgument (cloudfront.md §7.2)", () => {
    const orp = {
      Name: "auth",
      HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: ["X-Ok", "Authorization"] } },
      CookiesConfig: { CookieBehavior: "none" },
      QueryStringsConfig: { QueryStringBehavior: "none" },
    };
    assert.throws(
      () => load({ originRequestPolicies: { auth: orp }, distributions: { d: distribution({ OriginRequestPolicyId: "auth" }) } }),
      /originRequestPolicies\.auth\.HeadersConfig\.Headers\.Items\[1\]: InvalidArgument: The parameter Headers contains Authorization/,
    );
  });

  it("config: origin custom headers Host, Cache-Control and X-Amz-* are refused with InvalidArgument (cloudfront.md §7.5)", () => {
    for (const name of ["Host", "Cache-Control", "X-Amz-Date", "X-Edge-Location"]) {
      assert.throws(
        () => load({ distributions: { d: distribution({}, { CustomHeaders: { Items: [{ HeaderName: name, HeaderValue: "v" }] } }) } }),
        new RegExp(`CustomHeaders\\.Items\\[0\\]\\.HeaderName: InvalidArgument: The parameter HeaderName : ${name} is not allowed`),
        name,
      );
    }
    assert.doesNotThrow(() =>
      load({ distributions: { d: distribution({}, { CustomHeaders: { Items: [{ HeaderName: "X-Origin-Secret", HeaderValue: "v" }] } }) } }),
    );
  });

  it("config: more than 10 headers in a cache policy is TooManyHeadersInCachePolicy (cloudfront.md §4.1)", () => {
    const headers = Array.from({ length: 11 }, (_, i) => `X-H${i}`);
    assert.throws(
      () =>
        load({
          cachePolicies: { p: policy([0, 60, 600], { HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: headers } } }) },
          distributions: {},
        }),
      /TooManyHeadersInCachePolicy/,
    );
  });

  it("config: CloudFront-Viewer-ASN / -JA3-Fingerprint in a cache policy are refused: origin request policies only (cloudfront.md §7.2)", () => {
    for (const h of ["CloudFront-Viewer-ASN", "CloudFront-Viewer-JA3-Fingerprint", "CloudFront-Viewer-Address"]) {
      assert.throws(
        () =>
          load({ cachePolicies: { p: policy([0, 60, 600], { HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: [h] } } }) }, distributions: {} }),
        new RegExp(`InvalidArgument: The parameter Headers contains ${h}, which can be used only in an origin request policy`),
      );
    }
    assert.doesNotThrow(() =>
      load({
        cachePolicies: { p: policy([0, 60, 600], { HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: ["CloudFront-Viewer-Country"] } } }) },
        distributions: {},
      }),
    );
  });

  it("config: cache-key parameters on an all-zero-TTL policy are refused as invalid for caching disabled (cloudfront.md §4.4)", () => {
    assert.throws(
      () => load({ cachePolicies: { p: policy([0, 0, 0], { QueryStringsConfig: { QueryStringBehavior: "all" } }) }, distributions: {} }),
      /InvalidArgument: The parameter QueryStringsConfig is invalid for policy with caching disabled\./,
    );
    assert.throws(
      () => load({ cachePolicies: { p: policy([0, 0, 0], { EnableAcceptEncodingGzip: true }) }, distributions: {} }),
      /EnableAcceptEncodingGzip is invalid/,
    );
    assert.doesNotThrow(() => load({ cachePolicies: { p: policy([0, 0, 0], {}) }, distributions: {} }));
  });

  it("config: SelectionCriteria media-quality-based loads with a 'not emulated' warning (cloudfront.md §10.6)", () => {
    const d = {
      ...distribution({ TargetOriginId: "g" }),
      Origins: { Items: [customOrigin("a", "origin.example.com"), customOrigin("b", "origin.example.com")] },
      OriginGroups: {
        Items: [
          {
            Id: "g",
            FailoverCriteria: { StatusCodes: { Items: [500] } },
            Members: { Items: [{ OriginId: "a" }, { OriginId: "b" }] },
            SelectionCriteria: "media-quality-based",
          },
        ],
      },
    };
    const { warnings } = load({ distributions: { d } });
    assert.ok(warnings.some((w) => w.path.endsWith("OriginGroups.Items[0].SelectionCriteria") && /not emulated/.test(w.message)));
  });

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: an Enabled: false distribution is listed as disabled and serves no requests (cloudfront.md §1.1)`, async () => {
      const origin = await startOrigin();
      const stack = await startEdgeparity({
        config: { distributions: { off: { ...distribution(), Enabled: false } }, local: { origins: { "origin.example.com": origin.url } } },
      });
      try {
        assert.equal(stack.distributions.off!.enabled, false);
        // Either an error answer or, over TLS, a refused handshake: no certificate is issued for a
        // name no enabled distribution serves (CloudFront drops a connection whose SNI matches none).
        const r = await send(stack, v, stack.distributions.off!.domain, "/").catch((e: Error) => ({ status: 0, error: e }));
        assert.notEqual(r.status, 200);
        assert.equal(origin.requests.length, 0);
      } finally {
        await stack.close();
        await origin.close();
      }
    });
  }
});
