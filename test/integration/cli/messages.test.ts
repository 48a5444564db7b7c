import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EdgeparityError, startEdgeparity } from "../../../src/index.js";
import { runCli } from "../../support/cli.js";
import { CACHING_OPTIMIZED } from "../../support/stacks.js";

/**
 * Errors that say how to fix it (issue 15): each case is a stack that triggers the message, run
 * through the real `edgeparity validate` (or `up`) or the test API, and the message's exact text.
 */
describe("messages: errors name the fix (issue 15)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-messages-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const validate = async (name: string, yaml: string) => {
    const file = join(dir, name);
    await writeFile(file, yaml);
    const r = await runCli(["validate", "--config", file]);
    return { ...r, file };
  };
  const distribution = (o: { domain?: string; target?: string; cachePolicy?: string; extra?: string } = {}) => `distributions:
  web:
    Origins:
      Items:
        - Id: site
          DomainName: ${o.domain ?? "site-files.s3.us-east-1.amazonaws.com"}
          ${o.domain ? "CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: http-only }" : 'S3OriginConfig: { OriginAccessIdentity: "" }'}
    DefaultCacheBehavior:
      TargetOriginId: ${o.target ?? "site"}
      ViewerProtocolPolicy: allow-all
      CachePolicyId: ${o.cachePolicy ?? CACHING_OPTIMIZED}
buckets:
  site-files: {}
${o.extra ?? ""}`;

  it("message: a TargetOriginId typo names the nearest origin id (cloudfront.md §2)", async () => {
    const r = await validate("origin-id.yaml", distribution({ target: "stie" }));
    assert.equal(r.code, 1);
    assert.ok(
      r.stderr.includes(
        "origin-id.yaml:9: distributions.web.DefaultCacheBehavior.TargetOriginId: NoSuchOrigin: TargetOriginId 'stie' names no origin or origin group (did you mean 'site'?) (have: site)",
      ),
      r.stderr,
    );
  });

  it("message: a managed cache policy ID with two characters changed names the ID and its policy (cloudfront.md §4.1)", async () => {
    const r = await validate("policy-id.yaml", distribution({ cachePolicy: "658327ea-f89d-4fab-a63d-7e88639e58aa" }));
    assert.ok(
      r.stderr.includes(
        "NoSuchCachePolicy: '658327ea-f89d-4fab-a63d-7e88639e58aa' is neither an AWS managed cache policy nor one under cachePolicies (did you mean '658327ea-f89d-4fab-a63d-7e88639e58f6' (Managed-CachingOptimized)?)",
      ),
      r.stderr,
    );
  });

  it("message: a custom origin DomainName one letter off a declared bucket's name is pointed out; the error names the stack file and line", async () => {
    const r = await validate("bucket-typo.yaml", distribution({ domain: "site-files.s3.us-east-1.amazonaws.con" }));
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `edgeparity: ${r.file}: the stack cannot be served as bound:
  bucket-typo.yaml:5: distributions.web.Origins.Items[0] (Id 'site', DomainName 'site-files.s3.us-east-1.amazonaws.con') is not bound to anything local. It is close to the bucket site-files (site-files.s3.us-east-1.amazonaws.com): a typo in DomainName? If not, add a binding to the stack:
      local:
        origins:
          site-files.s3.us-east-1.amazonaws.con: http://127.0.0.1:PORT
`,
    );
  });

  it("message: an origin naming a load balancer one letter off a declared one (alb.md §1)", async () => {
    const extra = `loadBalancers:
  - Name: web-alb
    Listeners: [{ Protocol: HTTP, Port: 80, DefaultActions: [{ Type: fixed-response, FixedResponseConfig: { StatusCode: "200" } }] }]
`;
    const r = await validate("lb-typo.yaml", distribution({ domain: "web-abl-123.us-east-1.elb.amazonaws.com", extra }));
    assert.ok(
      r.stderr.includes(
        "is not bound to anything local. No load balancer named 'web-abl' is declared under loadBalancers (did you mean 'web-alb'?); declare it, or bind the name under local.origins.",
      ),
      r.stderr,
    );
  });

  it("message: a target group name typo in TargetGroupArn and in local.targetGroups (alb.md §3.1)", async () => {
    const tg = `targetGroups:
  - { Name: web-app, Protocol: HTTP, Port: 80, TargetType: ip }
loadBalancers:
  - Name: web-alb
    Listeners: [{ Protocol: HTTP, Port: 80, DefaultActions: [{ Type: forward, TargetGroupArn: web-ap }] }]
`;
    let r = await validate("tg-arn.yaml", tg);
    assert.ok(
      r.stderr.includes(
        "loadBalancers[0].Listeners[0].DefaultActions[0].TargetGroupArn: TargetGroupNotFound: One or more target groups not found ('web-ap' names no entry under targetGroups (did you mean 'web-app'?))",
      ),
      r.stderr,
    );
    r = await validate("tg-local.yaml", `${tg.replace("web-ap }", "web-app }")}local:\n  targetGroups:\n    web-apps: { targets: [] }\n`);
    assert.equal(
      r.stderr,
      `edgeparity: ${r.file}: the stack cannot be served as bound:\n  tg-local.yaml:8: local.targetGroups.web-apps: no target group named 'web-apps' is declared under targetGroups (did you mean 'web-app'?)\n`,
    );
  });

  it("message: a missing bucket folder names the stack file and the line of the binding", async () => {
    const r = await validate("folder.yaml", `${distribution()}local:\n  buckets:\n    site-files: { folder: no-such-folder }\n`);
    assert.equal(
      r.stderr,
      `edgeparity: ${r.file}: the stack cannot be served as bound:\n  folder.yaml:16: local.buckets.site-files.folder: folder not found: ${join(dir, "no-such-folder")}\n`,
    );
  });

  it("message: invalid YAML shows line, column and the offending line with a caret", async () => {
    const r = await validate("broken.yaml", "distributions:\n  web:\n    Origins: [\n  other: 1\n");
    assert.equal(
      r.stderr,
      `edgeparity: ${r.file} (line 4, column 3): not valid YAML or JSON: Flow sequence in block collection must be sufficiently indented and end with a ]\n  4 |   other: 1\n    |   ^\n`,
    );
  });

  it("message: a required ELBv2 input (target group Port, VpcId; load balancer Subnets) is not a warning (alb.md §4)", async () => {
    const yaml = `targetGroups:
  - { Name: web-app, Protocol: HTTP, Port: 8080, VpcId: vpc-123, TargetType: ip }
loadBalancers:
  - Name: web-alb
    Subnets: [subnet-a, subnet-b]
    Listeners: [{ Protocol: HTTP, Port: 80, DefaultActions: [{ Type: forward, TargetGroupArn: web-app }] }]
`;
    const r = await validate("required.yaml", yaml);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /0 setting\(s\) not emulated/);
  });

  it("message: an origin naming an undeclared bucket close to a declared one warns at start; the origin health line says why CloudFront gets 403 (s3.md §8)", async () => {
    const site = join(dir, "site");
    await mkdir(site, { recursive: true });
    await writeFile(join(site, "index.html"), "<h1>hi</h1>");
    const stack = await startEdgeparity({
      config: {
        buckets: { "site-files": {} },
        distributions: {
          web: {
            DefaultRootObject: "index.html",
            Origins: {
              Items: [
                { Id: "site", DomainName: "site-files.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } },
                { Id: "typo", DomainName: "site-flies.s3.us-east-1.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } },
              ],
            },
            DefaultCacheBehavior: { TargetOriginId: "site", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
          },
        },
        local: { buckets: { "site-files": { folder: "site" } } },
      },
      baseDir: dir,
    });
    try {
      assert.ok(
        stack.log.lines.some(
          (l) => l.level === "warn" && l.message === "bucket site-flies: created empty because an origin's DomainName names it (did you mean 'site-files'?)",
        ),
        JSON.stringify(stack.log.lines),
      );
      const id = stack.distributions.web.id;
      assert.equal(
        stack.originHealth()["web"],
        `site → bucket site-files: 1 object; unsigned (no OAC) s3:GetObject implicit deny: private object, no bucket policy grants an anonymous caller (Principal *) s3:GetObject → 403 AccessDenied | typo → bucket site-flies: empty; unsigned (no OAC) s3:GetObject implicit deny: private object, no bucket policy grants an anonymous caller (Principal *) s3:GetObject → 403 AccessDenied`,
      );
      void id;
    } finally {
      await stack.close();
    }
  });

  it("message: an EdgeparityError's name carries its code, or the one AWS code of its problems", async () => {
    const file = join(dir, "name.yaml");
    await writeFile(file, distribution({ cachePolicy: "no-such-policy" }));
    await assert.rejects(startEdgeparity({ config: file }), (e: unknown) => e instanceof EdgeparityError && e.name === "EdgeparityError[NoSuchCachePolicy]");
    await assert.rejects(
      startEdgeparity({ config: join(dir, "missing.yaml") }),
      (e: unknown) => e instanceof Error && e.name === "EdgeparityError[FILE_NOT_FOUND]",
    );
  });
});
