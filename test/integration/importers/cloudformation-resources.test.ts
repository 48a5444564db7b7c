import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { importStack } from "../../../src/importers/index.js";

/**
 * CloudFormation's spellings of the model's AWS shapes (CloudFormation User Guide, AWS::CloudFront::
 * Distribution DistributionConfig, AWS::S3::Bucket WebsiteConfiguration, AWS::ElasticLoadBalancingV2::*).
 */
describe("importers: CloudFormation resource shapes → the model", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cfn-res-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function load(name: string, resources: Record<string, unknown>) {
    const file = join(dir, `${name}.template.json`);
    await writeFile(file, JSON.stringify({ Resources: resources }, null, 2));
    return importStack(file);
  }

  it("distribution: CloudFormation's lists, CachedMethods, OriginCustomHeaders, Logging, ViewerCertificate and GeoRestriction become the API's DistributionConfig (cloudfront.md §3)", async () => {
    const s = await load("dist", {
      Web: {
        Type: "AWS::CloudFront::Distribution",
        Properties: {
          DistributionConfig: {
            Enabled: true,
            Aliases: ["www.example.com"],
            CNAMEs: ["old.example.com"],
            IPV6Enabled: false,
            Logging: { Bucket: "logs.s3.amazonaws.com", Prefix: "cf/" },
            ViewerCertificate: { AcmCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/x", SslSupportMethod: "sni-only" },
            Restrictions: { GeoRestriction: { RestrictionType: "whitelist", Locations: ["US", "CA"] } },
            Origins: [
              {
                Id: "o",
                DomainName: "origin.example.com",
                OriginCustomHeaders: [{ HeaderName: "X-Secret", HeaderValue: "1" }],
                CustomOriginConfig: { OriginProtocolPolicy: "https-only" },
              },
            ],
            DefaultCacheBehavior: {
              TargetOriginId: "o",
              ViewerProtocolPolicy: "allow-all",
              CachedMethods: ["GET", "HEAD"],
              ForwardedValues: { QueryString: true, Headers: ["Host"], Cookies: { Forward: "whitelist", WhitelistedNames: ["sid"] } },
              TrustedKeyGroups: [],
            },
          },
        },
      },
    });
    const d = s.stack.distributions.Web!;
    assert.deepEqual(d.Aliases, { Quantity: 1, Items: ["www.example.com"] });
    assert.equal(d.IsIPV6Enabled, false);
    assert.deepEqual(d.Logging, { Enabled: true, Bucket: "logs.s3.amazonaws.com", Prefix: "cf/" });
    assert.deepEqual(d.ViewerCertificate, { ACMCertificateArn: "arn:aws:acm:us-east-1:000000000000:certificate/x", SslSupportMethod: "sni-only" });
    assert.deepEqual(d.Restrictions, { GeoRestriction: { RestrictionType: "whitelist", Quantity: 2, Items: ["US", "CA"] } });
    assert.deepEqual(d.Origins.Items![0]!.CustomHeaders, { Quantity: 1, Items: [{ HeaderName: "X-Secret", HeaderValue: "1" }] });
    const b = d.DefaultCacheBehavior;
    assert.deepEqual(b.AllowedMethods, { Quantity: 2, Items: ["GET", "HEAD"], CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] } });
    assert.deepEqual(b.ForwardedValues, {
      QueryString: true,
      Headers: { Quantity: 1, Items: ["Host"] },
      Cookies: { Forward: "whitelist", WhitelistedNames: { Quantity: 1, Items: ["sid"] } },
    });
    assert.deepEqual(b.TrustedKeyGroups, { Enabled: false, Quantity: 0, Items: [] });
    assert.ok(s.warnings.some((w) => w.path === "Resources.Web.Properties.DistributionConfig.CNAMEs" && /legacy/.test(w.message)));
    // The internet origin is listed with the line to bind it.
    assert.ok(s.warnings.some((w) => w.message.includes("origin.example.com: http://127.0.0.1:PORT")));
  });

  it("bucket: WebsiteConfiguration's CloudFormation spelling becomes PutBucketWebsite's (s3.md §9)", async () => {
    const s = await load("site", {
      Site: {
        Type: "AWS::S3::Bucket",
        Properties: {
          BucketName: "site-bucket",
          WebsiteConfiguration: {
            IndexDocument: "index.html",
            ErrorDocument: "error.html",
            RoutingRules: [
              { RoutingRuleCondition: { HttpErrorCodeReturnedEquals: 404 }, RedirectRule: { ReplaceKeyWith: "index.html", HttpRedirectCode: 302 } },
            ],
          },
        },
      },
    });
    assert.deepEqual(s.stack.buckets["site-bucket"]!.WebsiteConfiguration, {
      IndexDocument: { Suffix: "index.html" },
      ErrorDocument: { Key: "error.html" },
      RoutingRules: [{ Condition: { HttpErrorCodeReturnedEquals: "404" }, Redirect: { ReplaceKeyWith: "index.html", HttpRedirectCode: "302" } }],
    });
  });

  it("elbv2: a network load balancer, its listener and a rule on it are warnings, never an error (alb.md §1)", async () => {
    const s = await load("nlb", {
      Nlb: { Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Properties: { Type: "network", Name: "nlb" } },
      NlbListener: {
        Type: "AWS::ElasticLoadBalancingV2::Listener",
        Properties: { LoadBalancerArn: { Ref: "Nlb" }, Port: 443, Protocol: "TCP", DefaultActions: [{ Type: "forward", TargetGroupArn: "x" }] },
      },
      Rule: {
        Type: "AWS::ElasticLoadBalancingV2::ListenerRule",
        Properties: {
          ListenerArn: { Ref: "NlbListener" },
          Priority: 1,
          Conditions: [],
          Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200" } }],
        },
      },
    });
    assert.deepEqual(s.stack.loadBalancers, []);
    assert.deepEqual(
      s.warnings.map((w) => w.path),
      ["Resources.Nlb.Properties.Type", "Resources.NlbListener.Properties.LoadBalancerArn", "Resources.Rule.Properties.ListenerArn"],
    );
  });
});
