import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { awsCli, awsFailure, type AwsCli } from "../support/aws-cli.js";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { iamStsClients } from "../support/iam-clients.js";

/**
 * Issue 11 "STS GetCallerIdentity, IAM roles and policies (described, never enforced)" against
 * `edgeparity up` (the real CLI as a child process): the AWS CLI v2 (`/usr/bin/aws`, HTTP/1.1, over
 * http:// and https:// with the local CA) builds a role with a managed and an inline policy, reads
 * them back decoded as against AWS, and meets IAM's errors; the SDK v3 reads the same records over
 * HTTP/2. The records survive a restart of the CLI on the same state dir.
 */
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const PERMS = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] });

describe("e2e: STS and IAM through the AWS CLI against edgeparity up (issue 11)", () => {
  let work: string;
  let s: CliSession;
  let aws: AwsCli;
  let awsHttps: AwsCli;
  /** The first session once the restart test replaced it (its folder holds the state the second one serves). */
  let first: CliSession | undefined;
  const json = async <T>(cli: AwsCli, ...args: string[]): Promise<T> => JSON.parse(await cli(...args)) as T;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-iam-"));
    await writeFile(join(work, "stack.yaml"), "{}\n");
    await writeFile(join(work, "trust.json"), TRUST);
    await writeFile(join(work, "perms.json"), PERMS);
    s = await startCliSession(["--config", join(work, "stack.yaml")]);
    aws = await awsCli(() => `http://localhost:${String(s.ready.httpPort)}`);
    awsHttps = await awsCli(() => `https://localhost:${String(s.ready.httpsPort)}`);
  });
  after(async () => {
    await aws?.cleanup();
    await awsHttps?.cleanup();
    await s?.stop();
    await first?.stop();
    await rm(work, { recursive: true, force: true });
  });

  for (const [scheme, cli] of [
    ["http", () => aws],
    ["https", () => awsHttps],
  ] as const)
    it(`aws sts get-caller-identity → the local account's root (STS API GetCallerIdentity) [${scheme}, HTTP/1.1]`, async () => {
      const extra = scheme === "https" ? ["--ca-bundle", s.caPath] : [];
      const me = await json<{ Account: string; Arn: string; UserId: string }>(cli(), "sts", "get-caller-identity", ...extra);
      assert.deepEqual(me, { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
    });

  it("aws iam create-role / create-policy / attach-role-policy / put-role-policy, read back decoded (IAM API) [HTTP/1.1]", async () => {
    const role = await json<{ Role: { Arn: string; RoleId: string } }>(
      aws,
      "iam",
      "create-role",
      "--role-name",
      "site-reader",
      "--assume-role-policy-document",
      `file://${join(work, "trust.json")}`,
      "--tags",
      "Key=team,Value=edge",
    );
    assert.equal(role.Role.Arn, "arn:aws:iam::000000000000:role/site-reader");
    assert.match(role.Role.RoleId, /^AROA[A-Z2-7]{17}$/);
    const policy = await json<{ Policy: { Arn: string } }>(
      aws,
      "iam",
      "create-policy",
      "--policy-name",
      "read-site",
      "--policy-document",
      `file://${join(work, "perms.json")}`,
    );
    await aws("iam", "attach-role-policy", "--role-name", "site-reader", "--policy-arn", policy.Policy.Arn);
    await aws("iam", "put-role-policy", "--role-name", "site-reader", "--policy-name", "inline", "--policy-document", `file://${join(work, "perms.json")}`);
    const got = await json<{ Role: { AssumeRolePolicyDocument: unknown; Tags: unknown } }>(aws, "iam", "get-role", "--role-name", "site-reader");
    // The CLI decodes IAM's URL-encoded documents into JSON, as it does against AWS.
    assert.deepEqual(got.Role.AssumeRolePolicyDocument, JSON.parse(TRUST));
    assert.deepEqual(got.Role.Tags, [{ Key: "team", Value: "edge" }]);
    const inline = await json<{ PolicyDocument: unknown }>(aws, "iam", "get-role-policy", "--role-name", "site-reader", "--policy-name", "inline");
    assert.deepEqual(inline.PolicyDocument, JSON.parse(PERMS));
    const version = await json<{ PolicyVersion: { Document: unknown } }>(
      aws,
      "iam",
      "get-policy-version",
      "--policy-arn",
      policy.Policy.Arn,
      "--version-id",
      "v1",
    );
    assert.deepEqual(version.PolicyVersion.Document, JSON.parse(PERMS));
  });

  it("the same records through the SDK v3 over HTTP/2 (ALPN h2) with the local CA [HTTP/2]", async () => {
    const { clients, destroy } = iamStsClients({ httpPort: Number(s.ready.httpPort), httpsPort: Number(s.ready.httpsPort), caPem: s.caPem });
    try {
      const h2 = clients.find((c) => c.http === "2")!;
      assert.equal((await h2.sts.send(new GetCallerIdentityCommand({}))).Account, "000000000000");
      assert.equal((await h2.iam.send(new GetRoleCommand({ RoleName: "site-reader" }))).Role!.RoleName, "site-reader");
      const attached = (await h2.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "site-reader" }))).AttachedPolicies!;
      assert.deepEqual(
        attached.map((a) => a.PolicyName),
        ["read-site"],
      );
    } finally {
      destroy();
    }
  });

  it("IAM's errors through the CLI: EntityAlreadyExists, DeleteConflict, NoSuchEntity, MalformedPolicyDocument, ValidationError, NotImplemented (IAM API errors) [HTTP/1.1]", async () => {
    const trust = `file://${join(work, "trust.json")}`;
    assert.match(
      await awsFailure(aws, "iam", "create-role", "--role-name", "site-reader", "--assume-role-policy-document", trust),
      /\(EntityAlreadyExists\) when calling the CreateRole operation: Role with name site-reader already exists\./,
    );
    assert.match(
      await awsFailure(aws, "iam", "delete-role", "--role-name", "site-reader"),
      /\(DeleteConflict\) when calling the DeleteRole operation: Cannot delete entity, must detach all policies first\./,
    );
    assert.match(
      await awsFailure(aws, "iam", "get-role", "--role-name", "nobody"),
      /\(NoSuchEntity\) when calling the GetRole operation: The role with name nobody cannot be found\./,
    );
    // The classic slip: the file name without file:// is sent as the document.
    assert.match(
      await awsFailure(aws, "iam", "create-role", "--role-name", "slip", "--assume-role-policy-document", "trust.json"),
      /\(MalformedPolicyDocument\) when calling the CreateRole operation: This policy contains invalid Json/,
    );
    assert.match(
      await awsFailure(aws, "iam", "create-role", "--role-name", "bad/name", "--assume-role-policy-document", trust),
      /\(ValidationError\) when calling the CreateRole operation: 1 validation error detected: Value 'bad\/name' at 'roleName'/,
    );
    assert.match(
      await awsFailure(aws, "iam", "list-users"),
      /\(NotImplemented\) when calling the ListUsers operation: edgeparity does not implement the IAM operation ListUsers/,
    );
  });

  it("edgeparity export leaves IAM's records out: they are no stack resources and change nothing served (issue 11 §State)", async () => {
    const r = await runCli(["export", "--config", join(work, "stack.yaml"), "--state-dir", join(s.dir, "state"), "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const exported = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.ok(!r.stdout.includes("site-reader"), `no role in the export: ${r.stdout.slice(0, 400)}`);
    assert.equal(exported.roles, undefined);
  });

  it("the records survive a restart of edgeparity up on the same state dir (issue 11 §State)", async () => {
    const state = join(s.dir, "state");
    const before = await json<{ Role: { RoleId: string } }>(aws, "iam", "get-role", "--role-name", "site-reader");
    s.proc.kill("SIGTERM");
    await new Promise((r) => s.proc.once("close", r));
    first = s;
    s = await startCliSession(["--config", join(work, "stack.yaml"), "--state-dir", state]);
    {
      const after = await json<{ Role: { RoleId: string } }>(aws, "iam", "get-role", "--role-name", "site-reader");
      assert.equal(after.Role.RoleId, before.Role.RoleId);
      const attached = await json<{ AttachedPolicies: { PolicyName: string }[] }>(aws, "iam", "list-attached-role-policies", "--role-name", "site-reader");
      assert.deepEqual(
        attached.AttachedPolicies.map((p) => p.PolicyName),
        ["read-site"],
      );
    }
  });
});
