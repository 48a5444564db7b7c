import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, type AwsCli } from "../support/aws-cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { BODY_SIZES, describeResult, HTTP_VERSIONS } from "../support/e2e-matrix.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";

/**
 * Issue 11 "Proof": CloudFront → ALB → two target groups built with the AWS CLI alone against
 * `edgeparity up` on an empty stack file: `elbv2` makes the load balancer, its listener, a path
 * rule and the target groups with targets on this machine; `cloudfront create-distribution` names
 * the load balancer's DNS name as a custom origin. Routing (alb.md §5) and health (alb.md §8) are
 * then checked through the distribution (cloudfront.md §10.3) on HTTP/1.1 and HTTP/2.
 */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

describe("e2e: CloudFront → ALB → two target groups with the AWS CLI alone (issue 11)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;
  let web: OriginServer;
  let api: OriginServer;
  let domain = "";
  const tgArns: Record<string, string> = {};
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await aws(...args)) as T;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-cfalb-"));
    bodies = await writeBodies(work);
    const answer = (who: string) => (req: { method?: string; url?: string }, res: import("node:http").ServerResponse, body: Buffer) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`${who} ${req.method} ${req.url} ${body.length}`);
    };
    web = await startOrigin(answer("web"));
    api = await startOrigin(answer("api"));
    await writeFile(join(work, "stack.yaml"), "{}\n");
    s = await startCliSession(["--config", join(work, "stack.yaml"), "--no-watch"]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await s?.stop();
    await web?.close();
    await api?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("elbv2: two target groups with local targets, a load balancer, a listener and a /api/* rule", async () => {
    for (const [name, origin] of [
      ["web", web],
      ["api", api],
    ] as const) {
      const tg = await json<{ TargetGroups: { TargetGroupArn: string }[] }>(
        "elbv2",
        "create-target-group",
        "--name",
        name,
        "--protocol",
        "HTTP",
        "--port",
        "80",
        "--target-type",
        "ip",
        "--vpc-id",
        "vpc-1",
        "--health-check-interval-seconds",
        "5",
        "--health-check-timeout-seconds",
        "2",
        "--healthy-threshold-count",
        "2",
      );
      tgArns[name] = tg.TargetGroups[0]!.TargetGroupArn;
      await aws("elbv2", "register-targets", "--target-group-arn", tgArns[name]!, "--targets", `Id=127.0.0.1,Port=${origin.port}`);
    }
    const lb = (
      await json<{ LoadBalancers: { LoadBalancerArn: string; DNSName: string }[] }>(
        "elbv2",
        "create-load-balancer",
        "--name",
        "edge-alb",
        "--subnets",
        "subnet-a",
        "subnet-b",
      )
    ).LoadBalancers[0]!;
    const listener = await json<{ Listeners: { ListenerArn: string }[] }>(
      "elbv2",
      "create-listener",
      "--load-balancer-arn",
      lb.LoadBalancerArn,
      "--protocol",
      "HTTP",
      "--port",
      "80",
      "--default-actions",
      `Type=forward,TargetGroupArn=${tgArns.web}`,
    );
    await aws(
      "elbv2",
      "create-rule",
      "--listener-arn",
      listener.Listeners[0]!.ListenerArn,
      "--priority",
      "1",
      "--conditions",
      "Field=path-pattern,Values=/api/*",
      "--actions",
      `Type=forward,TargetGroupArn=${tgArns.api}`,
    );
    const config = {
      CallerReference: "cf-alb-1",
      Comment: "CloudFront in front of an ALB made with the CLI",
      Enabled: true,
      Origins: {
        Quantity: 1,
        Items: [{ Id: "alb", DomainName: lb.DNSName, CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
      },
      DefaultCacheBehavior: {
        TargetOriginId: "alb",
        ViewerProtocolPolicy: "allow-all",
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
        AllowedMethods: {
          Quantity: 7,
          Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
          CachedMethods: { Quantity: 2, Items: ["GET", "HEAD"] },
        },
      },
    };
    await writeFile(join(aws.home, "dc.json"), JSON.stringify(config));
    const created = await json<{ Distribution: { Id: string; DomainName: string } }>(
      "cloudfront",
      "create-distribution",
      "--distribution-config",
      `file://${join(aws.home, "dc.json")}`,
    );
    domain = created.Distribution.DomainName;
    await aws("cloudfront", "wait", "distribution-deployed", "--id", created.Distribution.Id);
    assert.match(domain, /^d[a-z0-9]+\.cloudfront\.localhost$/);
  });

  for (const http of HTTP_VERSIONS)
    for (const size of BODY_SIZES)
      it(`through the distribution: / → web, /api/* → api, POST ${size} whole (alb.md §5, cloudfront.md §10.3) [HTTP/${http}]`, async () => {
        const port = String(http === "2" ? s.ready.httpsPort : s.ready.httpPort);
        const base = `${http === "2" ? "https" : "http"}://${domain}:${port}`;
        for (const [path, who] of [
          ["/home", "web"],
          ["/api/orders", "api"],
        ] as const) {
          const r = await curlExchange({
            url: `${base}${path}`,
            method: "POST",
            http,
            cacert: s.caPath,
            bodyFile: bodies[size].path,
            extra: ["--connect-to", `${domain}:${port}:127.0.0.1:${port}`],
          });
          assert.equal(r.status, 200, describeResult(r));
          assert.equal(r.body.toString(), `${who} POST ${path} ${bodies[size].bytes.length}`);
          assert.match(r.headers["via"] ?? "", /CloudFront/);
        }
      });

  it("describe-target-health: both groups' targets healthy as the ALB sees them (alb.md §8)", async () => {
    for (const name of ["web", "api"]) {
      let state = "";
      for (let i = 0; i < 60 && state !== "healthy"; i++) {
        const h = await json<{ TargetHealthDescriptions: { TargetHealth: { State: string } }[] }>(
          "elbv2",
          "describe-target-health",
          "--target-group-arn",
          tgArns[name]!,
        );
        state = h.TargetHealthDescriptions[0]?.TargetHealth.State ?? "";
        if (state !== "healthy") await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(state, "healthy", name);
    }
  });
});
