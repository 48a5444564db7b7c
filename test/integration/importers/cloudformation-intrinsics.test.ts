import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { importStack } from "../../../src/importers/index.js";

/**
 * Intrinsic functions as CloudFormation evaluates them (CloudFormation User Guide, "Intrinsic
 * function reference"), seen through the stack they produce: each case is a small template whose
 * bucket's CORS rule or name shows the value.
 */
describe("importers: CloudFormation intrinsic functions", () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cfn-fn-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Imports a template whose single bucket has `origins` as its AllowedOrigins, and returns those origins. */
  async function origins(value: string, extra = "", parameters?: Record<string, string>): Promise<unknown> {
    const file = join(dir, `t${n++}.template.yaml`);
    await writeFile(
      file,
      `Parameters:\n  Name: { Type: String, Default: web }\n  Sizes: { Type: CommaDelimitedList, Default: "a,b,c" }\n${extra}Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: fixed-bucket\n      CorsConfiguration:\n        CorsRules:\n          - AllowedMethods: [GET]\n            AllowedOrigins: ${value}\n`,
    );
    const s = await importStack(file, parameters ? { parameters } : {});
    return s.stack.buckets["fixed-bucket"]!.CORSConfiguration!.CORSRules[0]!.AllowedOrigins;
  }

  it("intrinsics: Fn::Sub list form with its own variables, ${!Literal}, a resource attribute and a pseudo parameter (Fn::Sub)", async () => {
    assert.deepEqual(await origins('[!Sub ["${Scheme}://${Name}.${AWS::URLSuffix}/${!Literal}/${B.Arn}", { Scheme: https }]]'), [
      "https://web.amazonaws.com/${Literal}/arn:aws:s3:::fixed-bucket",
    ]);
  });

  it("intrinsics: Fn::And / Fn::Or / Fn::Not in Conditions pick the Fn::If branch (Condition functions)", async () => {
    const conditions = `Conditions:\n  IsWeb: !Equals [!Ref Name, web]\n  Both: !And [!Condition IsWeb, !Not [!Equals [!Ref Name, api]]]\n  Either: !Or [!Equals [a, b], !Condition Both]\n`;
    assert.deepEqual(await origins("[!If [Either, yes, no]]", conditions), ["yes"]);
    assert.deepEqual(await origins("[!If [Either, yes, no]]", conditions, { Name: "api" }), ["no"]);
  });

  it("intrinsics: a list parameter, Fn::Select, Fn::Join, Fn::GetAZs, Fn::Base64 and AWS::NoValue (removed from a list)", async () => {
    assert.deepEqual(await origins("!Ref Sizes"), ["a", "b", "c"]);
    assert.deepEqual(await origins('[!Join ["-", !Ref Sizes], !Select [2, !GetAZs ""], !Base64 hi, !Ref AWS::NoValue]'), ["a-b-c", "us-east-1c", "aGk="]);
  });

  it("intrinsics: a JSON template's long forms evaluate the same way", async () => {
    const file = join(dir, "long.template.json");
    const template = {
      Resources: {
        B: {
          Type: "AWS::S3::Bucket",
          Properties: {
            BucketName: { "Fn::Join": ["-", [{ Ref: "AWS::StackName" }, "site"]] },
            WebsiteConfiguration: { IndexDocument: "index.html", ErrorDocument: { "Fn::Sub": "${AWS::Region}.html" } },
          },
        },
      },
    };
    await writeFile(file, JSON.stringify(template, null, 2));
    const s = await importStack(file);
    assert.deepEqual(s.stack.buckets, {
      "long-site": { WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "us-east-1.html" } } },
    });
  });

  it("intrinsics: an unknown attribute, a missing mapping key and a name that refers to itself are errors with file:line", async () => {
    await assert.rejects(origins("[!GetAtt B.Nope]"), /t\d+\.template\.yaml:\d+: .*Fn::GetAtt: AWS::S3::Bucket 'B' has no attribute 'Nope'/);
    await assert.rejects(origins("[!FindInMap [M, x, y]]", "Mappings:\n  M:\n    x: { z: 1 }\n"), /Fn::FindInMap: mapping 'M' key 'x' has no key 'y'/);
    const file = join(dir, "self.template.yaml");
    await writeFile(file, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${B}-x'\n");
    await assert.rejects(importStack(file), /self\.template\.yaml:5: Resources\.B\.Properties\.BucketName: the name of 'B' refers to itself/);
  });

  it("intrinsics: a parameter with no Default and no override names the flag to pass; an undeclared override is a warning", async () => {
    const file = join(dir, "nodefault.template.yaml");
    await writeFile(
      file,
      "Parameters:\n  Env: { Type: String }\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub 'site-${Env}'\n",
    );
    await assert.rejects(
      importStack(file),
      /nodefault\.template\.yaml:2: Parameters\.Env: parameter 'Env' has no Default and no value: pass --parameter Env=VALUE/,
    );
    const s = await importStack(file, { parameters: { Env: "dev", Other: "x" } });
    assert.deepEqual(Object.keys(s.stack.buckets), ["site-dev"]);
    assert.ok(
      s.warnings.some((w) => w.path === "Parameters" && /parameter override Other is not declared/.test(w.message)),
      JSON.stringify(s.warnings),
    );
  });
});
