import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateCachePolicyCommand,
  CreateDistributionCommand,
  CreateDistributionWithTagsCommand,
  CreateInvalidationCommand,
  CreateKeyGroupCommand,
  CreateOriginAccessControlCommand,
  CreateOriginRequestPolicyCommand,
  CreatePublicKeyCommand,
  DeleteCachePolicyCommand,
  DeleteDistributionCommand,
  DeleteKeyGroupCommand,
  DeleteOriginAccessControlCommand,
  DeletePublicKeyCommand,
  GetCachePolicyCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  GetKeyGroupCommand,
  GetOriginAccessControlCommand,
  GetOriginRequestPolicyCommand,
  DeleteOriginRequestPolicyCommand,
  ListCachePoliciesCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  ListKeyGroupsCommand,
  ListOriginAccessControlsCommand,
  ListOriginRequestPoliciesCommand,
  ListPublicKeysCommand,
  ListStreamingDistributionsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateCachePolicyCommand,
  UpdateDistributionCommand,
  UpdateOriginAccessControlCommand,
  type CachePolicyConfig,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { cloudFrontClients, type CloudFrontClients } from "../../support/cloudfront-client.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { sdkFailure as failure } from "../../support/sdk-failure.js";

/**
 * Issue 11 §CloudFront API through the AWS SDK v3, on HTTP/1.1 (`http://localhost`) and HTTP/2
 * (`https://localhost`, ALPN h2): every operation, its AWS error code and status, the rule between
 * the stack file and the API, and persistence across a restart (docs/fidelity.md "CloudFront API").
 */
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const PUBLIC_READ = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }],
};

function config(ref: string, extra: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "",
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: "s3", DomainName: "site.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" } }] },
    DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED },
    ...extra,
  };
}

const policy = (name: string, min = 1): CachePolicyConfig => ({
  Name: name,
  MinTTL: min,
  DefaultTTL: 86400,
  MaxTTL: 31536000,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: true,
    HeadersConfig: { HeaderBehavior: "none" },
    CookiesConfig: { CookieBehavior: "none" },
    QueryStringsConfig: { QueryStringBehavior: "none" },
  },
});

describe("CloudFront API: distributions, policies, invalidations, tags through the AWS SDK v3 (issue 11 §CloudFront API)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let clients: CloudFrontClients;
  let origin: OriginServer;
  let fileStack: StackInput;
  const versions = () =>
    [
      ["HTTP/1.1", clients.h1],
      ["HTTP/2", clients.h2],
    ] as [string, CloudFrontClient][];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cfapi-"));
    await mkdir(join(dir, "site"));
    await writeFile(join(dir, "site", "index.html"), "<h1>hello</h1>");
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "cache-control": "max-age=60" });
      res.end(`api:${req.url}`);
    });
    fileStack = {
      distributions: { fileweb: config("file-ref") },
      // The classic walk-through's S3 origin has no OAC: the bucket is public-read, as it must be on AWS.
      buckets: { site: { Policy: PUBLIC_READ } },
      local: { buckets: { site: { folder: join(dir, "site") } }, origins: { "api.example.com": origin.url } },
    } as StackInput;
    stack = await startEdgeparity({ config: fileStack, stateDir: join(dir, "state") });
    clients = cloudFrontClients(stack);
  });
  after(async () => {
    clients?.destroy();
    await stack?.close();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("CreateDistribution: 201, Location, ETag, InProgress, a d….cloudfront.localhost DomainName served at once; GetDistribution says Deployed", async () => {
    for (const [label, cf] of versions()) {
      const r = await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`create-${label}`) }));
      const d = r.Distribution!;
      assert.equal(r.$metadata.httpStatusCode, 201, label);
      assert.match(d.Id!, /^E[A-Z0-9]{13}$/);
      assert.equal(d.Status, "InProgress");
      assert.equal(d.DomainName, `d${d.Id!.slice(1).toLowerCase()}.cloudfront.localhost`);
      assert.equal(d.ARN, `arn:aws:cloudfront::000000000000:distribution/${d.Id}`);
      assert.match(r.Location!, new RegExp(`/2020-05-31/distribution/${d.Id}$`));
      assert.match(r.ETag!, /^E[A-Z0-9]{13}$/);
      assert.equal(d.DistributionConfig!.Origins!.Quantity, 1);
      const res = await stack.fetch(`http://${d.DomainName}:${stack.httpPort}/index.html`);
      assert.equal(res.status, 200, label);
      assert.equal(await res.text(), "<h1>hello</h1>");
      const g = await cf.send(new GetDistributionCommand({ Id: d.Id }));
      assert.equal(g.Distribution!.Status, "Deployed");
      assert.equal(g.ETag, r.ETag);
      const c = await cf.send(new GetDistributionConfigCommand({ Id: d.Id }));
      assert.equal(c.DistributionConfig!.CallerReference, `create-${label}`);
      assert.equal(c.ETag, r.ETag);
    }
  });

  it("CreateDistribution: empty reference ids (OriginRequestPolicyId, ResponseHeadersPolicyId, FieldLevelEncryptionId, OriginAccessControlId) mean none, as Terraform's provider sends them (issue 11)", async () => {
    for (const [label, cf] of versions()) {
      const base = config(`empty-ids-${label}`);
      const r = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: {
            ...base,
            Origins: { Quantity: 1, Items: [{ ...base.Origins!.Items![0]!, OriginAccessControlId: "" }] },
            DefaultCacheBehavior: { ...base.DefaultCacheBehavior!, OriginRequestPolicyId: "", ResponseHeadersPolicyId: "", FieldLevelEncryptionId: "" },
          },
        }),
      );
      assert.equal(r.$metadata.httpStatusCode, 201, label);
      const res = await stack.fetch(`http://${r.Distribution!.DomainName!}:${stack.httpPort}/index.html`);
      assert.equal(res.status, 200, label);
    }
  });

  it("CreateDistribution: Aliases are served at once; an alias another distribution has is CNAMEAlreadyExists (409)", async () => {
    for (const [label, cf] of versions()) {
      const alias = `www-${label === "HTTP/2" ? "h2" : "h1"}.example.com`;
      await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`alias-${label}`, { Aliases: { Quantity: 1, Items: [alias] } }) }));
      const res = await stack.fetch(`http://${alias}:${stack.httpPort}/index.html`);
      assert.equal(res.status, 200, label);
      assert.equal(await res.text(), "<h1>hello</h1>");
      const e = await failure(
        cf.send(new CreateDistributionCommand({ DistributionConfig: config(`alias2-${label}`, { Aliases: { Quantity: 1, Items: [alias] } }) })),
      );
      assert.equal(e.name, "CNAMEAlreadyExists");
      assert.equal(e.status, 409);
    }
  });

  it("CreateDistribution: a CallerReference used before is DistributionAlreadyExists (409)", async () => {
    await clients.h1.send(new CreateDistributionCommand({ DistributionConfig: config("dup") }));
    for (const [label, cf] of versions()) {
      const e = await failure(cf.send(new CreateDistributionCommand({ DistributionConfig: config("dup", { Comment: "other" }) })));
      assert.equal(e.name, "DistributionAlreadyExists", label);
      assert.equal(e.status, 409);
    }
  });

  it("CreateDistribution: the stack checks answer with AWS's codes — NoSuchOrigin, NoSuchCachePolicy, TooManyCacheBehaviors, InconsistentQuantities, InvalidArgument (field named)", async () => {
    for (const [label, cf] of versions()) {
      const behavior = { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all" as const, CachePolicyId: CACHING_OPTIMIZED };
      let e = await failure(
        cf.send(
          new CreateDistributionCommand({ DistributionConfig: config(`v1-${label}`, { DefaultCacheBehavior: { ...behavior, TargetOriginId: "nope" } }) }),
        ),
      );
      assert.equal(e.name, "NoSuchOrigin", label);
      assert.equal(e.status, 404);
      assert.match(e.message, /DefaultCacheBehavior\.TargetOriginId/);
      e = await failure(
        cf.send(
          new CreateDistributionCommand({
            DistributionConfig: config(`v2-${label}`, { DefaultCacheBehavior: { ...behavior, CachePolicyId: "00000000-0000-0000-0000-000000000000" } }),
          }),
        ),
      );
      assert.equal(e.name, "NoSuchCachePolicy");
      assert.equal(e.status, 404);
      const many = Array.from({ length: 76 }, (_, i) => ({ ...behavior, PathPattern: `/p${i}/*` }));
      e = await failure(
        cf.send(new CreateDistributionCommand({ DistributionConfig: config(`v3-${label}`, { CacheBehaviors: { Quantity: 76, Items: many } }) })),
      );
      assert.equal(e.name, "TooManyCacheBehaviors");
      assert.equal(e.status, 400);
      e = await failure(
        cf.send(new CreateDistributionCommand({ DistributionConfig: config(`v4-${label}`, { Aliases: { Quantity: 2, Items: ["a.example.com"] } }) })),
      );
      assert.equal(e.name, "InconsistentQuantities");
      e = await failure(
        cf.send(
          new CreateDistributionCommand({
            DistributionConfig: config(`v5-${label}`, {
              CacheBehaviors: {
                Quantity: 2,
                Items: [
                  { ...behavior, PathPattern: "/a/*" },
                  { ...behavior, PathPattern: "a/*" },
                ],
              },
            }),
          }),
        ),
      );
      assert.equal(e.name, "InvalidArgument");
      assert.match(e.message, /CacheBehaviors\.Items\[1\]\.PathPattern/);
      // Divergence from AWS (docs/fidelity.md): a custom origin must be bound to something local.
      const unbound = {
        Id: "far",
        DomainName: "nowhere.example.com",
        CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" as const },
      };
      e = await failure(
        cf.send(
          new CreateDistributionCommand({
            DistributionConfig: config(`v6-${label}`, {
              Origins: { Quantity: 1, Items: [unbound] },
              DefaultCacheBehavior: { ...behavior, TargetOriginId: "far" },
            }),
          }),
        ),
      );
      assert.equal(e.name, "InvalidArgument");
      assert.match(e.message, /nowhere\.example\.com.*not bound to anything local/s);
    }
    const listed = await clients.h1.send(new ListDistributionsCommand({}));
    assert.ok(!listed.DistributionList!.Items!.some((d) => d.Comment === "v1"), "a refused create leaves nothing behind");
  });

  it("UpdateDistribution: If-Match missing → InvalidIfMatchVersion, stale → PreconditionFailed, CallerReference changed → IllegalUpdate; a new behaviour is served at once", async () => {
    for (const [label, cf] of versions()) {
      const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`upd-${label}`) }));
      const id = created.Distribution!.Id!;
      const withApi = config(`upd-${label}`, {
        Origins: {
          Quantity: 2,
          Items: [
            ...config("x").Origins!.Items!,
            { Id: "api", DomainName: "api.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } },
          ],
        },
        CacheBehaviors: {
          Quantity: 1,
          Items: [{ PathPattern: "/api/*", TargetOriginId: "api", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_OPTIMIZED }],
        },
      });
      let e = await failure(cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: withApi, IfMatch: undefined })));
      assert.equal(e.name, "InvalidIfMatchVersion", label);
      assert.equal(e.status, 400);
      e = await failure(cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: withApi, IfMatch: "E000000000000X" })));
      assert.equal(e.name, "PreconditionFailed");
      assert.equal(e.status, 412);
      e = await failure(
        cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: { ...withApi, CallerReference: "changed" }, IfMatch: created.ETag })),
      );
      assert.equal(e.name, "IllegalUpdate");
      const updated = await cf.send(new UpdateDistributionCommand({ Id: id, DistributionConfig: withApi, IfMatch: created.ETag }));
      assert.equal(updated.Distribution!.Status, "InProgress");
      assert.notEqual(updated.ETag, created.ETag);
      assert.equal(updated.Distribution!.DistributionConfig!.CacheBehaviors!.Quantity, 1);
      const res = await stack.fetch(`http://${updated.Distribution!.DomainName}:${stack.httpPort}/api/ping`);
      assert.equal(await res.text(), "api:/api/ping", label);
    }
  });

  it("DeleteDistribution: enabled → DistributionNotDisabled (409); disabled + If-Match → 204, then NoSuchDistribution (404) and no longer served", async () => {
    for (const [label, cf] of versions()) {
      const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`del-${label}`) }));
      const id = created.Distribution!.Id!;
      let e = await failure(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })));
      assert.equal(e.name, "DistributionNotDisabled", label);
      assert.equal(e.status, 409);
      const off = await cf.send(
        new UpdateDistributionCommand({ Id: id, IfMatch: created.ETag, DistributionConfig: config(`del-${label}`, { Enabled: false }) }),
      );
      e = await failure(cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: created.ETag })));
      assert.equal(e.name, "PreconditionFailed");
      const deleted = await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: off.ETag }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      e = await failure(cf.send(new GetDistributionCommand({ Id: id })));
      assert.equal(e.name, "NoSuchDistribution");
      assert.equal(e.status, 404);
      const res = await stack.fetch(`http://${created.Distribution!.DomainName}:${stack.httpPort}/index.html`);
      assert.notEqual(res.status, 200);
    }
  });

  it("CreateDistributionWithTags, TagResource, UntagResource, ListTagsForResource; an unknown ARN is NoSuchResource", async () => {
    for (const [label, cf] of versions()) {
      const r = await cf.send(
        new CreateDistributionWithTagsCommand({
          DistributionConfigWithTags: { DistributionConfig: config(`tags-${label}`), Tags: { Items: [{ Key: "team", Value: "web" }] } },
        }),
      );
      const arn = r.Distribution!.ARN!;
      await cf.send(new TagResourceCommand({ Resource: arn, Tags: { Items: [{ Key: "env", Value: "dev" }] } }));
      await cf.send(new UntagResourceCommand({ Resource: arn, TagKeys: { Items: ["team"] } }));
      const tags = await cf.send(new ListTagsForResourceCommand({ Resource: arn }));
      assert.deepEqual(tags.Tags!.Items, [{ Key: "env", Value: "dev" }], label);
      const e = await failure(cf.send(new ListTagsForResourceCommand({ Resource: "arn:aws:cloudfront::000000000000:distribution/ENOPE000000000" })));
      assert.equal(e.name, "NoSuchResource");
    }
  });

  it("Invalidations: Create → 201 InProgress with Location, then a Miss; Get → Completed; List; unknown → NoSuchInvalidation", async () => {
    for (const [label, cf] of versions()) {
      const created = await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`inv-${label}`) }));
      const { Id: id, DomainName: domain } = created.Distribution!;
      const url = `http://${domain}:${stack.httpPort}/index.html`;
      await (await stack.fetch(url)).arrayBuffer();
      assert.equal((await stack.fetch(url)).headers.get("x-cache"), "Hit from cloudfront", label);
      const inv = await cf.send(
        new CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: "i1", Paths: { Quantity: 1, Items: ["/*"] } } }),
      );
      assert.equal(inv.$metadata.httpStatusCode, 201);
      assert.equal(inv.Invalidation!.Status, "InProgress");
      assert.match(inv.Location!, new RegExp(`/distribution/${id}/invalidation/${inv.Invalidation!.Id}$`));
      assert.equal((await stack.fetch(url)).headers.get("x-cache"), "Miss from cloudfront");
      const got = await cf.send(new GetInvalidationCommand({ DistributionId: id, Id: inv.Invalidation!.Id }));
      assert.equal(got.Invalidation!.Status, "Completed");
      assert.deepEqual(got.Invalidation!.InvalidationBatch!.Paths!.Items, ["/*"]);
      const list = await cf.send(new ListInvalidationsCommand({ DistributionId: id }));
      assert.deepEqual(
        list.InvalidationList!.Items!.map((i) => i.Id),
        [inv.Invalidation!.Id],
      );
      const e = await failure(cf.send(new GetInvalidationCommand({ DistributionId: id, Id: "INOPE" })));
      assert.equal(e.name, "NoSuchInvalidation");
      assert.equal(e.status, 404);
    }
  });

  it("Cache policies: CRUD with ETags, List Type=managed lists AWS's managed ones, in use → CachePolicyInUse, managed → IllegalDelete, unknown → NoSuchCachePolicy", async () => {
    for (const [label, cf] of versions()) {
      const created = await cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: policy(`p-${label}`) }));
      const id = created.CachePolicy!.Id!;
      assert.match(id, /^[0-9a-f-]{36}$/);
      let e = await failure(cf.send(new CreateCachePolicyCommand({ CachePolicyConfig: policy(`p-${label}`) })));
      assert.equal(e.name, "CachePolicyAlreadyExists", label);
      assert.equal(e.status, 409);
      const updated = await cf.send(new UpdateCachePolicyCommand({ Id: id, IfMatch: created.ETag, CachePolicyConfig: policy(`p-${label}`, 5) }));
      assert.equal(updated.CachePolicy!.CachePolicyConfig!.MinTTL, 5);
      const managed = await cf.send(new ListCachePoliciesCommand({ Type: "managed" }));
      assert.ok(managed.CachePolicyList!.Items!.every((i) => i.Type === "managed"));
      assert.ok(
        managed.CachePolicyList!.Items!.some(
          (i) => i.CachePolicy!.Id === CACHING_OPTIMIZED && i.CachePolicy!.CachePolicyConfig!.Name === "Managed-CachingOptimized",
        ),
      );
      const custom = await cf.send(new ListCachePoliciesCommand({ Type: "custom" }));
      assert.ok(custom.CachePolicyList!.Items!.some((i) => i.CachePolicy!.Id === id && i.Type === "custom"));
      const d = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: config(`cp-${label}`, { DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: id } }),
        }),
      );
      assert.equal(d.Distribution!.DistributionConfig!.DefaultCacheBehavior!.CachePolicyId, id);
      e = await failure(cf.send(new DeleteCachePolicyCommand({ Id: id, IfMatch: updated.ETag })));
      assert.equal(e.name, "CachePolicyInUse");
      assert.equal(e.status, 409);
      e = await failure(cf.send(new DeleteCachePolicyCommand({ Id: CACHING_OPTIMIZED, IfMatch: "x" })));
      assert.equal(e.name, "PreconditionFailed");
      const m = await cf.send(new GetCachePolicyCommand({ Id: CACHING_OPTIMIZED }));
      e = await failure(cf.send(new DeleteCachePolicyCommand({ Id: CACHING_OPTIMIZED, IfMatch: m.ETag })));
      assert.equal(e.name, "IllegalDelete");
      e = await failure(cf.send(new GetCachePolicyCommand({ Id: "00000000-0000-0000-0000-000000000000" })));
      assert.equal(e.name, "NoSuchCachePolicy");
      assert.equal(e.status, 404);
    }
  });

  it("Origin request policies, origin access controls, public keys and key groups: create, get, list, delete; in use refused", async () => {
    for (const [label, cf] of versions()) {
      await cf.send(
        new CreateOriginRequestPolicyCommand({
          OriginRequestPolicyConfig: {
            Name: `orp-${label}`,
            HeadersConfig: { HeaderBehavior: "none" },
            CookiesConfig: { CookieBehavior: "none" },
            QueryStringsConfig: { QueryStringBehavior: "all" },
          },
        }),
      );
      const orps = await cf.send(new ListOriginRequestPoliciesCommand({}));
      assert.ok(
        orps.OriginRequestPolicyList!.Items!.some((i) => i.Type === "custom" && i.OriginRequestPolicy!.OriginRequestPolicyConfig!.Name === `orp-${label}`),
        label,
      );
      assert.ok(orps.OriginRequestPolicyList!.Items!.some((i) => i.Type === "managed"));

      const oac = await cf.send(
        new CreateOriginAccessControlCommand({
          OriginAccessControlConfig: { Name: `oac-${label}`, SigningProtocol: "sigv4", SigningBehavior: "always", OriginAccessControlOriginType: "s3" },
        }),
      );
      const oacId = oac.OriginAccessControl!.Id!;
      const got = await cf.send(new GetOriginAccessControlCommand({ Id: oacId }));
      assert.equal(got.OriginAccessControl!.OriginAccessControlConfig!.Name, `oac-${label}`);
      const oac2 = await cf.send(
        new UpdateOriginAccessControlCommand({
          Id: oacId,
          IfMatch: got.ETag,
          OriginAccessControlConfig: {
            Name: `oac-${label}`,
            Description: "d",
            SigningProtocol: "sigv4",
            SigningBehavior: "always",
            OriginAccessControlOriginType: "s3",
          },
        }),
      );
      const listed = await cf.send(new ListOriginAccessControlsCommand({}));
      assert.ok(listed.OriginAccessControlList!.Items!.some((i) => i.Id === oacId && i.Description === "d"));
      const s3Origin = { Id: "s3", DomainName: "site.s3.amazonaws.com", S3OriginConfig: { OriginAccessIdentity: "" }, OriginAccessControlId: oacId };
      await cf.send(new CreateDistributionCommand({ DistributionConfig: config(`oac-d-${label}`, { Origins: { Quantity: 1, Items: [s3Origin] } }) }));
      let e = await failure(cf.send(new DeleteOriginAccessControlCommand({ Id: oacId, IfMatch: oac2.ETag })));
      assert.equal(e.name, "OriginAccessControlInUse");

      const key = await cf.send(
        new CreatePublicKeyCommand({
          PublicKeyConfig: { CallerReference: `k-${label}`, Name: `key-${label}`, EncodedKey: "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----" },
        }),
      );
      const keyId = key.PublicKey!.Id!;
      const group = await cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: `kg-${label}`, Items: [keyId] } }));
      const kg = await cf.send(new GetKeyGroupCommand({ Id: group.KeyGroup!.Id }));
      assert.deepEqual(kg.KeyGroup!.KeyGroupConfig!.Items, [keyId]);
      assert.ok((await cf.send(new ListPublicKeysCommand({}))).PublicKeyList!.Items!.some((k) => k.Id === keyId));
      assert.ok((await cf.send(new ListKeyGroupsCommand({}))).KeyGroupList!.Items!.some((g) => g.KeyGroup!.Id === group.KeyGroup!.Id));
      e = await failure(cf.send(new DeletePublicKeyCommand({ Id: keyId, IfMatch: key.ETag })));
      assert.equal(e.name, "PublicKeyInUse");
      await cf.send(new DeleteKeyGroupCommand({ Id: group.KeyGroup!.Id, IfMatch: kg.ETag }));
      await cf.send(new DeletePublicKeyCommand({ Id: keyId, IfMatch: key.ETag }));
      e = await failure(cf.send(new CreateKeyGroupCommand({ KeyGroupConfig: { Name: `kg2-${label}`, Items: [keyId] } })));
      assert.equal(e.name, "NoSuchPublicKey");
    }
  });

  it("Origin request policies and origin access controls: unknown Id → NoSuchOriginRequestPolicy / NoSuchOriginAccessControl (404), a name used twice → …AlreadyExists (409), a stale If-Match → PreconditionFailed (412)", async () => {
    for (const [label, cf] of versions()) {
      let e = await failure(cf.send(new GetOriginRequestPolicyCommand({ Id: "00000000-0000-0000-0000-000000000000" })));
      assert.deepEqual([e.name, e.status], ["NoSuchOriginRequestPolicy", 404], label);
      e = await failure(cf.send(new DeleteOriginRequestPolicyCommand({ Id: "00000000-0000-0000-0000-000000000000", IfMatch: "E1" })));
      assert.deepEqual([e.name, e.status], ["NoSuchOriginRequestPolicy", 404], label);
      e = await failure(cf.send(new GetOriginAccessControlCommand({ Id: "E0000000000000" })));
      assert.deepEqual([e.name, e.status], ["NoSuchOriginAccessControl", 404], label);
      e = await failure(cf.send(new DeleteOriginAccessControlCommand({ Id: "E0000000000000", IfMatch: "E1" })));
      assert.deepEqual([e.name, e.status], ["NoSuchOriginAccessControl", 404], label);

      const orpConfig = {
        Name: `orp-dup-${label.replace("/", "")}`,
        HeadersConfig: { HeaderBehavior: "none" as const },
        CookiesConfig: { CookieBehavior: "none" as const },
        QueryStringsConfig: { QueryStringBehavior: "none" as const },
      };
      const orp = await cf.send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: orpConfig }));
      e = await failure(cf.send(new CreateOriginRequestPolicyCommand({ OriginRequestPolicyConfig: orpConfig })));
      assert.deepEqual([e.name, e.status], ["OriginRequestPolicyAlreadyExists", 409], label);
      e = await failure(cf.send(new DeleteOriginRequestPolicyCommand({ Id: orp.OriginRequestPolicy!.Id, IfMatch: "ESTALE" })));
      assert.deepEqual([e.name, e.status], ["PreconditionFailed", 412], label);
      await cf.send(new DeleteOriginRequestPolicyCommand({ Id: orp.OriginRequestPolicy!.Id, IfMatch: orp.ETag }));
      e = await failure(cf.send(new GetOriginRequestPolicyCommand({ Id: orp.OriginRequestPolicy!.Id })));
      assert.equal(e.name, "NoSuchOriginRequestPolicy", label);

      const oacConfig = {
        Name: `oac-dup-${label.replace("/", "")}`,
        SigningProtocol: "sigv4" as const,
        SigningBehavior: "always" as const,
        OriginAccessControlOriginType: "s3" as const,
      };
      const oac = await cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig }));
      e = await failure(cf.send(new CreateOriginAccessControlCommand({ OriginAccessControlConfig: oacConfig })));
      assert.deepEqual([e.name, e.status], ["OriginAccessControlAlreadyExists", 409], label);
      await cf.send(new DeleteOriginAccessControlCommand({ Id: oac.OriginAccessControl!.Id, IfMatch: oac.ETag }));
    }
  });

  it("the stack file's distribution is listed and readable, but read-only through the API (AccessDenied)", async () => {
    const fileId = stack.distributions.fileweb!.id;
    for (const [label, cf] of versions()) {
      const list = await cf.send(new ListDistributionsCommand({}));
      assert.ok(
        list.DistributionList!.Items!.some((d) => d.Id === fileId),
        label,
      );
      const c = await cf.send(new GetDistributionConfigCommand({ Id: fileId }));
      const e = await failure(
        cf.send(new UpdateDistributionCommand({ Id: fileId, IfMatch: c.ETag, DistributionConfig: { ...c.DistributionConfig!, Comment: "x" } })),
      );
      assert.equal(e.name, "AccessDenied");
      assert.equal(e.status, 403);
      assert.match(e.message, /defined in the stack file/);
    }
  });

  it("stack file vs API (README rule): a file edit re-applies the file and keeps the API's resources; a file edit clashing with an API resource is refused", async () => {
    const created = await clients.h1.send(new CreateCachePolicyCommand({ CachePolicyConfig: policy("rule") }));
    const d = await clients.h1.send(new CreateDistributionCommand({ DistributionConfig: config("rule-d") }));
    await stack.update({ ...fileStack, distributions: { fileweb: config("file-ref", { Comment: "edited" }) } } as StackInput);
    assert.equal((await clients.h1.send(new GetDistributionCommand({ Id: d.Distribution!.Id }))).Distribution!.Status, "Deployed");
    assert.equal((await stack.fetch(`http://${d.Distribution!.DomainName}:${stack.httpPort}/index.html`)).status, 200);
    const revision = stack.revision;
    await assert.rejects(
      stack.update({ ...fileStack, cachePolicies: { [created.CachePolicy!.Id!]: policy("clash", 7) } } as StackInput),
      /defined differently in two sources: .*the resources created through the AWS API/,
    );
    assert.equal(stack.revision, revision, "the refused file edit changed nothing");
    await stack.update(fileStack);
  });

  it("a bad signature is SignatureDoesNotMatch (403); an unknown access key InvalidClientTokenId (403)", async () => {
    const wrongSecret = cloudFrontClients(stack, "not-the-secret");
    const wrongKey = cloudFrontClients(stack, "test", "AKIDUNKNOWN");
    try {
      for (const cf of [wrongSecret.h1, wrongSecret.h2]) {
        const e = await failure(cf.send(new ListDistributionsCommand({})));
        assert.equal(e.name, "SignatureDoesNotMatch");
        assert.equal(e.status, 403);
      }
      for (const cf of [wrongKey.h1, wrongKey.h2]) {
        const e = await failure(cf.send(new ListDistributionsCommand({})));
        assert.equal(e.name, "InvalidClientTokenId");
        assert.equal(e.status, 403);
      }
    } finally {
      wrongSecret.destroy();
      wrongKey.destroy();
    }
  });

  it("an operation not implemented (streaming distributions): 501 NotImplemented naming the operation", async () => {
    for (const [label, cf] of versions()) {
      const e = await failure(cf.send(new ListStreamingDistributionsCommand({})));
      assert.equal(e.name, "NotImplemented", label);
      assert.equal(e.status, 501);
      assert.match(e.message, /ListStreamingDistributions/);
    }
  });

  it("persistence: API resources survive a restart on the same state dir — same Id, ETag, tags, served", async () => {
    const made = await clients.h1.send(
      new CreateDistributionWithTagsCommand({
        DistributionConfigWithTags: { DistributionConfig: config("persist"), Tags: { Items: [{ Key: "k", Value: "v" }] } },
      }),
    );
    clients.destroy();
    await stack.close();
    stack = await startEdgeparity({ config: fileStack, stateDir: join(dir, "state") });
    clients = cloudFrontClients(stack);
    for (const [label, cf] of versions()) {
      const g = await cf.send(new GetDistributionCommand({ Id: made.Distribution!.Id }));
      assert.equal(g.ETag, made.ETag, label);
      assert.equal(g.Distribution!.DomainName, made.Distribution!.DomainName);
      const tags = await cf.send(new ListTagsForResourceCommand({ Resource: made.Distribution!.ARN }));
      assert.deepEqual(tags.Tags!.Items, [{ Key: "k", Value: "v" }]);
    }
    assert.equal((await stack.fetch(`http://${made.Distribution!.DomainName}:${stack.httpPort}/index.html`)).status, 200);
  });
});
