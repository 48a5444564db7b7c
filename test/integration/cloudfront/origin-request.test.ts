import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { ALL_METHODS, ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST, CACHING_DISABLED, customOrigin } from "../../support/stacks.js";

const ORIGIN_DOMAIN = "origin.example.com";

describe("what reaches the origin (cloudfront.md §7.2–7.5, §10.2)", () => {
  let stack: EdgeparityStack;
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin();
    const b = (PathPattern: string, extra: Record<string, unknown>) => ({
      PathPattern,
      TargetOriginId: "origin",
      ViewerProtocolPolicy: "allow-all",
      AllowedMethods: ALL_METHODS,
      CachePolicyId: CACHING_DISABLED,
      ...extra,
    });
    stack = await startEdgeparity({
      config: {
        cachePolicies: {
          "keyed-policy": {
            Name: "keyed",
            // All-zero TTLs would refuse key parameters (cloudfront.md §4.4); DefaultTTL 0 stores nothing here.
            MinTTL: 0,
            DefaultTTL: 0,
            MaxTTL: 1,
            ParametersInCacheKeyAndForwardedToOrigin: {
              EnableAcceptEncodingGzip: false,
              HeadersConfig: { HeaderBehavior: "whitelist", Headers: { Items: ["X-Tenant"] } },
              CookiesConfig: { CookieBehavior: "whitelist", Cookies: { Items: ["b", "a"] } },
              QueryStringsConfig: { QueryStringBehavior: "whitelist", QueryStrings: { Items: ["keep", "also"] } },
            },
          },
        },
        originRequestPolicies: {
          "cf-headers": {
            Name: "cf-headers",
            HeadersConfig: {
              HeaderBehavior: "whitelist",
              Headers: { Items: ["CloudFront-Forwarded-Proto", "CloudFront-Viewer-Address", "CloudFront-Is-Mobile-Viewer"] },
            },
            CookiesConfig: { CookieBehavior: "none" },
            QueryStringsConfig: { QueryStringBehavior: "none" },
          },
        },
        distributions: {
          web: {
            Origins: {
              Items: [
                customOrigin("origin", ORIGIN_DOMAIN, {
                  OriginPath: "/prefix",
                  CustomHeaders: { Quantity: 1, Items: [{ HeaderName: "X-Origin-Secret", HeaderValue: "s3cr3t" }] },
                }),
              ],
            },
            CacheBehaviors: {
              Items: [
                b("/all-viewer/*", { OriginRequestPolicyId: ALL_VIEWER }),
                b("/all-except-host/*", { OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST }),
                b("/keyed/*", { CachePolicyId: "keyed-policy", OriginRequestPolicyId: "cf-headers" }),
                b("/legacy/*", {
                  CachePolicyId: undefined,
                  ForwardedValues: { QueryString: true, Cookies: { Forward: "all" }, Headers: { Items: ["Accept-Language"] } },
                  MinTTL: 0,
                  DefaultTTL: 0,
                  MaxTTL: 0,
                }),
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "origin", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED, AllowedMethods: ALL_METHODS },
          },
        },
        local: { origins: { [ORIGIN_DOMAIN]: origin.url } },
      },
    });
  });
  after(async () => {
    await stack.close();
    await origin.close();
  });

  const viewerHeaders = {
    "accept-language": "de",
    cookie: "z=26; b=2; a=1; junk",
    "x-tenant": "t1",
    "x-forwarded-for": "203.0.113.9",
    "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile",
    "cloudfront-viewer-country": "XX",
    authorization: "Bearer abc",
    "x-other": "1",
  };
  const get = async (path: string, headers: Record<string, string> = viewerHeaders, method = "GET") => {
    const r = await stack.fetch(new URL(path, stack.distributions.web!.url), { method, headers });
    await r.arrayBuffer();
    return { r, seen: origin.requests.at(-1)! };
  };

  it("CachingDisabled without ORP: only the always-sent headers reach the origin; no query, no cookies (§4.4, §7.2)", async () => {
    const { r, seen } = await get("/plain?x=1&y=2");
    assert.equal(seen.url, "/prefix/plain", "OriginPath prefixed (§10.2), query stripped");
    assert.equal(seen.headers.host, ORIGIN_DOMAIN, "Host = origin domain (§10.5)");
    assert.equal(seen.headers["user-agent"], "Amazon CloudFront");
    assert.equal(seen.headers["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
    assert.equal(seen.headers["x-amz-cf-id"], r.headers.get("x-amz-cf-id"));
    assert.match(seen.headers.via!, /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    for (const h of ["accept-language", "cookie", "x-tenant", "authorization", "x-other", "cloudfront-viewer-country"])
      assert.equal(seen.headers[h], undefined, h);
    assert.equal(seen.headers["x-origin-secret"], "s3cr3t", "origin custom header (§7.5)");
  });

  it("origin custom headers overwrite a viewer value (§7.5)", async () => {
    const { seen } = await get("/plain", { "x-origin-secret": "forged" });
    assert.equal(seen.headers["x-origin-secret"], "s3cr3t");
  });

  it("AllViewer: every viewer header, the viewer Host, all cookies and the query reach a custom origin (§5.2)", async () => {
    const { r, seen } = await get("/all-viewer/x?b=2&a=1");
    assert.equal(seen.url, "/prefix/all-viewer/x?b=2&a=1", "query order kept (§4.2)");
    assert.equal(seen.headers.host, new URL(stack.distributions.web!.url).host);
    assert.equal(seen.headers["accept-language"], "de");
    assert.equal(seen.headers["x-other"], "1");
    assert.equal(seen.headers.authorization, "Bearer abc");
    assert.equal(seen.headers["user-agent"], viewerHeaders["user-agent"]);
    assert.equal(seen.headers.cookie, "a=1; b=2; z=26", "cookies sorted by name, non name=value dropped (§4.2)");
    assert.equal(seen.headers["cloudfront-viewer-country"], undefined, "viewer-supplied CloudFront-* never passes (§7.2)");
    assert.equal(r.status, 200);
  });

  it("AllViewerExceptHostHeader: Host is the origin domain, the rest passes (§5.2)", async () => {
    const { seen } = await get("/all-except-host/x?q=1");
    assert.equal(seen.headers.host, ORIGIN_DOMAIN);
    assert.equal(seen.headers["accept-language"], "de");
    assert.equal(seen.url, "/prefix/all-except-host/x?q=1");
  });

  it("cache-policy allow-lists forward listed header, cookies and query strings; ORP adds CloudFront headers (§7.3, §7.4)", async () => {
    const { seen } = await get("/keyed/x?drop=1&keep=2&also=3");
    assert.equal(seen.url, "/prefix/keyed/x?keep=2&also=3");
    assert.equal(seen.headers["x-tenant"], "t1");
    assert.equal(seen.headers.cookie, "a=1; b=2");
    assert.equal(seen.headers["accept-language"], undefined);
    assert.equal(seen.headers["cloudfront-forwarded-proto"], "https");
    assert.match(String(seen.headers["cloudfront-viewer-address"]), /^127\.0\.0\.1:\d+$/);
    assert.equal(seen.headers["cloudfront-is-mobile-viewer"], "true");
  });

  it("legacy ForwardedValues: listed headers, all cookies, all query strings; Authorization dropped on GET (§4.10, §7.2)", async () => {
    const { seen } = await get("/legacy/x?a=1");
    assert.equal(seen.url, "/prefix/legacy/x?a=1");
    assert.equal(seen.headers["accept-language"], "de");
    assert.equal(seen.headers["x-other"], undefined);
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers.cookie, "a=1; b=2; z=26");
  });

  it("legacy ForwardedValues: Authorization is forwarded on POST (§7.2)", async () => {
    const { seen } = await get("/legacy/x", { ...viewerHeaders, "content-type": "text/plain" }, "POST");
    assert.equal(seen.headers.authorization, "Bearer abc");
  });

  it("response: Via replaced, X-Cache/X-Amz-Cf-Pop/X-Amz-Cf-Id added, Vary filtered, hop-by-hop removed (§7.1, §4.8)", async () => {
    origin.handle((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", via: "1.1 origin-proxy", vary: "Accept-Encoding, X-Unforwarded, Origin", "x-custom": "v" });
      res.end("hello");
    });
    const r = await stack.fetch(new URL("/plain", stack.distributions.web!.url));
    assert.equal(await r.text(), "hello");
    assert.match(r.headers.get("via")!, /^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    assert.equal(r.headers.get("vary"), "Accept-Encoding");
    assert.equal(r.headers.get("x-custom"), "v");
    assert.equal(r.headers.get("x-cache"), "Miss from cloudfront");
    assert.equal(r.headers.get("x-amz-cf-pop"), "LOC50-C1");
    origin.handle((_req, res) => res.end("ok"));
  });

  it("response: an origin 4xx passes through with X-Cache 'Error from cloudfront' (§1.2)", async () => {
    origin.handle((_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("nope");
    });
    const r = await stack.fetch(new URL("/missing", stack.distributions.web!.url));
    assert.equal(r.status, 404);
    assert.equal(r.headers.get("x-cache"), "Error from cloudfront");
    assert.equal(await r.text(), "nope");
    origin.handle((_req, res) => res.end("ok"));
  });
});
