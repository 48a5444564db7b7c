import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  SetRulePrioritiesCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { curl } from "../../support/curl-matrix.js";

/**
 * Issue 11 "ELBv2 API" with the AWS SDK for JavaScript v3: Marker pagination as AWS pages,
 * Modify* operations that change what is served at once, a Lambda target registered by ARN and
 * bound under `local.functions`, and signatures checked against the local credentials.
 */
const HANDLER = `export const handler = async (event) => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body: "lambda " + event.path });\n`;

describe("aws-api: ELBv2 through the AWS SDK v3 (issue 11)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let elb: ElasticLoadBalancingV2Client;
  let lbArn = "";
  let dns = "";
  let listenerArn = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-elbsdk-"));
    await writeFile(join(dir, "fn.mjs"), HANDLER);
    await writeFile(join(dir, "edgeparity.yaml"), "local:\n  functions:\n    greeter:\n      handler: fn.mjs\n");
    stack = await startEdgeparity({ config: join(dir, "edgeparity.yaml") });
    elb = new ElasticLoadBalancingV2Client({
      endpoint: `http://localhost:${stack.httpPort}`,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  });
  after(async () => {
    elb?.destroy();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("DescribeTargetGroups pages with PageSize and Marker (ELBv2 API: pagination)", async () => {
    for (const n of ["pg-a", "pg-b", "pg-c"]) await elb.send(new CreateTargetGroupCommand({ Name: n, TargetType: "lambda" }));
    const first = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2 }));
    assert.equal(first.TargetGroups?.length, 2);
    assert.ok(first.NextMarker);
    const second = await elb.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: first.NextMarker }));
    assert.deepEqual(
      [...first.TargetGroups!, ...second.TargetGroups!].map((t) => t.TargetGroupName),
      ["pg-a", "pg-b", "pg-c"],
    );
    assert.equal(second.NextMarker, undefined);
    // A Lambda group reports AWS's Lambda defaults (CreateTargetGroup: 35 s interval, 30 s timeout, checks off).
    assert.equal(first.TargetGroups![0]!.HealthCheckIntervalSeconds, 35);
    assert.equal(first.TargetGroups![0]!.HealthCheckEnabled, false);
  });

  it("a Lambda target registered by ARN runs the handler bound under local.functions (alb.md §10)", async () => {
    const tgArn = (await elb.send(new DescribeTargetGroupsCommand({ Names: ["pg-a"] }))).TargetGroups![0]!.TargetGroupArn!;
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: "arn:aws:lambda:us-east-1:000000000000:function:greeter" }] }));
    const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: "sdk-lb", Subnets: ["subnet-1", "subnet-2"] }))).LoadBalancers![0]!;
    lbArn = lb.LoadBalancerArn!;
    dns = lb.DNSName!;
    listenerArn = (
      await elb.send(
        new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: tgArn }] }),
      )
    ).Listeners![0]!.ListenerArn!;
    const r = await curl(`http://${dns}:${stack.httpPort}/hello`, "--http1.1", {
      args: ["--connect-to", `${dns}:${stack.httpPort}:127.0.0.1:${stack.httpPort}`],
    });
    assert.equal(r.status, 200);
    assert.equal(r.body, "lambda /hello");
    const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    assert.equal(health.TargetHealthDescriptions?.[0]?.Target?.Id, "arn:aws:lambda:us-east-1:000000000000:function:greeter");
  });

  it("an unbound Lambda ARN is InvalidTarget naming the local.functions line to add", async () => {
    const tgArn = (await elb.send(new DescribeTargetGroupsCommand({ Names: ["pg-b"] }))).TargetGroups![0]!.TargetGroupArn!;
    await assert.rejects(
      elb.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: "arn:aws:lambda:us-east-1:000000000000:function:missing" }] })),
      (e: Error) => e.name === "InvalidTargetException" && /local\.functions\.missing\.handler/.test(e.message),
    );
  });

  // The data plane over both HTTP versions is cli-elbv2-api's; here the API's effect on one request.
  it("ModifyRule / SetRulePriorities / ModifyListener are served at once (ELBv2 API)", async () => {
    const http = "sdk";
    const rules = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
    const custom = rules.Rules!.filter((r) => !r.IsDefault);
    let ruleArn = custom[0]?.RuleArn;
    if (!ruleArn)
      ruleArn = (
        await elb.send(
          new CreateRuleCommand({
            ListenerArn: listenerArn,
            Priority: 5,
            Conditions: [{ Field: "path-pattern", Values: ["/fixed*"] }],
            Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200", ContentType: "text/plain", MessageBody: "fixed" } }],
          }),
        )
      ).Rules![0]!.RuleArn!;
    await elb.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "202", ContentType: "text/plain", MessageBody: `modified ${http}` } }],
      }),
    );
    const via = ["--connect-to", `${dns}:${stack.httpPort}:127.0.0.1:${stack.httpPort}`];
    const r = await curl(`http://${dns}:${stack.httpPort}/fixed`, "--http1.1", { args: via });
    assert.equal(r.status, 202);
    assert.equal(r.body, `modified ${http}`);
    const moved = await elb.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleArn, Priority: 7 }] }));
    assert.equal(moved.Rules?.[0]?.Priority, "7");
    const listener = await elb.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "418", ContentType: "text/plain" } }],
      }),
    );
    assert.equal(listener.Listeners?.[0]?.DefaultActions?.[0]?.Type, "fixed-response");
    assert.equal((await curl(`http://${dns}:${stack.httpPort}/other`, "--http1.1", { args: via })).status, 418);
  });

  it("ModifyTargetGroup and target group attributes round-trip; RemoveTags (ELBv2 API)", async () => {
    const tg = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: "ip-tg",
          Protocol: "HTTP",
          Port: 8080,
          VpcId: "vpc-1",
          TargetType: "ip",
          Tags: [
            { Key: "a", Value: "1" },
            { Key: "b", Value: "2" },
          ],
        }),
      )
    ).TargetGroups![0]!;
    const modified = await elb.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn, HealthCheckPath: "/healthz", Matcher: { HttpCode: "200-299" } }),
    );
    assert.equal(modified.TargetGroups?.[0]?.HealthCheckPath, "/healthz");
    assert.equal(modified.TargetGroups?.[0]?.Matcher?.HttpCode, "200-299");
    await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: "stickiness.enabled", Value: "true" }] }));
    const attrs = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn }));
    assert.equal(attrs.Attributes?.find((a) => a.Key === "stickiness.enabled")?.Value, "true");
    assert.equal(attrs.Attributes?.find((a) => a.Key === "deregistration_delay.timeout_seconds")?.Value, "300");
    await elb.send(new RemoveTagsCommand({ ResourceArns: [tg.TargetGroupArn!], TagKeys: ["a"] }));
    const tags = await elb.send(new DescribeTagsCommand({ ResourceArns: [tg.TargetGroupArn!] }));
    assert.deepEqual(tags.TagDescriptions?.[0]?.Tags, [{ Key: "b", Value: "2" }]);
    await assert.rejects(
      elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg.TargetGroupArn, Attributes: [{ Key: "no.such", Value: "1" }] })),
      (e: Error) => e.name === "InvalidConfigurationRequestException",
    );
  });

  it("a call signed with an unknown key or a wrong secret is refused and changes nothing (issue 11: signatures verified)", async () => {
    for (const credentials of [
      { accessKeyId: "nobody", secretAccessKey: "test" },
      { accessKeyId: "test", secretAccessKey: "wrong" },
    ]) {
      const bad = new ElasticLoadBalancingV2Client({ endpoint: `http://localhost:${stack.httpPort}`, region: "us-east-1", credentials });
      await assert.rejects(bad.send(new CreateTargetGroupCommand({ Name: "never", TargetType: "lambda" })));
      bad.destroy();
    }
    await assert.rejects(elb.send(new DescribeTargetGroupsCommand({ Names: ["never"] })), (e: Error) => e.name === "TargetGroupNotFoundException");
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    assert.equal(listeners.Listeners?.length, 1);
  });
});
