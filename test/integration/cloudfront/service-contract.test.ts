import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { importObject } from "../../../src/importers/index.js";

const importDocument = (doc: object, label: string) => importObject(doc, label, process.cwd());
import { startCloudFrontHarness, type CloudFrontHarness } from "../../support/cloudfront-service.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { CACHING_DISABLED, customOrigin } from "../../support/stacks.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * What the CloudFront service offers the gateway (core/service.ts): `resolveHost` for wildcard
 * aliases (cloudfront.md §1.1 step 1), CloudFront-Viewer-* headers from `local.viewer` and the
 * connection's ClientHello (§7.4), and `hostPolicies` whose rejections are CloudFront's own pages
 * (§9.3, §11.2). The service runs for real behind a minimal front (test/support/cloudfront-service.ts).
 */
describe("CloudFront service contract (cloudfront.md §1.1, §7.4, §9.3)", () => {
  let cf: CloudFrontHarness;
  let origin: OriginServer;
  let other: OriginServer;
  before(async () => {
    origin = await startOrigin((_req, res) => res.end("wildcard distribution"));
    other = await startOrigin((_req, res) => res.end("exact distribution"));
    const viewerHeaders = ["CloudFront-Viewer-Country", "CloudFront-Viewer-ASN", "CloudFront-Viewer-JA3-Fingerprint", "CloudFront-Viewer-JA4-Fingerprint"];
    cf = await startCloudFrontHarness(
      {
        originRequestPolicies: {
          viewer: {
            Name: "viewer",
            HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: viewerHeaders } },
            CookiesConfig: { CookieBehavior: "none" },
            QueryStringsConfig: { QueryStringBehavior: "none" },
          },
        },
        distributions: {
          wild: {
            Aliases: { Items: ["*.example.com"] },
            Origins: { Items: [customOrigin("o", "wild-origin.example.net")] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: "viewer" },
          },
          exact: {
            Aliases: { Items: ["api.example.com"] },
            Origins: { Items: [customOrigin("o", "exact-origin.example.net")] },
            DefaultCacheBehavior: { TargetOriginId: "o", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
          },
        },
      },
      { "wild-origin.example.net": origin.url, "exact-origin.example.net": other.url },
      { viewer: { country: "DE", asn: 3320 }, certHosts: ["www.example.com", "a.b.example.com"] },
    );
  });
  after(async () => {
    await cf.close();
    await origin.close();
    await other.close();
  });
  beforeEach(() => {
    origin.requests.length = 0;
  });

  for (const v of VIEWER_VERSIONS) {
    it(`HTTP/${v}: a wildcard alias serves subdomains at any depth; an exact alias wins; the bare domain is not covered (cloudfront.md §1.1)`, async () => {
      for (const h of ["www.example.com", "a.b.example.com"]) {
        const r = await send(cf, v, h, "/x");
        assert.equal(r.status, 200, h);
        assert.equal(r.body.toString(), "wildcard distribution", h);
      }
      assert.equal((await send(cf, v, "api.example.com", "/x")).body.toString(), "exact distribution");
      assert.equal(cf.service.resolveHost("example.com"), undefined);
      assert.equal(cf.service.resolveHost("WWW.EXAMPLE.COM:443"), cf.service.resolveHost("www.example.com"));
    });

    it(`HTTP/${v}: CloudFront-Viewer-Country and -ASN come from local.viewer; JA3/JA4 from the viewer's ClientHello on HTTPS only (cloudfront.md §7.4)`, async () => {
      await send(cf, v, "www.example.com", "/viewer");
      const seen = origin.requests.at(-1)!.headers;
      assert.equal(seen["cloudfront-viewer-country"], "DE");
      assert.equal(seen["cloudfront-viewer-asn"], "3320");
      if (v === "2") {
        assert.match(String(seen["cloudfront-viewer-ja3-fingerprint"]), /^[0-9a-f]{32}$/);
        assert.match(String(seen["cloudfront-viewer-ja4-fingerprint"]), /^t13d\d{4}h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
      } else {
        assert.equal(seen["cloudfront-viewer-ja3-fingerprint"], undefined, "no TLS, no fingerprint");
        assert.equal(seen["cloudfront-viewer-ja4-fingerprint"], undefined);
      }
    });
  }

  it("hostPolicies: every distribution host rejects with CloudFront's own 400 page, Server: CloudFront, X-Amz-Cf-Id and Connection: close (cloudfront.md §9.3)", () => {
    for (const h of [cf.domains.wild!, "*.example.com", "api.example.com"]) {
      const policy = cf.service.hostPolicies.get(h);
      assert.ok(policy?.rejectRequest, h);
      const raw = policy.rejectRequest("malformed", "bad request line");
      const [head, body] = raw.split("\r\n\r\n") as [string, string];
      assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
      assert.match(head, /\r\nServer: CloudFront\r\n/);
      assert.match(head, /\r\nX-Cache: Error from cloudfront\r\n/);
      assert.match(head, /\r\nConnection: close\r\n/);
      assert.match(head, /\r\nVia: 1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)\r\n/);
      const id = /\r\nX-Amz-Cf-Id: ([A-Za-z0-9_-]{54}==)/.exec(head)?.[1];
      assert.ok(id, "request id");
      assert.equal(Number(/\r\nContent-Length: (\d+)/.exec(head)?.[1]), Buffer.byteLength(body, "latin1"));
      assert.match(body, /<H1>400 ERROR<\/H1>\n<H2>The request could not be satisfied\.<\/H2>\n<HR noshade size="1px">\nBad request\.\n/);
      assert.ok(body.includes(`Request ID: ${id}`));
    }
    const big = cf.service.hostPolicies.get("api.example.com")!.rejectRequest!("head-too-large", "");
    assert.match(big, /^HTTP\/1\.1 413 Request Entity Too Large\r\n/, "oversized head: 413 (cloudfront.md §11.2)");
  });

  it("local.viewer: the country must be ISO 3166-1 alpha-2 (stack schema, cloudfront.md §7.4)", () => {
    const base = { distributions: {} };
    assert.throws(() => importDocument({ ...base, local: { viewer: { country: "germany" } } }, "(test)"), /ISO 3166-1 alpha-2/);
    const { stack } = importDocument({ ...base, local: { viewer: { country: "FR" } } }, "(test)");
    assert.deepEqual(stack.local.viewer, { country: "FR", asn: 16509 });
  });
});
