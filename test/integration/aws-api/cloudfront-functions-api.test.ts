import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  CreateResponseHeadersPolicyCommand,
  DeleteDistributionCommand,
  DeleteFunctionCommand,
  DeleteKeyValueStoreCommand,
  DeleteResponseHeadersPolicyCommand,
  DescribeFunctionCommand,
  DescribeKeyValueStoreCommand,
  GetDistributionConfigCommand,
  GetFunctionCommand,
  GetResponseHeadersPolicyCommand,
  GetResponseHeadersPolicyConfigCommand,
  ListFunctionsCommand,
  ListKeyValueStoresCommand,
  ListResponseHeadersPoliciesCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  UpdateDistributionCommand,
  UpdateFunctionCommand,
  UpdateResponseHeadersPolicyCommand,
  type DistributionConfig,
  type ResponseHeadersPolicyConfig,
} from "@aws-sdk/client-cloudfront";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { cloudFrontClients, type CloudFrontClients } from "../../support/cloudfront-client.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";
import { sdkFailure as failure } from "../../support/sdk-failure.js";

/**
 * Issue 11 §CloudFront API, the parts beside distributions: response headers policies, CloudFront
 * Functions (DEVELOPMENT → LIVE, cloudfront.md §13) and the KeyValueStore control plane
 * (§13.5), through the AWS SDK v3 on HTTP/1.1 and HTTP/2, each error code with its status.
 */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const SIMPLE_CORS = "60669652-455b-4ae9-85a4-c4c02393f86c";
const enc = (s: string) => new TextEncoder().encode(s);

const HELLO = `function handler(event) {
  var r = event.request;
  r.headers['x-fn'] = { value: 'dev1' };
  return r;
}`;
const RESPOND = (tag: string) => `function handler(event) {
  console.log('ran ' + event.request.uri);
  return { statusCode: 200, statusDescription: 'OK', headers: { 'x-fn': { value: '${tag}' } } };
}`;

const rhp = (name: string, value = "1"): ResponseHeadersPolicyConfig => ({
  Name: name,
  Comment: "",
  CustomHeadersConfig: { Quantity: 1, Items: [{ Header: "x-policy", Value: value, Override: true }] },
});

function distConfig(ref: string, extra: Partial<DistributionConfig["DefaultCacheBehavior"]> = {}): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "",
    Enabled: true,
    Origins: {
      Quantity: 1,
      Items: [{ Id: "o", DomainName: "fn-origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "o",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_DISABLED,
      ...extra,
    } as DistributionConfig["DefaultCacheBehavior"],
  };
}

describe("CloudFront API: response headers policies, Functions, KeyValueStores through the AWS SDK v3 (issue 11 §CloudFront API)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let clients: CloudFrontClients;
  let origin: OriginServer;
  const versions = () =>
    [
      ["HTTP/1.1", clients.h1, "h1"],
      ["HTTP/2", clients.h2, "h2"],
    ] as [string, CloudFrontClient, string][];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-cffn-"));
    await writeFile(join(dir, "file-fn.js"), "function handler(event) { return event.request; }\n");
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`origin:${req.url}:${String(req.headers["x-fn"] ?? "")}`);
    });
    const config = {
      functions: { "file-fn": { FunctionConfig: { Runtime: "cloudfront-js-2.0" }, FunctionCode: join(dir, "file-fn.js") } },
      local: { origins: { "fn-origin.example.com": origin.url } },
    } as StackInput;
    stack = await startEdgeparity({ config, stateDir: join(dir, "state") });
    clients = cloudFrontClients(stack);
  });
  after(async () => {
    clients?.destroy();
    await stack?.close();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("response headers policies: Create 201 + ETag, Get/GetConfig, Update with If-Match, served by a behaviour, InUse, Delete (cloudfront.md §6)", async () => {
    for (const [label, cf, tag] of versions()) {
      const c = await cf.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp(`p-${tag}`) }));
      assert.equal(c.$metadata.httpStatusCode, 201, label);
      const id = c.ResponseHeadersPolicy!.Id!;
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.match(c.Location!, new RegExp(`/2020-05-31/response-headers-policy/${id}$`));
      const g = await cf.send(new GetResponseHeadersPolicyCommand({ Id: id }));
      assert.equal(g.ETag, c.ETag);
      assert.equal(g.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig!.CustomHeadersConfig!.Items![0]!.Value, "1");
      const gc = await cf.send(new GetResponseHeadersPolicyConfigCommand({ Id: id }));
      assert.equal(gc.ResponseHeadersPolicyConfig!.Name, `p-${tag}`);
      // If-Match: missing → InvalidIfMatchVersion (400), stale → PreconditionFailed (412).
      const missing = await failure(cf.send(new UpdateResponseHeadersPolicyCommand({ Id: id, ResponseHeadersPolicyConfig: rhp(`p-${tag}`, "2") })));
      assert.deepEqual([missing.name, missing.status], ["InvalidIfMatchVersion", 400]);
      const stale = await failure(
        cf.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: "EXXXXXXXXXXXXX", ResponseHeadersPolicyConfig: rhp(`p-${tag}`, "2") })),
      );
      assert.deepEqual([stale.name, stale.status], ["PreconditionFailed", 412]);
      const u = await cf.send(new UpdateResponseHeadersPolicyCommand({ Id: id, IfMatch: c.ETag, ResponseHeadersPolicyConfig: rhp(`p-${tag}`, "2") }));
      assert.notEqual(u.ETag, c.ETag);
      // Served at once by a distribution naming it.
      const d = await cf.send(new CreateDistributionCommand({ DistributionConfig: distConfig(`rhp-${tag}`, { ResponseHeadersPolicyId: id }) }));
      const res = await send(stack, tag === "h2" ? "2" : "1.1", d.Distribution!.DomainName!, "/x");
      assert.equal(res.headers["x-policy"], "2", label);
      const used = await failure(cf.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: u.ETag })));
      assert.deepEqual([used.name, used.status], ["ResponseHeadersPolicyInUse", 409]);
      // Disable and delete the distribution, then the policy goes.
      const dc = await cf.send(new GetDistributionConfigCommand({ Id: d.Distribution!.Id }));
      const off = await cf.send(
        new UpdateDistributionCommand({ Id: d.Distribution!.Id, IfMatch: dc.ETag, DistributionConfig: { ...dc.DistributionConfig!, Enabled: false } }),
      );
      await cf.send(new DeleteDistributionCommand({ Id: d.Distribution!.Id, IfMatch: off.ETag }));
      await cf.send(new DeleteResponseHeadersPolicyCommand({ Id: id, IfMatch: u.ETag }));
      const gone = await failure(cf.send(new GetResponseHeadersPolicyCommand({ Id: id })));
      assert.deepEqual([gone.name, gone.status], ["NoSuchResponseHeadersPolicy", 404]);
    }
  });

  it("response headers policies: a used name is ResponseHeadersPolicyAlreadyExists (409); List has managed ones with Type=managed; managed cannot be deleted", async () => {
    await clients.h1.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp("dup-name") }));
    for (const [label, cf] of versions()) {
      const e = await failure(cf.send(new CreateResponseHeadersPolicyCommand({ ResponseHeadersPolicyConfig: rhp("dup-name") })));
      assert.deepEqual([e.name, e.status], ["ResponseHeadersPolicyAlreadyExists", 409], label);
      const managed = await cf.send(new ListResponseHeadersPoliciesCommand({ Type: "managed" }));
      const items = managed.ResponseHeadersPolicyList!.Items!;
      assert.ok(items.every((i) => i.Type === "managed"));
      const simple = items.find((i) => i.ResponseHeadersPolicy!.Id === SIMPLE_CORS)!;
      assert.equal(simple.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig!.Name, "Managed-SimpleCORS");
      const custom = await cf.send(new ListResponseHeadersPoliciesCommand({ Type: "custom" }));
      assert.ok(
        custom.ResponseHeadersPolicyList!.Items!.some((i) => i.Type === "custom" && i.ResponseHeadersPolicy!.ResponseHeadersPolicyConfig!.Name === "dup-name"),
      );
      const g = await cf.send(new GetResponseHeadersPolicyCommand({ Id: SIMPLE_CORS }));
      const del = await failure(cf.send(new DeleteResponseHeadersPolicyCommand({ Id: SIMPLE_CORS, IfMatch: g.ETag })));
      assert.deepEqual([del.name, del.status], ["IllegalDelete", 400]);
    }
  });

  it("functions: Create → DEVELOPMENT (UNPUBLISHED, no LIVE stage), Describe/Get the code, Update with If-Match, Publish → LIVE runs at the edge (cloudfront.md §13)", async () => {
    for (const [label, cf, tag] of versions()) {
      const name = `fn-${tag}`;
      const c = await cf.send(
        new CreateFunctionCommand({ Name: name, FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" }, FunctionCode: enc(HELLO) }),
      );
      assert.equal(c.$metadata.httpStatusCode, 201, label);
      assert.equal(c.FunctionSummary!.Status, "UNPUBLISHED");
      assert.equal(c.FunctionSummary!.FunctionMetadata!.Stage, "DEVELOPMENT");
      const arn = c.FunctionSummary!.FunctionMetadata!.FunctionARN!;
      assert.equal(arn, `arn:aws:cloudfront::000000000000:function/${name}`);
      const noLive = await failure(cf.send(new DescribeFunctionCommand({ Name: name, Stage: "LIVE" })));
      assert.deepEqual([noLive.name, noLive.status], ["NoSuchFunctionExists", 404]);
      const got = await cf.send(new GetFunctionCommand({ Name: name, Stage: "DEVELOPMENT" }));
      assert.equal(new TextDecoder().decode(got.FunctionCode), HELLO);
      assert.equal(got.ETag, c.ETag);
      // An unpublished function cannot be associated: only LIVE is what behaviours run.
      const early = await failure(
        cf.send(
          new CreateDistributionCommand({
            DistributionConfig: distConfig(`early-${tag}`, {
              FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] },
            }),
          }),
        ),
      );
      assert.deepEqual([early.name, early.status], ["NoSuchFunctionExists", 404]);
      const missing = await failure(
        cf.send(
          new UpdateFunctionCommand({
            Name: name,
            IfMatch: undefined as unknown as string,
            FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
            FunctionCode: enc(RESPOND("v1")),
          }),
        ),
      );
      assert.deepEqual([missing.name, missing.status], ["InvalidIfMatchVersion", 400]);
      const stale = await failure(
        cf.send(
          new UpdateFunctionCommand({
            Name: name,
            IfMatch: "EXXXXXXXXXXXXX",
            FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
            FunctionCode: enc(RESPOND("v1")),
          }),
        ),
      );
      assert.deepEqual([stale.name, stale.status], ["PreconditionFailed", 412]);
      const u = await cf.send(
        new UpdateFunctionCommand({
          Name: name,
          IfMatch: c.ETag,
          FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
          FunctionCode: enc(RESPOND("v1")),
        }),
      );
      const p = await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: u.ETag }));
      assert.equal(p.FunctionSummary!.FunctionMetadata!.Stage, "LIVE");
      assert.equal(p.FunctionSummary!.Status, "DEPLOYED");
      const d = await cf.send(
        new CreateDistributionCommand({
          DistributionConfig: distConfig(`fn-${tag}`, { FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: arn }] } }),
        }),
      );
      const host = d.Distribution!.DomainName!;
      for (const v of VIEWER_VERSIONS) {
        const r = await send(stack, v, host, "/a");
        assert.equal(r.headers["x-fn"], "v1", `${label} viewer ${v}`);
        assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
      }
      // A DEVELOPMENT change does not reach the edge until it is published.
      const dev = await cf.send(new DescribeFunctionCommand({ Name: name }));
      const u2 = await cf.send(
        new UpdateFunctionCommand({
          Name: name,
          IfMatch: dev.ETag,
          FunctionConfig: { Comment: "c", Runtime: "cloudfront-js-2.0" },
          FunctionCode: enc(RESPOND("v2")),
        }),
      );
      assert.equal((await send(stack, "1.1", host, "/b")).headers["x-fn"], "v1");
      await cf.send(new PublishFunctionCommand({ Name: name, IfMatch: u2.ETag }));
      assert.equal((await send(stack, "2", host, "/c")).headers["x-fn"], "v2");
      const live = await cf.send(new GetFunctionCommand({ Name: name, Stage: "LIVE" }));
      assert.equal(new TextDecoder().decode(live.FunctionCode), RESPOND("v2"));
      // FunctionInUse while associated.
      const devNow = await cf.send(new DescribeFunctionCommand({ Name: name }));
      const inUse = await failure(cf.send(new DeleteFunctionCommand({ Name: name, IfMatch: devNow.ETag })));
      assert.deepEqual([inUse.name, inUse.status], ["FunctionInUse", 409]);
      const listed = await cf.send(new ListFunctionsCommand({ Stage: "LIVE" }));
      assert.ok(listed.FunctionList!.Items!.some((f) => f.Name === name && f.FunctionMetadata!.Stage === "LIVE"));
      assert.ok(listed.FunctionList!.Items!.some((f) => f.Name === "file-fn"));
      const dc = await cf.send(new GetDistributionConfigCommand({ Id: d.Distribution!.Id }));
      const off = await cf.send(
        new UpdateDistributionCommand({ Id: d.Distribution!.Id, IfMatch: dc.ETag, DistributionConfig: { ...dc.DistributionConfig!, Enabled: false } }),
      );
      await cf.send(new DeleteDistributionCommand({ Id: d.Distribution!.Id, IfMatch: off.ETag }));
      await cf.send(new DeleteFunctionCommand({ Name: name, IfMatch: devNow.ETag }));
      const gone = await failure(cf.send(new DescribeFunctionCommand({ Name: name })));
      assert.deepEqual([gone.name, gone.status], ["NoSuchFunctionExists", 404]);
    }
  });

  it("functions: FunctionAlreadyExists (409), the syntax gate's InvalidArgument, FunctionSizeLimitExceeded (413), a file function is read-only (cloudfront.md §13.1, §13.4)", async () => {
    await clients.h1.send(
      new CreateFunctionCommand({ Name: "taken", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-1.0" }, FunctionCode: enc(HELLO) }),
    );
    for (const [label, cf] of versions()) {
      const dup = await failure(
        cf.send(new CreateFunctionCommand({ Name: "taken", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-1.0" }, FunctionCode: enc(HELLO) })),
      );
      assert.deepEqual([dup.name, dup.status], ["FunctionAlreadyExists", 409], label);
      const syntax = await failure(
        cf.send(
          new CreateFunctionCommand({
            Name: "bad-syntax",
            FunctionConfig: { Comment: "", Runtime: "cloudfront-js-1.0" },
            FunctionCode: enc("function handler(e) {\n  const x = 1;\n  return e.request;\n}"),
          }),
        ),
      );
      assert.deepEqual([syntax.name, syntax.status], ["InvalidArgument", 400]);
      assert.match(syntax.message, /SyntaxError: Token "const" not supported in this version in bad-syntax:2:3 \(runtime cloudfront-js-1\.0\)/);
      const big = await failure(
        cf.send(
          new CreateFunctionCommand({
            Name: "too-big",
            FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" },
            FunctionCode: enc(`${HELLO}\n//${"x".repeat(10_240)}`),
          }),
        ),
      );
      assert.deepEqual([big.name, big.status], ["FunctionSizeLimitExceeded", 413]);
      const f = await cf.send(new DescribeFunctionCommand({ Name: "file-fn" }));
      assert.equal(f.FunctionSummary!.FunctionMetadata!.Stage, "DEVELOPMENT");
      const ro = await failure(cf.send(new DeleteFunctionCommand({ Name: "file-fn", IfMatch: f.ETag })));
      assert.deepEqual([ro.name, ro.status], ["AccessDenied", 403]);
    }
  });

  it("TestFunction: DEVELOPMENT code on an event object, TestResult as AWS (output JSON string, logs, utilization), If-Match (cloudfront.md §13.6)", async () => {
    const c = await clients.h1.send(
      new CreateFunctionCommand({ Name: "tested", FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0" }, FunctionCode: enc(RESPOND("t")) }),
    );
    const event = {
      version: "1.0",
      context: { eventType: "viewer-request" },
      viewer: { ip: "1.2.3.4" },
      request: { method: "GET", uri: "/z", headers: {}, cookies: {}, querystring: {} },
    };
    for (const [label, cf] of versions()) {
      const t = await cf.send(new TestFunctionCommand({ Name: "tested", IfMatch: c.ETag, EventObject: enc(JSON.stringify(event)) }));
      const r = t.TestResult!;
      assert.equal(r.FunctionErrorMessage, "", label);
      assert.deepEqual(JSON.parse(r.FunctionOutput!), { response: { statusCode: 200, statusDescription: "OK", headers: { "x-fn": { value: "t" } } } });
      assert.deepEqual(r.FunctionExecutionLogs, ["ran /z"]);
      assert.match(r.ComputeUtilization!, /^\d+$/);
      assert.equal(r.FunctionSummary!.FunctionMetadata!.Stage, "DEVELOPMENT");
      const stale = await failure(cf.send(new TestFunctionCommand({ Name: "tested", IfMatch: "EXXXXXXXXXXXXX", EventObject: enc("{}") })));
      assert.deepEqual([stale.name, stale.status], ["PreconditionFailed", 412]);
      const noLive = await failure(cf.send(new TestFunctionCommand({ Name: "tested", Stage: "LIVE", IfMatch: c.ETag, EventObject: enc("{}") })));
      assert.deepEqual([noLive.name, noLive.status], ["NoSuchFunctionExists", 404]);
    }
  });

  it("KeyValueStores: Create backed by a state-dir file, Describe, List, EntityAlreadyExists, CannotDeleteEntityWhileInUse, Delete, EntityNotFound (cloudfront.md §13.5)", async () => {
    for (const [label, cf, tag] of versions()) {
      const name = `kvs-${tag}`;
      const c = await cf.send(new CreateKeyValueStoreCommand({ Name: name, Comment: "routes" }));
      assert.equal(c.$metadata.httpStatusCode, 201, label);
      assert.equal(c.KeyValueStore!.ARN, `arn:aws:cloudfront::000000000000:key-value-store/${name}`);
      assert.equal(c.KeyValueStore!.Status, "READY");
      const file = join(dir, "state", "api", "key-value-stores", `${name}.json`);
      assert.deepEqual(JSON.parse(await readFile(file, "utf8")), { data: [] });
      const dup = await failure(cf.send(new CreateKeyValueStoreCommand({ Name: name })));
      assert.deepEqual([dup.name, dup.status], ["EntityAlreadyExists", 409]);
      const d = await cf.send(new DescribeKeyValueStoreCommand({ Name: name }));
      assert.equal(d.KeyValueStore!.Comment, "routes");
      assert.equal(d.ETag, c.ETag);
      const l = await cf.send(new ListKeyValueStoresCommand({}));
      assert.ok(l.KeyValueStoreList!.Items!.some((k) => k.Name === name));
      // A function associated with the store keeps it.
      const kvsFn = `${name}-fn`;
      const f = await cf.send(
        new CreateFunctionCommand({
          Name: kvsFn,
          FunctionConfig: {
            Comment: "",
            Runtime: "cloudfront-js-2.0",
            KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: c.KeyValueStore!.ARN }] },
          },
          FunctionCode: enc(HELLO),
        }),
      );
      const used = await failure(cf.send(new DeleteKeyValueStoreCommand({ Name: name, IfMatch: c.ETag })));
      assert.deepEqual([used.name, used.status], ["CannotDeleteEntityWhileInUse", 409]);
      await cf.send(new DeleteFunctionCommand({ Name: kvsFn, IfMatch: f.ETag }));
      await cf.send(new DeleteKeyValueStoreCommand({ Name: name, IfMatch: c.ETag }));
      await assert.rejects(stat(file));
      const gone = await failure(cf.send(new DescribeKeyValueStoreCommand({ Name: name })));
      assert.deepEqual([gone.name, gone.status], ["EntityNotFound", 404]);
    }
  });
});
