import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { importStack } from "../../src/importers/index.js";
import { parseTemplateText } from "../../src/importers/cloudformation/template-file.js";

/**
 * The Importer conformance rule (conventions §8) for CloudFormation: one stack — an SPA bucket with
 * OAC, `/api/*` to an ALB, custom error pages — written as edgeparity.yaml, as a CloudFormation YAML
 * template with short-form intrinsics plus an overlay binding the ALB's target, and as the same
 * template in JSON with long forms, yields one model. References resolve to the names edgeparity
 * assigns (CloudFormation User Guide, "Intrinsic function reference"; cloudfront.md §10.4 for OAC).
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/stacks/", import.meta.url));
const TEMPLATE = join(FIXTURES, "cfn-spa", "spa.template.yaml");

describe("importers: CloudFormation — one stack, four formats (edgeparity.yaml, template YAML, template JSON, CDK synth output), one model", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cfn-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A copy of the fixture folder with `edit` applied to the template text, as `file`. */
  async function variant(name: string, edit: (text: string) => string = (t) => t, file = "spa.template.yaml"): Promise<string> {
    const d = join(dir, name);
    await cp(join(FIXTURES, "cfn-spa"), d, { recursive: true });
    const text = edit(await readFile(TEMPLATE, "utf8"));
    await rm(join(d, "spa.template.yaml"));
    await writeFile(join(d, file), text);
    return d;
  }

  it("importers: edgeparity.yaml, the CloudFormation YAML template + overlay and its JSON long form give the same model (CloudFormation intrinsics; cloudfront.md §10.4)", async () => {
    const golden = await importStack(join(FIXTURES, "cfn-spa-golden"));
    const yaml = await importStack(join(FIXTURES, "cfn-spa"));
    // The JSON template: the YAML's short forms read as long forms (`{ "Fn::GetAtt": [...] }`), written as JSON.
    const json = await variant("json", (t) => JSON.stringify(parseTemplateText(t, "spa.template.yaml").value, null, 2), "spa.template.json");
    const fromJson = await importStack(json);
    // CDK-style synth output: cdk.out/ with manifest.json naming the stack `spa`, the template as JSON
    // with CDK's metadata resource, and the overlay (and the folder it binds) beside the template.
    const cdkOut = join(dir, "cdk", "cdk.out");
    await cp(join(FIXTURES, "cfn-spa"), cdkOut, { recursive: true, filter: (src) => !src.endsWith(".template.yaml") });
    const long = parseTemplateText(await readFile(TEMPLATE, "utf8"), "spa.template.yaml").value as { Resources: Record<string, unknown> };
    long.Resources.CDKMetadata = {
      Type: "AWS::CDK::Metadata",
      Properties: { Analytics: "v2:deflate64:H4sIAAAAAAAA/zPSMzLQM1BMLC/WTU7J1s3JTNKrDi5JTM7WcU7LK0otLs5MTQHygFwUAGdKmxkxAAAA" },
    };
    await writeFile(join(cdkOut, "SpaStack.template.json"), JSON.stringify(long, null, 1));
    await writeFile(
      join(cdkOut, "manifest.json"),
      JSON.stringify({
        version: "36.0.0",
        artifacts: {
          SpaStack: {
            type: "aws:cloudformation:stack",
            environment: "aws://unknown-account/unknown-region",
            properties: { templateFile: "SpaStack.template.json", stackName: "spa" },
          },
          Tree: { type: "cdk:tree", properties: { file: "tree.json" } },
        },
      }),
    );
    const fromCdk = await importStack(cdkOut);
    assert.deepEqual(yaml.stack, golden.stack);
    assert.deepEqual(fromJson.stack, golden.stack);
    assert.deepEqual(fromCdk.stack, golden.stack);
    // The model's own not-emulated warnings are the same in every format.
    const modelWarnings = (s: typeof yaml) => s.warnings.filter((w) => !w.path.startsWith("Resources.")).map((w) => w.path);
    assert.deepEqual(modelWarnings(yaml), modelWarnings(golden));
    assert.deepEqual(modelWarnings(fromJson), modelWarnings(golden));
    assert.deepEqual(modelWarnings(fromCdk), modelWarnings(golden));
  });

  it("importers: CloudFormation warnings carry file:line and the resource's logical id path; other types are listed, never an error", async () => {
    const s = await importStack(join(FIXTURES, "cfn-spa"));
    const text = await readFile(TEMPLATE, "utf8");
    const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    const byPath = new Map(s.warnings.map((w) => [w.path, w]));
    const pab = byPath.get("Resources.SiteBucket.Properties.PublicAccessBlockConfiguration");
    assert.ok(pab, JSON.stringify(s.warnings, null, 1));
    assert.deepEqual([pab.file, pab.line], [TEMPLATE, lineOf("PublicAccessBlockConfiguration:")]);
    assert.match(pab.message, /not emulated/);
    // A response headers policy is imported (cloudfront.md §6), no longer listed as not emulated.
    assert.equal(byPath.get("Resources.SecurityHeaders"), undefined);
    assert.equal(s.stack.responseHeadersPolicies.SecurityHeaders?.Name, "cfn-spa-headers");
    assert.equal(byPath.get("Resources.AccessLogs")?.message, "AWS::Logs::LogGroup is not emulated; ignored (resource: AccessLogs)");
    // A model warning (not emulated) maps back through the CloudFormation spelling to its line.
    const ssl = byPath.get("distributions.Distribution.Origins.Items[1].CustomOriginConfig.OriginSslProtocols");
    assert.equal(ssl?.line, lineOf("OriginSSLProtocols:"));
    // Everything the template declares is bound by the overlay: no binding warnings.
    assert.deepEqual(
      s.warnings.filter((w) => /nothing local serves|has no local target|has no local folder/.test(w.message)),
      [],
    );
  });

  it("importers: parameter overrides and conditions change the model; what is then unbound is listed with the local: lines to add", async () => {
    const s = await importStack(join(FIXTURES, "cfn-spa"), { parameters: { SiteName: "other", Env: "prod", ApiPort: "8080" } });
    assert.deepEqual(Object.keys(s.stack.buckets), ["other-site"]);
    assert.equal(s.stack.distributions.Distribution!.Comment, "production SPA", "Fn::If on IsProd");
    assert.equal(s.stack.targetGroups[0]!.Port, 8080, "a Number parameter is a number");
    assert.equal(s.stack.distributions.Distribution!.Origins.Items![0]!.DomainName, "other-site.s3.us-east-1.amazonaws.com");
    // Condition IsNotProd is false: SecurityHeaders is not created, so not warned about.
    assert.equal(
      s.warnings.find((w) => w.path === "Resources.SecurityHeaders"),
      undefined,
    );
    const tg = s.warnings.find((w) => w.path === "targetGroups[1]");
    assert.ok(tg, JSON.stringify(s.warnings, null, 1));
    assert.match(tg.message, /target group other-api has no local target/);
    assert.ok(
      tg.message.includes("local:\n        targetGroups:\n          other-api:\n            targets:\n              - http://127.0.0.1:PORT"),
      tg.message,
    );
    const bucket = s.warnings.find((w) => w.path === "buckets.other-site");
    assert.ok(bucket?.message.includes("local:\n        buckets:\n          other-site:\n            folder: ./site"), bucket?.message);
  });

  it("importers: a parameter override outside AllowedValues is CloudFormation's refusal with file:line", async () => {
    await assert.rejects(importStack(join(FIXTURES, "cfn-spa"), { parameters: { Env: "staging" } }), (e: Error) => {
      assert.match(e.message, /^spa\.template\.yaml:\d+: Parameters\.Env: Parameter 'Env' must be one of AllowedValues \(dev, prod\), not 'staging'/);
      return true;
    });
  });

  it("importers: !ImportValue is a clear 'not resolvable locally' error naming file:line and the resource path", async () => {
    const d = await variant("import-value", (t) => t.replace("VpcId: vpc-0123456789abcdef0", "VpcId: !ImportValue network-VpcId"));
    const line = (await readFile(join(d, "spa.template.yaml"), "utf8")).split("\n").findIndex((l) => l.includes("!ImportValue")) + 1;
    await assert.rejects(importStack(d), (e: Error & { code?: string }) => {
      assert.equal(e.code, "STACK_INVALID");
      assert.equal(
        e.message,
        `spa.template.yaml:${line}: Resources.AdminTargets.Properties.VpcId: Fn::ImportValue: 'network-VpcId' is an export of another deployed stack, which is not resolvable locally. Write the value itself here (or a Parameter with a Default) for local use.`,
      );
      return true;
    });
  });

  it("importers: a Ref to nothing and an unknown short form are errors with file:line", async () => {
    const ghost = await variant("ghost", (t) => t.replace("TargetGroupArn: !Ref ApiTargets", "TargetGroupArn: !Ref Ghost"));
    await assert.rejects(
      importStack(ghost),
      /spa\.template\.yaml:\d+: Resources\.ApiRule\.Properties\.Actions\[0\]\.TargetGroupArn: Ref: 'Ghost' is not a parameter, pseudo parameter or resource of this template/,
    );
    const tag = await variant("tag", (t) => t.replace("VpcId: vpc-0123456789abcdef0", "VpcId: !Bogus x"));
    await assert.rejects(importStack(tag), /spa\.template\.yaml:\d+:\d+: not a valid CloudFormation template: Unresolved tag: !Bogus/);
  });

  it("importers: a problem parseStack finds is prefixed with the template's file:line through CloudFormation's spelling (cloudfront.md §3)", async () => {
    const d = await variant("bad-origin", (t) => t.replace("            TargetOriginId: api-alb", "            TargetOriginId: ghost"));
    const line = (await readFile(join(d, "spa.template.yaml"), "utf8")).split("\n").findIndex((l) => l.includes("TargetOriginId: ghost")) + 1;
    await assert.rejects(importStack(d), (e: Error) => {
      const problem = e.message.split("\n").find((l) => l.includes("TargetOriginId"));
      assert.match(
        problem ?? "",
        new RegExp(`^ {2}spa\\.template\\.yaml:${line}: distributions\\.Distribution\\.CacheBehaviors\\.Items\\[0\\]\\.TargetOriginId: NoSuchOrigin`),
        e.message,
      );
      return true;
    });
  });

  it("importers: an origin on the internet is listed with the local.origins line to add (binding honesty)", async () => {
    const d = await variant("internet", (t) => t.replace("DomainName: !GetAtt Alb.DNSName", "DomainName: api.example.com"));
    const s = await importStack(d).catch((e: Error) => e);
    // parseStack accepts it; the warning (and, at `up`, CloudFront's BINDING_MISSING) names the line to add.
    assert.ok(!(s instanceof Error), String(s));
    const w = s.warnings.find((x) => x.path === "distributions.Distribution.Origins.Items[1].DomainName");
    assert.ok(w?.message.includes("local:\n        origins:\n          api.example.com: http://127.0.0.1:PORT"), JSON.stringify(s.warnings, null, 1));
  });

  it("importers: AWS::CloudFront::KeyValueStore takes its JSON file from the overlay's local.keyValueStores; !GetAtt Store.Arn associates it with a Function (cloudfront.md §13.5)", async () => {
    const store = [
      "  Routes:",
      "    Type: AWS::CloudFront::KeyValueStore",
      "    Properties:",
      "      Name: spa-routes",
      "  AbFunction:",
      "    Type: AWS::CloudFront::Function",
      "    Properties:",
      "      Name: spa-ab",
      "      AutoPublish: false",
      '      FunctionCode: "function handler(event) { return event.request; }"',
      "      FunctionConfig:",
      "        Comment: A/B",
      "        Runtime: cloudfront-js-2.0",
      "        KeyValueStoreAssociations:",
      "          - KeyValueStoreARN: !GetAtt Routes.Arn",
      "",
    ].join("\n");
    const d = await variant("kvs", (t) => t.replace("Resources:\n", `Resources:\n${store}`));
    const unbound = await importStack(d);
    assert.equal(unbound.stack.keyValueStores["spa-routes"], undefined);
    assert.equal(unbound.stack.functions["spa-ab"]?.FunctionConfig.KeyValueStoreAssociations, undefined);
    const w = unbound.warnings.find((x) => x.path === "keyValueStores.spa-routes");
    assert.ok(w?.message.includes("keyValueStores:\n          spa-routes: ./kvs/spa-routes.json"), JSON.stringify(unbound.warnings, null, 1));
    assert.match(unbound.warnings.find((x) => x.path === "Resources.AbFunction.Properties.AutoPublish")?.message ?? "", /AutoPublish false is not emulated/);
    await writeFile(join(d, "routes.json"), JSON.stringify({ data: [{ key: "a", value: "blue" }] }));
    await writeFile(
      join(d, "edgeparity.yaml"),
      (await readFile(join(d, "edgeparity.yaml"), "utf8")).replace("local:\n", "local:\n  keyValueStores:\n    spa-routes: routes.json\n"),
    );
    const bound = await importStack(d);
    assert.deepEqual(bound.stack.keyValueStores["spa-routes"], { file: "routes.json" });
    assert.deepEqual(bound.stack.functions["spa-ab"], {
      FunctionConfig: {
        Comment: "A/B",
        Runtime: "cloudfront-js-2.0",
        KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: "arn:aws:cloudfront::000000000000:key-value-store/spa-routes" }] },
      },
      FunctionCode: "function handler(event) { return event.request; }",
    });
  });
});
