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
 * Issue 11 "ELBv2 API": an application load balancer built with the AWS CLI v2 alone against
 * `edgeparity up` (the real CLI), served at once: two target groups, an HTTP and an HTTPS listener
 * whose default action forwards to one group and a path rule to the other, targets registered by
 * address and port, health as the ALB sees it (alb.md §8), and AWS's error codes. The stack file
 * defines one more load balancer, which the API describes but does not change.
 */
const STACK = `
loadBalancers:
  - Name: from-file
    Listeners:
      - Port: 80
        DefaultActions:
          - Type: fixed-response
            FixedResponseConfig: { StatusCode: "200", ContentType: text/plain, MessageBody: file }
`;

interface Lb {
  LoadBalancerArn: string;
  DNSName: string;
  LoadBalancerName: string;
  State: { Code: string };
}

describe("e2e: the ELBv2 API through the AWS CLI builds a served ALB (issue 11, alb.md)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;
  let web: OriginServer;
  let api: OriginServer;
  let lb: Lb;
  const arns: Record<string, string> = {};
  let bodies: Awaited<ReturnType<typeof writeBodies>>;

  const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await aws(...args)) as T;
  const failure = async (...args: string[]): Promise<string> => {
    try {
      await aws(...args);
    } catch (e) {
      return String((e as { stderr?: string }).stderr ?? e);
    }
    return assert.fail(`aws ${args.join(" ")} succeeded`);
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-elbapi-"));
    await writeFile(join(work, "stack.yaml"), STACK);
    bodies = await writeBodies(work);
    web = await startOrigin((req, res, body) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`web ${req.method} ${req.url} ${body.length}`);
    });
    api = await startOrigin((req, res, body) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`api ${req.method} ${req.url} ${body.length}`);
    });
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await s?.stop();
    await web?.close();
    await api?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("create-target-group ×2, register-targets by 127.0.0.1 and port (alb.md §8)", async () => {
    for (const [name, origin] of [
      ["web", web],
      ["api", api],
    ] as const) {
      const out = await json<{ TargetGroups: { TargetGroupArn: string; HealthCheckPath: string; Port: number }[] }>(
        "elbv2",
        "create-target-group",
        "--name",
        name,
        "--protocol",
        "HTTP",
        "--port",
        "80",
        "--vpc-id",
        "vpc-1",
        "--target-type",
        "ip",
        "--health-check-path",
        "/",
        "--health-check-interval-seconds",
        "5",
        "--health-check-timeout-seconds",
        "2",
        "--healthy-threshold-count",
        "2",
      );
      const tg = out.TargetGroups[0]!;
      assert.equal(tg.Port, 80);
      assert.match(tg.TargetGroupArn, new RegExp(`^arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/${name}/[0-9a-f]{16}$`));
      arns[name] = tg.TargetGroupArn;
      await aws("elbv2", "register-targets", "--target-group-arn", tg.TargetGroupArn, "--targets", `Id=127.0.0.1,Port=${origin.port}`);
    }
  });

  it("create-load-balancer + listeners (HTTP 80, HTTPS 443) + a path rule; describe shows them (ELBv2 API)", async () => {
    lb = (await json<{ LoadBalancers: Lb[] }>("elbv2", "create-load-balancer", "--name", "built", "--subnets", "subnet-a", "subnet-b")).LoadBalancers[0]!;
    assert.equal(lb.State.Code, "active");
    assert.match(lb.DNSName, /^built-\d+\.us-east-1\.elb\.localhost$/);
    for (const [protocol, port] of [
      ["HTTP", "80"],
      ["HTTPS", "443"],
    ] as const) {
      // An HTTPS listener names an ACM certificate that exists (ELBv2 answers CertificateNotFound otherwise).
      const cert =
        protocol === "HTTPS"
          ? await json<{ CertificateArn: string }>("acm", "request-certificate", "--domain-name", "built.example.test", "--validation-method", "DNS")
          : undefined;
      const extra = cert ? ["--certificates", `CertificateArn=${cert.CertificateArn}`] : [];
      const l = await json<{ Listeners: { ListenerArn: string }[] }>(
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        lb.LoadBalancerArn,
        "--protocol",
        protocol,
        "--port",
        port,
        "--default-actions",
        `Type=forward,TargetGroupArn=${arns.web}`,
        ...extra,
      );
      arns[protocol] = l.Listeners[0]!.ListenerArn;
      await aws(
        "elbv2",
        "create-rule",
        "--listener-arn",
        arns[protocol]!,
        "--priority",
        "10",
        "--conditions",
        "Field=path-pattern,Values=/api/*",
        "--actions",
        `Type=forward,TargetGroupArn=${arns.api}`,
      );
    }
    const rules = await json<{ Rules: { Priority: string; IsDefault: boolean; Conditions: { Field: string; Values: string[] }[] }[] }>(
      "elbv2",
      "describe-rules",
      "--listener-arn",
      arns.HTTP!,
    );
    assert.deepEqual(
      rules.Rules.map((r) => [r.Priority, r.IsDefault, r.Conditions[0]?.Values]),
      [
        ["10", false, ["/api/*"]],
        ["default", true, undefined],
      ],
    );
    const all = await json<{ LoadBalancers: Lb[] }>("elbv2", "describe-load-balancers");
    assert.deepEqual(all.LoadBalancers.map((l) => l.LoadBalancerName).sort(), ["built", "from-file"]);
  });

  for (const http of HTTP_VERSIONS)
    for (const size of BODY_SIZES)
      it(`the built ALB routes / to web and /api/* to api, POST ${size} whole (alb.md §5) [HTTP/${http}]`, async () => {
        const secure = http === "2";
        const port = String(secure ? s.ready.httpsPort : s.ready.httpPort);
        const base = `${secure ? "https" : "http"}://${lb.DNSName}:${port}`;
        for (const [path, who] of [
          ["/index.html", "web"],
          ["/api/items", "api"],
        ] as const) {
          const r = await curlExchange({
            url: `${base}${path}`,
            method: "POST",
            http,
            cacert: s.caPath,
            bodyFile: bodies[size].path,
            extra: ["--connect-to", `${lb.DNSName}:${port}:127.0.0.1:${port}`],
          });
          assert.equal(r.status, 200, describeResult(r));
          assert.equal(r.body.toString(), `${who} POST ${path} ${bodies[size].bytes.length}`);
        }
      });

  it("describe-target-health: registered targets become healthy (alb.md §8)", async () => {
    let state = "";
    for (let i = 0; i < 60 && state !== "healthy"; i++) {
      const h = await json<{ TargetHealthDescriptions: { Target: { Id: string; Port: number }; TargetHealth: { State: string } }[] }>(
        "elbv2",
        "describe-target-health",
        "--target-group-arn",
        arns.api!,
      );
      assert.deepEqual(h.TargetHealthDescriptions[0]!.Target, { Id: "127.0.0.1", Port: api.port });
      state = h.TargetHealthDescriptions[0]!.TargetHealth.State;
      if (state !== "healthy") await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(state, "healthy");
  });

  it("tags, attributes and set-rule-priorities round-trip (ELBv2 API)", async () => {
    await aws("elbv2", "add-tags", "--resource-arns", lb.LoadBalancerArn, "--tags", "Key=team,Value=edge");
    const tags = await json<{ TagDescriptions: { Tags: { Key: string; Value: string }[] }[] }>("elbv2", "describe-tags", "--resource-arns", lb.LoadBalancerArn);
    assert.deepEqual(tags.TagDescriptions[0]!.Tags, [{ Key: "team", Value: "edge" }]);
    await aws(
      "elbv2",
      "modify-load-balancer-attributes",
      "--load-balancer-arn",
      lb.LoadBalancerArn,
      "--attributes",
      "Key=idle_timeout.timeout_seconds,Value=120",
    );
    const attrs = await json<{ Attributes: { Key: string; Value: string }[] }>(
      "elbv2",
      "describe-load-balancer-attributes",
      "--load-balancer-arn",
      lb.LoadBalancerArn,
    );
    assert.equal(attrs.Attributes.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value, "120");
    assert.equal(attrs.Attributes.find((a) => a.Key === "routing.http2.enabled")?.Value, "true");
  });

  it("AWS's error codes: duplicates, not found, priority in use, off-machine target, stack-file resource (ELBv2 API errors)", async () => {
    assert.match(
      await failure("elbv2", "create-target-group", "--name", "web", "--protocol", "HTTP", "--port", "8080", "--vpc-id", "vpc-1"),
      /\(DuplicateTargetGroupName\).*A target group with the same name 'web' exists, but with different settings/,
    );
    assert.match(await failure("elbv2", "describe-load-balancers", "--names", "nope"), /\(LoadBalancerNotFound\).*Load balancers '\[nope\]' not found/);
    assert.match(
      await failure(
        "elbv2",
        "create-rule",
        "--listener-arn",
        arns.HTTP!,
        "--priority",
        "10",
        "--conditions",
        "Field=path-pattern,Values=/x",
        "--actions",
        `Type=forward,TargetGroupArn=${arns.api}`,
      ),
      /\(PriorityInUse\).*Priority '10' is currently in use/,
    );
    assert.match(
      await failure(
        "elbv2",
        "create-listener",
        "--load-balancer-arn",
        lb.LoadBalancerArn,
        "--protocol",
        "HTTP",
        "--port",
        "80",
        "--default-actions",
        `Type=forward,TargetGroupArn=${arns.web}`,
      ),
      /\(DuplicateListener\)/,
    );
    assert.match(
      await failure("elbv2", "register-targets", "--target-group-arn", arns.web!, "--targets", "Id=10.0.0.5,Port=80"),
      /\(InvalidTarget\).*not on this machine/,
    );
    assert.match(await failure("elbv2", "delete-target-group", "--target-group-arn", arns.api!), /\(ResourceInUse\)/);
    const fileLb = (await json<{ LoadBalancers: Lb[] }>("elbv2", "describe-load-balancers", "--names", "from-file")).LoadBalancers[0]!;
    assert.match(
      await failure("elbv2", "delete-load-balancer", "--load-balancer-arn", fileLb.LoadBalancerArn),
      /\(OperationNotPermitted\).*defined in the stack file/,
    );
    assert.match(await failure("elbv2", "describe-ssl-policies"), /\(NotImplemented\).*DescribeSSLPolicies/);
  });

  it("delete-rule, delete-listener, delete-load-balancer, delete-target-group: the host stops answering (ELBv2 API)", async () => {
    const rules = await json<{ Rules: { RuleArn: string; IsDefault: boolean }[] }>("elbv2", "describe-rules", "--listener-arn", arns.HTTP!);
    await aws("elbv2", "delete-rule", "--rule-arn", rules.Rules.find((r) => !r.IsDefault)!.RuleArn);
    await aws("elbv2", "delete-load-balancer", "--load-balancer-arn", lb.LoadBalancerArn);
    for (const name of ["web", "api"]) await aws("elbv2", "delete-target-group", "--target-group-arn", arns[name]!);
    const left = await json<{ LoadBalancers: Lb[] }>("elbv2", "describe-load-balancers");
    assert.deepEqual(
      left.LoadBalancers.map((l) => l.LoadBalancerName),
      ["from-file"],
    );
    const port = String(s.ready.httpPort);
    const r = await curlExchange({
      url: `http://${lb.DNSName}:${port}/`,
      method: "GET",
      http: "1.1",
      cacert: s.caPath,
      extra: ["--connect-to", `${lb.DNSName}:${port}:127.0.0.1:${port}`],
    });
    assert.notEqual(r.status, 200, describeResult(r));
  });
});
