import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseStack } from "../model/parse-stack.js";
import type { Stack } from "../model/stack.js";
import { describeChanges } from "./describe-changes.js";

/** Stacks go through parseStack, so defaults are filled in as in a real revision. */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const behavior = (PathPattern: string, TargetOriginId = "web", extra: Record<string, unknown> = {}) => ({
  PathPattern,
  TargetOriginId,
  ViewerProtocolPolicy: "allow-all",
  CachePolicyId: CACHING_DISABLED,
  ...extra,
});
const origin = (Id: string, DomainName = `${Id}.example.com`) => ({ Id, DomainName, CustomOriginConfig: { OriginProtocolPolicy: "http-only" } });

function distribution(o: { behaviors?: object[]; origins?: object[]; viewer?: string; extra?: Record<string, unknown> } = {}) {
  return {
    Origins: { Items: o.origins ?? [origin("web"), origin("api")] },
    DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: o.viewer ?? "allow-all", CachePolicyId: CACHING_DISABLED },
    ...(o.behaviors ? { CacheBehaviors: { Items: o.behaviors } } : {}),
    ...o.extra,
  };
}

function stack(input: Record<string, unknown>): Stack {
  return parseStack(input, "test").stack;
}

const targetGroup = (Name: string, extra: Record<string, unknown> = {}) => ({ Name, Protocol: "HTTP", Port: 80, TargetType: "ip", ...extra });
const forward = (tg: string) => [{ Type: "forward", TargetGroupArn: tg }];
function loadBalancer(listeners: object[], extra: Record<string, unknown> = {}) {
  return { Name: "api", Listeners: listeners, ...extra };
}
const listener = (Port: number, Rules: object[] = [], tg = "api-tg") => ({ Port, Protocol: "HTTP", DefaultActions: forward(tg), Rules });
const rule = (Priority: number, path: string, tg = "api-tg") => ({
  Priority,
  Conditions: [{ Field: "path-pattern", PathPatternConfig: { Values: [path] } }],
  Actions: forward(tg),
});
function elb(o: { listeners?: object[]; groups?: object[]; lbExtra?: Record<string, unknown> } = {}) {
  return {
    targetGroups: o.groups ?? [targetGroup("api-tg"), targetGroup("other-tg")],
    loadBalancers: [loadBalancer(o.listeners ?? [listener(80)], o.lbExtra)],
  };
}

describe("describe-changes (issue 9: what an edit changed, in AWS terms)", () => {
  it("describe-changes: an identical stack has no changes", () => {
    const s = { distributions: { app: distribution({ behaviors: [behavior("/a/*")] }) }, ...elb() };
    assert.deepEqual(describeChanges(stack(s), stack(s)), []);
  });

  it("describe-changes: a behaviour is added at its index, matched by PathPattern (cloudfront.md §2)", () => {
    const before = stack({ distributions: { app: distribution({ behaviors: [behavior("/static/*")] }) } });
    const after = stack({ distributions: { app: distribution({ behaviors: [behavior("/static/*"), behavior("/api/*", "api")] }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: CacheBehaviors[1] /api/* added"]);
    assert.deepEqual(describeChanges(after, before), ["distribution app: CacheBehaviors[1] /api/* removed"]);
  });

  it("describe-changes: inserting a behaviour first shifts the others without reporting them moved (cloudfront.md §2)", () => {
    const before = stack({ distributions: { app: distribution({ behaviors: [behavior("/a/*"), behavior("/b/*")] }) } });
    const after = stack({ distributions: { app: distribution({ behaviors: [behavior("/new/*"), behavior("/a/*"), behavior("/b/*")] }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: CacheBehaviors[0] /new/* added"]);
  });

  it("describe-changes: swapping two behaviours changes precedence and is reported as a move (cloudfront.md §2: first match wins)", () => {
    const before = stack({ distributions: { app: distribution({ behaviors: [behavior("/a/*"), behavior("/b/*"), behavior("/c/*")] }) } });
    const after = stack({ distributions: { app: distribution({ behaviors: [behavior("/c/*"), behavior("/a/*"), behavior("/b/*")] }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: CacheBehaviors[0] /c/* moved from [2]"]);
  });

  it("describe-changes: a behaviour's fields are named under its PathPattern; AllowedMethods lists print without Quantity (cloudfront.md §3)", () => {
    const before = stack({ distributions: { app: distribution({ behaviors: [behavior("/api/*", "web")] }) } });
    const after = stack({
      distributions: {
        app: distribution({
          behaviors: [behavior("/api/*", "api", { AllowedMethods: { Quantity: 3, Items: ["GET", "HEAD", "OPTIONS"] }, Compress: true })],
        }),
      },
    });
    assert.deepEqual(describeChanges(before, after), [
      "distribution app: CacheBehaviors[0] /api/* TargetOriginId web → api",
      "distribution app: CacheBehaviors[0] /api/* Compress false → true",
      "distribution app: CacheBehaviors[0] /api/* AllowedMethods (unset) → [GET, HEAD, OPTIONS]",
    ]);
  });

  it("describe-changes: DefaultCacheBehavior fields by path with old → new value (cloudfront.md §3.1)", () => {
    const before = stack({ distributions: { app: distribution() } });
    const after = stack({ distributions: { app: distribution({ viewer: "redirect-to-https" }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: DefaultCacheBehavior.ViewerProtocolPolicy allow-all → redirect-to-https"]);
  });

  it("describe-changes: origins are matched by Id: added, removed, and a changed DomainName", () => {
    const before = stack({ distributions: { app: distribution({ origins: [origin("web"), origin("old")] }) } });
    const after = stack({ distributions: { app: distribution({ origins: [origin("web", "www.example.net"), origin("api")] }) } });
    assert.deepEqual(describeChanges(before, after), [
      "distribution app: origin web DomainName web.example.com → www.example.net",
      "distribution app: origin api added",
      "distribution app: origin old removed",
    ]);
  });

  it("describe-changes: reordering origins is not a change (origins are referenced by Id)", () => {
    const before = stack({ distributions: { app: distribution({ origins: [origin("web"), origin("api")] }) } });
    const after = stack({ distributions: { app: distribution({ origins: [origin("api"), origin("web")] }) } });
    assert.deepEqual(describeChanges(before, after), []);
  });

  it("describe-changes: distributions added and removed by name; aliases as a set; custom error responses by ErrorCode (cloudfront.md §9.1)", () => {
    const before = stack({ distributions: { app: distribution({ extra: { Aliases: { Items: ["a.example.com"] } } }), old: distribution() } });
    const after = stack({
      distributions: {
        app: distribution({
          extra: {
            Aliases: { Items: ["b.example.com"] },
            CustomErrorResponses: { Items: [{ ErrorCode: 404, ResponsePagePath: "/index.html", ResponseCode: "200" }] },
          },
        }),
        web: distribution(),
      },
    });
    assert.deepEqual(describeChanges(before, after), [
      "distribution app: alias b.example.com added",
      "distribution app: alias a.example.com removed",
      "distribution app: CustomErrorResponses 404 added",
      "distribution web added",
      "distribution old removed",
    ]);
  });

  it("describe-changes: a nested object added or removed is named, not dumped (Logging)", () => {
    const before = stack({ distributions: { app: distribution() } });
    const after = stack({ distributions: { app: distribution({ extra: { Logging: { Enabled: true, Bucket: "logs.s3.amazonaws.com", Prefix: "cf/" } } }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: Logging added"]);
    assert.deepEqual(describeChanges(after, before), ["distribution app: Logging removed"]);
  });

  it("describe-changes: a bucket's configuration documents are named (s3.md CORS, policy)", () => {
    const cors = (origin: string) => ({ CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: [origin] }] });
    const before = stack({ buckets: { assets: { CORSConfiguration: cors("https://a.example.com") }, gone: {} } });
    const after = stack({
      buckets: { assets: { CORSConfiguration: cors("https://b.example.com"), Policy: { Version: "2012-10-17", Statement: [] } }, fresh: {} },
    });
    assert.deepEqual(describeChanges(before, after), [
      "bucket assets: CORSConfiguration changed",
      "bucket assets: Policy added",
      "bucket fresh added",
      "bucket gone removed",
    ]);
  });

  it("describe-changes: cache policies by Id: added, changed, removed (cloudfront.md §4.1)", () => {
    const policy = (DefaultTTL: number) => ({
      Name: "p",
      MinTTL: 0,
      DefaultTTL,
      MaxTTL: 3600,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: false,
        HeadersConfig: { HeaderBehavior: "none" },
        CookiesConfig: { CookieBehavior: "none" },
        QueryStringsConfig: { QueryStringBehavior: "none" },
      },
    });
    const before = stack({ cachePolicies: { "my-policy": policy(60), "old-policy": policy(1) } });
    const after = stack({ cachePolicies: { "my-policy": policy(120), "new-policy": policy(1) } });
    assert.deepEqual(describeChanges(before, after), ["cache policy my-policy changed", "cache policy new-policy added", "cache policy old-policy removed"]);
  });

  it("describe-changes: response headers policies by Id: changed, added, removed (cloudfront.md §6)", () => {
    // Names are unique per account (ResponseHeadersPolicyAlreadyExists), so each policy has its own.
    const rhp = (value: string, Name: string) => ({ Name, CustomHeadersConfig: { Items: [{ Header: "X-Team", Value: value, Override: true }] } });
    const before = stack({ responseHeadersPolicies: { headers: rhp("a", "h1"), old: rhp("a", "h2") } });
    const after = stack({ responseHeadersPolicies: { headers: rhp("b", "h1"), fresh: rhp("a", "h3") } });
    assert.deepEqual(describeChanges(before, after), [
      "response headers policy headers changed",
      "response headers policy fresh added",
      "response headers policy old removed",
    ]);
  });

  it("describe-changes: listener rules matched by Priority within the listener matched by Port (alb.md §2)", () => {
    const before = stack(elb({ listeners: [listener(80, [rule(10, "/a/*"), rule(20, "/b/*")])] }));
    const after = stack(elb({ listeners: [listener(80, [rule(20, "/b/*", "other-tg"), rule(30, "/c/*")])] }));
    assert.deepEqual(describeChanges(before, after), [
      "load balancer api: listener 80 rule priority 20 Actions[0].TargetGroupArn api-tg → other-tg",
      "load balancer api: listener 80 rule priority 30 added",
      "load balancer api: listener 80 rule priority 10 removed",
    ]);
  });

  it("describe-changes: a rule's condition values print as lists (alb.md §2.1)", () => {
    const before = stack(elb({ listeners: [listener(80, [rule(10, "/a/*")])] }));
    const after = stack(elb({ listeners: [listener(80, [rule(10, "/z/*")])] }));
    assert.deepEqual(describeChanges(before, after), [
      "load balancer api: listener 80 rule priority 10 Conditions[0].PathPatternConfig.Values [/a/*] → [/z/*]",
    ]);
  });

  it("describe-changes: listeners by Port: added, removed, DefaultActions target changed (alb.md §1)", () => {
    const before = stack(elb({ listeners: [listener(80), listener(8080)] }));
    const after = stack(elb({ listeners: [listener(80, [], "other-tg"), listener(8081)] }));
    assert.deepEqual(describeChanges(before, after), [
      "load balancer api: listener 80 DefaultActions[0].TargetGroupArn api-tg → other-tg",
      "load balancer api: listener 8081 added",
      "load balancer api: listener 8080 removed",
    ]);
  });

  it("describe-changes: load balancer and target group attributes by Key (alb.md §9)", () => {
    const before = stack(elb({ lbExtra: { Attributes: [{ Key: "idle_timeout.timeout_seconds", Value: "60" }] } }));
    const after = stack(
      elb({
        lbExtra: { Attributes: [{ Key: "idle_timeout.timeout_seconds", Value: "10" }] },
        groups: [targetGroup("api-tg", { Attributes: [{ Key: "stickiness.enabled", Value: "true" }] }), targetGroup("other-tg")],
      }),
    );
    assert.deepEqual(describeChanges(before, after), [
      "load balancer api: attribute idle_timeout.timeout_seconds 60 → 10",
      "target group api-tg: attribute stickiness.enabled (unset) → true",
    ]);
  });

  it("describe-changes: target groups by Name: a health check path change, one added, one removed (alb.md §4.1)", () => {
    const before = stack(elb({ groups: [targetGroup("api-tg", { HealthCheckPath: "/health" }), targetGroup("other-tg")] }));
    const after = stack({
      ...elb({ groups: [targetGroup("api-tg", { HealthCheckPath: "/ready" }), targetGroup("other-tg"), targetGroup("new-tg")] }),
    });
    assert.deepEqual(describeChanges(before, after), ["target group api-tg: HealthCheckPath /health → /ready", "target group new-tg added"]);
    const fewer = stack(elb({ groups: [targetGroup("api-tg", { HealthCheckPath: "/ready" }), targetGroup("other-tg")] }));
    assert.deepEqual(describeChanges(after, fewer), ["target group new-tg removed"]);
  });

  it("describe-changes: load balancers added and removed by Name", () => {
    const before = stack(elb());
    const after = stack({ ...elb(), loadBalancers: [{ ...loadBalancer([listener(80)]), Name: "web" }] });
    assert.deepEqual(describeChanges(before, after), ["load balancer web added", "load balancer api removed"]);
  });

  it("describe-changes: local bindings by field path (a bucket folder moved, a Lambda handler file)", () => {
    const before = stack({ local: { buckets: { assets: { folder: "site" } }, targetGroups: { fn: { targets: [{ lambda: "a.mjs" }] } } } });
    const after = stack({ local: { buckets: { assets: { folder: "dist" } }, targetGroups: { fn: { targets: [{ lambda: "b.mjs" }] } } } });
    assert.deepEqual(describeChanges(before, after), ["local.buckets.assets.folder site → dist", "local.targetGroups.fn.targets[0].lambda a.mjs → b.mjs"]);
  });

  it("describe-changes: a long value is reported as changed rather than printed", () => {
    const before = stack({ distributions: { app: distribution({ extra: { Comment: "x".repeat(70) } }) } });
    const after = stack({ distributions: { app: distribution({ extra: { Comment: "y".repeat(70) } }) } });
    assert.deepEqual(describeChanges(before, after), ["distribution app: Comment changed"]);
  });
});
