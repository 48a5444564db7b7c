import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { ManualClock, startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { iamStsClients, type IamStsClients } from "../../support/iam-clients.js";
import { signForExecuteApi } from "../../support/sigv4-request.js";
import { send } from "../../support/viewer.js";

/**
 * Issue 11 "small record-keeping stand-ins … STS GetCallerIdentity, IAM roles and policies
 * (described, never enforced)" through the AWS SDK v3 clients, over HTTP/1.1 and HTTP/2: the
 * shapes the IAM API Reference gives (URL-encoded documents, AROA…/ANPA… ids, ARNs in the local
 * account), Marker / IsTruncated pagination, each IAM and STS error code, and records that survive
 * a restart on the same state dir.
 */
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const PERMS = (action = "s3:GetObject") => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

/** The SDK's error name, HTTP status and message, for assert.rejects. */
const awsError = (name: string, status: number, message?: RegExp) => (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata?.httpStatusCode, status);
  if (message) assert.match(e.message, message);
  return true;
};

describe("aws-api: STS and IAM through the AWS SDK v3 (issue 11 record keeping)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let clients: IamStsClients[];
  let destroy: () => void;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-iamsdk-"));
    stack = await startEdgeparity({ config: {}, stateDir: join(dir, "state") });
    ({ clients, destroy } = iamStsClients(stack));
  });
  after(async () => {
    destroy?.();
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const http of ["1.1", "2"] as const) {
    const c = () => clients.find((x) => x.http === http)!;
    const role = `app-${http.replace(".", "")}`;

    it(`STS GetCallerIdentity: the local account's root (STS API GetCallerIdentity) [HTTP/${http}]`, async () => {
      const me = await c().sts.send(new GetCallerIdentityCommand({}));
      assert.deepEqual([me.Account, me.Arn, me.UserId], ["000000000000", "arn:aws:iam::000000000000:root", "000000000000"]);
    });

    it(`IAM CreateRole / GetRole: AROA id, ARN with path, URL-encoded trust policy, defaults (IAM API Role) [HTTP/${http}]`, async () => {
      const created = await c().iam.send(
        new CreateRoleCommand({ RoleName: role, Path: "/svc/", AssumeRolePolicyDocument: TRUST, Description: "d", Tags: [{ Key: "k", Value: "v" }] }),
      );
      assert.match(created.Role!.RoleId!, /^AROA[A-Z2-7]{17}$/);
      assert.equal(created.Role!.Arn, `arn:aws:iam::000000000000:role/svc/${role}`);
      const got = (await c().iam.send(new GetRoleCommand({ RoleName: role.toUpperCase() }))).Role!;
      assert.equal(got.RoleName, role, "IAM names are case-insensitive; the answer has the name as created");
      assert.equal(got.AssumeRolePolicyDocument, encodeURIComponent(TRUST));
      assert.equal(decodeURIComponent(got.AssumeRolePolicyDocument!), TRUST);
      assert.equal(got.MaxSessionDuration, 3600);
      assert.deepEqual(got.Tags, [{ Key: "k", Value: "v" }]);
      assert.equal(got.Description, "d");
      assert.ok(got.CreateDate instanceof Date);
    });

    it(`IAM CreateRole twice → 409 EntityAlreadyExists, also in another case (IAM API CreateRole errors) [HTTP/${http}]`, async () => {
      await assert.rejects(
        c().iam.send(new CreateRoleCommand({ RoleName: role.toUpperCase(), AssumeRolePolicyDocument: TRUST })),
        awsError("EntityAlreadyExistsException", 409, new RegExp(`^Role with name ${role.toUpperCase()} already exists\\.$`)),
      );
    });

    it(`IAM UpdateRole / UpdateAssumeRolePolicy / TagRole / UntagRole / ListRoleTags (IAM API) [HTTP/${http}]`, async () => {
      await c().iam.send(new UpdateRoleCommand({ RoleName: role, Description: "new", MaxSessionDuration: 7200 }));
      const doc = TRUST.replace("lambda.amazonaws.com", "edgelambda.amazonaws.com");
      await c().iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: doc }));
      await c().iam.send(
        new TagRoleCommand({
          RoleName: role,
          Tags: [
            { Key: "k", Value: "w" },
            { Key: "x", Value: "" },
          ],
        }),
      );
      await c().iam.send(new UntagRoleCommand({ RoleName: role, TagKeys: ["x"] }));
      const got = (await c().iam.send(new GetRoleCommand({ RoleName: role }))).Role!;
      assert.deepEqual([got.Description, got.MaxSessionDuration, decodeURIComponent(got.AssumeRolePolicyDocument!)], ["new", 7200, doc]);
      assert.deepEqual((await c().iam.send(new ListRoleTagsCommand({ RoleName: role }))).Tags, [{ Key: "k", Value: "w" }]);
      await assert.rejects(
        c().iam.send(new UpdateRoleCommand({ RoleName: role, MaxSessionDuration: 60 })),
        awsError(
          "ValidationError",
          400,
          /Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600/,
        ),
      );
    });

    it(`IAM GetRole of an unknown role → 404 NoSuchEntity with IAM's text (IAM API GetRole errors) [HTTP/${http}]`, async () => {
      await assert.rejects(
        c().iam.send(new GetRoleCommand({ RoleName: "nobody" })),
        awsError("NoSuchEntityException", 404, /^The role with name nobody cannot be found\.$/),
      );
      await assert.rejects(c().iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: "nobody" })), awsError("NoSuchEntityException", 404));
      assert.deepEqual((await c().iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: role }))).InstanceProfiles, []);
    });

    it(`IAM role names and documents are checked: ValidationError, MalformedPolicyDocument (IAM API CreateRole constraints) [HTTP/${http}]`, async () => {
      await assert.rejects(
        c().iam.send(new CreateRoleCommand({ RoleName: "bad name", AssumeRolePolicyDocument: TRUST })),
        awsError("ValidationError", 400, /Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern/),
      );
      await assert.rejects(
        c().iam.send(new CreateRoleCommand({ RoleName: "x".repeat(65), AssumeRolePolicyDocument: TRUST })),
        awsError("ValidationError", 400, /Member must have length less than or equal to 64/),
      );
      await assert.rejects(
        c().iam.send(new CreateRoleCommand({ RoleName: "json", AssumeRolePolicyDocument: "trust.json" })),
        awsError("MalformedPolicyDocumentException", 400, /^This policy contains invalid Json$/),
      );
      await assert.rejects(
        c().iam.send(new CreateRoleCommand({ RoleName: "res", AssumeRolePolicyDocument: TRUST.replace('"Action"', '"Resource":"*","Action"') })),
        awsError("MalformedPolicyDocumentException", 400, /^Has prohibited field Resource$/),
      );
      await assert.rejects(
        c().iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "p", PolicyDocument: TRUST })),
        awsError("MalformedPolicyDocumentException", 400, /^Policy document should not specify a principal\.$/),
      );
      await assert.rejects(
        c().iam.send(new CreatePolicyCommand({ PolicyName: "bad", PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}' })),
        awsError("MalformedPolicyDocumentException", 400, /^Syntax errors in policy\.$/),
      );
    });

    it(`IAM managed policy: CreatePolicy (ANPA id) / GetPolicy / GetPolicyVersion (URL-encoded) / CreatePolicyVersion / ListPolicyVersions / tags (IAM API Policy) [HTTP/${http}]`, async () => {
      const name = `pol-${http.replace(".", "")}`;
      const p = (await c().iam.send(new CreatePolicyCommand({ PolicyName: name, Path: "/edge/", PolicyDocument: PERMS(), Description: "read" }))).Policy!;
      assert.match(p.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
      assert.equal(p.Arn, `arn:aws:iam::000000000000:policy/edge/${name}`);
      assert.deepEqual([p.DefaultVersionId, p.AttachmentCount, p.IsAttachable], ["v1", 0, true]);
      await assert.rejects(
        c().iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: PERMS() })),
        awsError("EntityAlreadyExistsException", 409, new RegExp(`^A policy called ${name} already exists\\. Duplicate names are not allowed\\.$`)),
      );
      const got = (await c().iam.send(new GetPolicyCommand({ PolicyArn: p.Arn }))).Policy!;
      assert.equal(got.Description, "read");
      const v1 = (await c().iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: "v1" }))).PolicyVersion!;
      assert.equal(decodeURIComponent(v1.Document!), PERMS());
      assert.equal(v1.IsDefaultVersion, true);
      const v2 = (await c().iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: PERMS("s3:*"), SetAsDefault: true }))).PolicyVersion!;
      assert.deepEqual([v2.VersionId, v2.IsDefaultVersion], ["v2", true]);
      const versions = (await c().iam.send(new ListPolicyVersionsCommand({ PolicyArn: p.Arn }))).Versions!;
      assert.deepEqual(
        versions.map((v) => [v.VersionId, v.IsDefaultVersion]),
        [
          ["v2", true],
          ["v1", false],
        ],
      );
      await assert.rejects(c().iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: "v9" })), awsError("NoSuchEntityException", 404));
      await c().iam.send(new TagPolicyCommand({ PolicyArn: p.Arn, Tags: [{ Key: "team", Value: "edge" }] }));
      assert.deepEqual((await c().iam.send(new ListPolicyTagsCommand({ PolicyArn: p.Arn }))).Tags, [{ Key: "team", Value: "edge" }]);
      // More than one version → DeleteConflict; then the non-default version goes and the policy can be deleted.
      await assert.rejects(c().iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn })), awsError("DeleteConflictException", 409, /more than one version/));
      await assert.rejects(
        c().iam.send(new DeletePolicyVersionCommand({ PolicyArn: p.Arn, VersionId: "v2" })),
        awsError("DeleteConflictException", 409, /^Cannot delete the default version of a policy\.$/),
      );
      await c().iam.send(new DeletePolicyVersionCommand({ PolicyArn: p.Arn, VersionId: "v1" }));
      await c().iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn }));
      await assert.rejects(
        c().iam.send(new GetPolicyCommand({ PolicyArn: p.Arn })),
        awsError("NoSuchEntityException", 404, new RegExp(`^Policy arn:aws:iam::000000000000:policy/edge/${name} was not found\\.$`)),
      );
    });

    it(`IAM CreatePolicyVersion beyond 5 versions → 409 LimitExceeded; a malformed ARN → InvalidInput (IAM quotas) [HTTP/${http}]`, async () => {
      const p = (await c().iam.send(new CreatePolicyCommand({ PolicyName: `many-${http.replace(".", "")}`, PolicyDocument: PERMS() }))).Policy!;
      for (let i = 0; i < 4; i++) await c().iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: PERMS() }));
      await assert.rejects(
        c().iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Arn, PolicyDocument: PERMS() })),
        awsError("LimitExceededException", 409, /up to 5 versions/),
      );
      await assert.rejects(
        c().iam.send(new GetPolicyCommand({ PolicyArn: "not-an-arn-at-all" })),
        awsError("InvalidInputException", 400, /^ARN not-an-arn-at-all is not valid\.$/),
      );
    });

    it(`IAM Attach/Detach/ListAttachedRolePolicies; DeleteRole / DeletePolicy refused while attached → 409 DeleteConflict (IAM API DeleteRole errors) [HTTP/${http}]`, async () => {
      const p = (await c().iam.send(new CreatePolicyCommand({ PolicyName: `att-${http.replace(".", "")}`, PolicyDocument: PERMS() }))).Policy!;
      const managed = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
      await c().iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: p.Arn }));
      await c().iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: p.Arn }));
      await c().iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: managed }));
      const listed = (await c().iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies!;
      assert.deepEqual(listed, [
        { PolicyName: p.PolicyName, PolicyArn: p.Arn },
        { PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: managed },
      ]);
      assert.equal((await c().iam.send(new GetPolicyCommand({ PolicyArn: p.Arn }))).Policy!.AttachmentCount, 1);
      await assert.rejects(
        c().iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: "arn:aws:iam::000000000000:policy/missing" })),
        awsError("NoSuchEntityException", 404, /^Policy arn:aws:iam::000000000000:policy\/missing does not exist or is not attachable\.$/),
      );
      await assert.rejects(
        c().iam.send(new DeleteRoleCommand({ RoleName: role })),
        awsError("DeleteConflictException", 409, /^Cannot delete entity, must detach all policies first\.$/),
      );
      await assert.rejects(
        c().iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn })),
        awsError("DeleteConflictException", 409, /^Cannot delete a policy attached to entities\.$/),
      );
      await c().iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: p.Arn }));
      await c().iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: managed }));
      await assert.rejects(
        c().iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: managed })),
        awsError("NoSuchEntityException", 404, /was not found/),
      );
      assert.deepEqual((await c().iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies, []);
      await c().iam.send(new DeletePolicyCommand({ PolicyArn: p.Arn }));
    });

    it(`IAM Put/Get/List/DeleteRolePolicy (inline); DeleteRole refused while one remains → 409 DeleteConflict; then DeleteRole (IAM API) [HTTP/${http}]`, async () => {
      await c().iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "inline-b", PolicyDocument: PERMS() }));
      await c().iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "inline-a", PolicyDocument: PERMS("s3:ListBucket") }));
      const got = await c().iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: "inline-a" }));
      assert.deepEqual([got.RoleName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)], [role, "inline-a", PERMS("s3:ListBucket")]);
      const first = await c().iam.send(new ListRolePoliciesCommand({ RoleName: role, MaxItems: 1 }));
      assert.deepEqual([first.PolicyNames, first.IsTruncated], [["inline-a"], true]);
      const second = await c().iam.send(new ListRolePoliciesCommand({ RoleName: role, MaxItems: 1, Marker: first.Marker }));
      assert.deepEqual([second.PolicyNames, second.IsTruncated, second.Marker], [["inline-b"], false, undefined]);
      await assert.rejects(
        c().iam.send(new DeleteRoleCommand({ RoleName: role })),
        awsError("DeleteConflictException", 409, /^Cannot delete entity, must delete policies first\.$/),
      );
      await assert.rejects(
        c().iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: "nope" })),
        awsError("NoSuchEntityException", 404, /^The role policy with name nope cannot be found\.$/),
      );
      for (const n of ["inline-a", "inline-b"]) await c().iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: n }));
      await c().iam.send(new DeleteRoleCommand({ RoleName: role }));
      await assert.rejects(c().iam.send(new GetRoleCommand({ RoleName: role })), awsError("NoSuchEntityException", 404));
    });

    it(`IAM ListRoles / ListPolicies page with MaxItems, Marker and IsTruncated (IAM API pagination) [HTTP/${http}]`, async () => {
      const names = ["pg-a", "pg-b", "pg-c"].map((n) => `${n}-${http.replace(".", "")}`);
      for (const n of names) await c().iam.send(new CreateRoleCommand({ RoleName: n, Path: `/pg${http.replace(".", "")}/`, AssumeRolePolicyDocument: TRUST }));
      const prefix = `/pg${http.replace(".", "")}/`;
      const first = await c().iam.send(new ListRolesCommand({ PathPrefix: prefix, MaxItems: 2 }));
      assert.equal(first.IsTruncated, true);
      assert.ok(first.Marker);
      assert.equal(first.Roles![0]!.Tags, undefined, "ListRoles leaves Tags out");
      const second = await c().iam.send(new ListRolesCommand({ PathPrefix: prefix, MaxItems: 2, Marker: first.Marker }));
      assert.deepEqual(
        [...first.Roles!, ...second.Roles!].map((r) => r.RoleName),
        names,
      );
      assert.equal(second.IsTruncated, false);
      await assert.rejects(c().iam.send(new ListRolesCommand({ MaxItems: 0 })), awsError("ValidationError", 400, /'maxItems'/));
      await assert.rejects(c().iam.send(new ListRolesCommand({ Marker: "garbage" })), awsError("ValidationError", 400));
      for (const n of names) await c().iam.send(new CreatePolicyCommand({ PolicyName: n, Path: prefix, PolicyDocument: PERMS() }));
      const local = await c().iam.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: prefix, MaxItems: 2 }));
      assert.deepEqual([local.Policies!.map((p) => p.PolicyName), local.IsTruncated], [names.slice(0, 2), true]);
      const rest = await c().iam.send(new ListPoliciesCommand({ Scope: "Local", PathPrefix: prefix, MaxItems: 2, Marker: local.Marker }));
      assert.deepEqual([rest.Policies!.map((p) => p.PolicyName), rest.IsTruncated], [names.slice(2), false]);
      assert.deepEqual((await c().iam.send(new ListPoliciesCommand({ Scope: "AWS" }))).Policies, []);
    });

    it(`STS AssumeRole answers local credentials; GetCallerIdentity with them is the assumed role (STS API AssumeRole) [HTTP/${http}]`, async () => {
      const name = `assume-${http.replace(".", "")}`;
      const r = (await c().iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))).Role!;
      const a = await c().sts.send(new AssumeRoleCommand({ RoleArn: r.Arn, RoleSessionName: "deploy" }));
      assert.equal(a.AssumedRoleUser!.Arn, `arn:aws:sts::000000000000:assumed-role/${name}/deploy`);
      assert.equal(a.AssumedRoleUser!.AssumedRoleId, `${r.RoleId}:deploy`);
      assert.ok(Math.abs(a.Credentials!.Expiration!.getTime() - (Date.now() + 3600_000)) < 5000, "DurationSeconds defaults to 1 h");
      const assumed = new STSClient({
        region: "us-east-1",
        endpoint: `http://localhost:${stack.httpPort}`,
        maxAttempts: 1,
        credentials: { accessKeyId: a.Credentials!.AccessKeyId!, secretAccessKey: a.Credentials!.SecretAccessKey!, sessionToken: a.Credentials!.SessionToken! },
      });
      try {
        const me = await assumed.send(new GetCallerIdentityCommand({}));
        assert.deepEqual([me.Arn, me.UserId, me.Account], [a.AssumedRoleUser!.Arn, a.AssumedRoleUser!.AssumedRoleId, "000000000000"]);
      } finally {
        assumed.destroy();
      }
      const session = await c().sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      assert.equal(session.Credentials!.AccessKeyId, "test");
      assert.ok(session.Credentials!.SessionToken);
    });

    it(`STS AssumeRole / GetSessionToken inputs are checked → ValidationError (STS API constraints) [HTTP/${http}]`, async () => {
      await assert.rejects(
        c().sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/x", RoleSessionName: "bad session" })),
        awsError("ValidationError", 400, /'roleSessionName'/),
      );
      await assert.rejects(
        c().sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/x", RoleSessionName: "ok", DurationSeconds: 60 })),
        awsError("ValidationError", 400, /'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/),
      );
      await assert.rejects(c().sts.send(new GetSessionTokenCommand({ DurationSeconds: 200000 })), awsError("ValidationError", 400));
    });

    it(`an STS or IAM action edgeparity does not serve → 501 NotImplemented naming it, in the service's Query format (issue 11) [HTTP/${http}]`, async () => {
      await assert.rejects(c().sts.send(new GetFederationTokenCommand({ Name: "fed" })), awsError("NotImplemented", 501, /STS operation GetFederationToken/));
      await assert.rejects(c().iam.send(new CreateUserCommand({ UserName: "u" })), awsError("NotImplemented", 501, /IAM operation CreateUser/));
    });

    it(`an action neither API has → 400 InvalidAction in the service's namespace (AWS Query common errors) [HTTP/${http}]`, async () => {
      for (const [service, xmlns, version] of [
        ["iam", "https://iam.amazonaws.com/doc/2010-05-08/", "2010-05-08"],
        ["sts", "https://sts.amazonaws.com/doc/2011-06-15/", "2011-06-15"],
      ] as const) {
        const body = `Action=MakeCoffee&Version=${version}`;
        const req = await signForExecuteApi(
          stack,
          http,
          "localhost",
          "/",
          { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
          { service },
        );
        const r = await send(stack, http, "localhost", "/", req);
        assert.equal(r.status, 400);
        const text = r.body.toString();
        assert.match(text, new RegExp(`^<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>InvalidAction</Code>`));
        assert.match(text, new RegExp(`Could not find operation MakeCoffee for version ${version}`));
      }
    });
  }

  it("IAM records survive a restart on the same state dir (issue 11 §State)", async () => {
    const c = clients[0]!;
    const r = (await c.iam.send(new CreateRoleCommand({ RoleName: "kept", AssumeRolePolicyDocument: TRUST }))).Role!;
    await c.iam.send(new PutRolePolicyCommand({ RoleName: "kept", PolicyName: "inline", PolicyDocument: PERMS() }));
    destroy();
    await stack.close();
    stack = await startEdgeparity({ config: {}, stateDir: join(dir, "state") });
    ({ clients, destroy } = iamStsClients(stack));
    const again = (await clients[1]!.iam.send(new GetRoleCommand({ RoleName: "kept" }))).Role!;
    assert.deepEqual([again.RoleId, again.Arn], [r.RoleId, r.Arn]);
    assert.deepEqual((await clients[1]!.iam.send(new ListRolePoliciesCommand({ RoleName: "kept" }))).PolicyNames, ["inline"]);
  });
});

describe("aws-api: STS session tokens expire (STS API GetCallerIdentity errors)", () => {
  it("GetCallerIdentity signed with an expired session token → 400 ExpiredToken", async () => {
    const clock = new ManualClock(Date.now());
    const stack = await startEdgeparity({ config: {}, clock });
    const { clients, destroy } = iamStsClients(stack);
    let late: STSClient | undefined;
    try {
      const creds = (await clients[0]!.sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
      clock.advance(901_000);
      // The client signs at the stack's (advanced) time, so only the token is stale.
      late = new STSClient({
        region: "us-east-1",
        endpoint: `http://localhost:${stack.httpPort}`,
        maxAttempts: 1,
        systemClockOffset: 901_000,
        credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! },
      });
      await assert.rejects(
        late.send(new GetCallerIdentityCommand({})),
        awsError("ExpiredToken", 400, /^The security token included in the request is expired$/),
      );
    } finally {
      late?.destroy();
      destroy();
      await stack.close();
    }
  });
});
