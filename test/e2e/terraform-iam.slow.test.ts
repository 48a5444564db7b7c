import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli, type AwsCli } from "../support/aws-cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { findTerraform, localProvider, type Terraform } from "../support/terraform.js";

/**
 * Issue 11 "Terraform's AWS provider as a client … STS GetCallerIdentity, IAM roles and policies
 * (described, never enforced)": the real `terraform` (AWS provider v5 from the machine's mirror)
 * applies a role + managed policy + attachment + inline policy + `data "aws_caller_identity"`
 * against `edgeparity up`, a second plan shows no changes, and destroy removes them. The provider
 * reads back what it created (GetRole, GetPolicy + GetPolicyVersion, ListAttachedRolePolicies,
 * GetRolePolicy, ListRolePolicies), waits for propagation, and on destroy lists the role's
 * instance profiles and policies before DeleteRole.
 */
const tf = await findTerraform();

const config = (endpoint: string) => `${localProvider(endpoint, ["iam", "sts"])}
data "aws_caller_identity" "me" {}

resource "aws_iam_role" "lambda" {
  name        = "tf-lambda"
  description = "edge functions"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = { team = "edge" }
}

resource "aws_iam_policy" "logs" {
  name        = "tf-logs"
  path        = "/edge/"
  description = "write logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:aws:logs:*:\${data.aws_caller_identity.me.account_id}:*"
    }]
  })
  tags = { team = "edge" }
}

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.lambda.name
  policy_arn = aws_iam_policy.logs.arn
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "s3" {
  name = "read-site"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" }]
  })
}

output "account_id" { value = data.aws_caller_identity.me.account_id }
output "caller_arn" { value = data.aws_caller_identity.me.arn }
output "role_arn" { value = aws_iam_role.lambda.arn }
output "role_id" { value = aws_iam_role.lambda.unique_id }
output "policy_arn" { value = aws_iam_policy.logs.arn }
`;

describe(
  "e2e: terraform apply / plan / destroy of IAM roles and policies + aws_caller_identity against edgeparity up (issue 11)",
  { skip: tf ? false : "terraform or its AWS provider mirror is not installed" },
  () => {
    let work: string;
    let s: CliSession;
    let aws: AwsCli;
    const terraform = tf as Terraform;
    const output = async (name: string) => JSON.parse(await terraform(work, "output", "-json", name)) as string;

    before(async () => {
      work = await mkdtemp(join(tmpdir(), "ep-e2e-tf-iam-"));
      await writeFile(join(work, "stack.yaml"), "{}\n");
      s = await startCliSession(["--config", join(work, "stack.yaml")]);
      aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
      await writeFile(join(work, "main.tf"), config(`http://localhost:${String(s.ready.httpPort)}`));
      await terraform(work, "init", "-input=false", "-no-color");
    });
    after(async () => {
      await aws?.cleanup();
      await s?.stop();
      await rm(work, { recursive: true, force: true });
    });

    it("terraform apply creates the role, the policy, both attachments and the inline policy; the caller is the local account", async () => {
      const out = await terraform(work, "apply", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Apply complete! Resources: 5 added, 0 changed, 0 destroyed\./);
      assert.equal(await output("account_id"), "000000000000");
      assert.equal(await output("caller_arn"), "arn:aws:iam::000000000000:root");
      assert.equal(await output("role_arn"), "arn:aws:iam::000000000000:role/tf-lambda");
      assert.match(await output("role_id"), /^AROA[A-Z2-7]{17}$/);
      assert.equal(await output("policy_arn"), "arn:aws:iam::000000000000:policy/edge/tf-logs");
    });

    it("what Terraform made is what the AWS CLI reads back (IAM API: GetRole, ListAttachedRolePolicies, GetRolePolicy)", async () => {
      const role = JSON.parse(await aws("iam", "get-role", "--role-name", "tf-lambda")) as {
        Role: { Description: string; Tags: { Key: string; Value: string }[]; AssumeRolePolicyDocument: { Statement: { Principal: { Service: string[] } }[] } };
      };
      assert.equal(role.Role.Description, "edge functions");
      assert.deepEqual(role.Role.Tags, [{ Key: "team", Value: "edge" }]);
      // The CLI decodes the URL-encoded document, as it does against AWS.
      assert.deepEqual(role.Role.AssumeRolePolicyDocument.Statement[0]!.Principal.Service, ["lambda.amazonaws.com", "edgelambda.amazonaws.com"]);
      const attached = JSON.parse(await aws("iam", "list-attached-role-policies", "--role-name", "tf-lambda")) as {
        AttachedPolicies: { PolicyName: string }[];
      };
      assert.deepEqual(attached.AttachedPolicies.map((p) => p.PolicyName).sort(), ["AWSLambdaBasicExecutionRole", "tf-logs"]);
      const inline = JSON.parse(await aws("iam", "get-role-policy", "--role-name", "tf-lambda", "--policy-name", "read-site")) as {
        PolicyDocument: { Statement: { Resource: string }[] };
      };
      assert.equal(inline.PolicyDocument.Statement[0]!.Resource, "arn:aws:s3:::site/*");
    });

    it("terraform plan afterwards shows no changes", async () => {
      const out = await terraform(work, "plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.match(out, /No changes\. Your infrastructure matches the configuration\./);
    });

    it("the records are in the saved API state (<state-dir>/api/stack.json), not the stack (issue 11 §State)", async () => {
      const state = JSON.parse(await readFile(join(s.dir, "state", "api", "stack.json"), "utf8")) as { stack: object; records: { iam?: { roles: object } } };
      assert.ok(state.records.iam && "tf-lambda" in state.records.iam.roles, "the role is in the saved API state");
      assert.deepEqual(state.stack, {}, "IAM records are no stack resources");
    });

    it("terraform destroy removes them all; the role is gone (NoSuchEntity)", async () => {
      const out = await terraform(work, "destroy", "-auto-approve", "-input=false", "-no-color");
      assert.match(out, /Destroy complete! Resources: 5 destroyed\./);
      const err = await aws("iam", "get-role", "--role-name", "tf-lambda").then(
        () => "",
        (e: { stderr?: string }) => String(e.stderr),
      );
      assert.match(err, /\(NoSuchEntity\) when calling the GetRole operation: The role with name tf-lambda cannot be found\./);
      const policies = JSON.parse(await aws("iam", "list-policies", "--scope", "Local")) as { Policies: unknown[] };
      assert.deepEqual(policies.Policies, []);
    });
  },
);
