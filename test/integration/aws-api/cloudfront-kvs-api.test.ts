import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateFunctionCommand,
  CreateKeyValueStoreCommand,
  DescribeKeyValueStoreCommand as DescribeStoreCommand,
  PublishFunctionCommand,
  UpdateKeyValueStoreCommand,
  type DistributionConfig,
} from "@aws-sdk/client-cloudfront";
import {
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
  type CloudFrontKeyValueStoreClient,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { startEdgeparity, type EdgeparityStack, type StackInput } from "../../../src/index.js";
import { formatKeyValueStoreFile } from "../../../src/services/cloudfront/functions/index.js";
import { cloudFrontClients, type CloudFrontClients } from "../../support/cloudfront-client.js";
import { kvsClients, type KvsClients } from "../../support/kvs-client.js";
import { sdkFailure } from "../../support/sdk-failure.js";
import { startOrigin, type OriginServer } from "../../support/origin-server.js";
import { send, VIEWER_VERSIONS } from "../../support/viewer.js";

/**
 * Issue 11 §CloudFront API "KeyValueStore … and the data-plane API": the CloudFront KeyValueStore
 * API (2022-07-26, restJson1, SigV4A) through `@aws-sdk/client-cloudfront-keyvaluestore` on
 * HTTP/1.1 and HTTP/2 — data ETags, each error code, a function reading each write on the next
 * request (cloudfront.md §13.5), stack-file stores read-only, data kept across a restart.
 */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const enc = (s: string) => new TextEncoder().encode(s);

const READER = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  var v;
  try { v = await kvs.get('greeting'); } catch (e) { v = 'none'; }
  return { statusCode: 200, statusDescription: 'OK', headers: { 'x-kvs': { value: v } } };
}
`;

function distConfig(ref: string, functionArn: string): DistributionConfig {
  return {
    CallerReference: ref,
    Comment: "",
    Enabled: true,
    Origins: {
      Quantity: 1,
      Items: [{ Id: "o", DomainName: "kvs-origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
    },
    DefaultCacheBehavior: {
      TargetOriginId: "o",
      ViewerProtocolPolicy: "allow-all",
      CachePolicyId: CACHING_DISABLED,
      FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: functionArn }] },
    },
  };
}

describe("CloudFront KeyValueStore data-plane API through the AWS SDK v3 (issue 11 §CloudFront API, cloudfront.md §13.5)", () => {
  let dir: string;
  let stack: EdgeparityStack;
  let cf: CloudFrontClients;
  let kvs: KvsClients;
  let origin: OriginServer;
  let arn: string;
  let domain: string;
  const fileStoreArn = "arn:aws:cloudfront::000000000000:key-value-store/file-kvs";
  const versions = () =>
    [
      ["HTTP/1.1", kvs.h1],
      ["HTTP/2", kvs.h2],
    ] as [string, CloudFrontKeyValueStoreClient][];
  const start = async () => {
    const config = {
      keyValueStores: { "file-kvs": join(dir, "file-kvs.json") },
      local: { origins: { "kvs-origin.example.com": origin.url } },
    } as StackInput;
    stack = await startEdgeparity({ config, stateDir: join(dir, "state") });
    cf = cloudFrontClients(stack);
    kvs = kvsClients(stack);
  };
  const stop = async () => {
    kvs?.destroy();
    cf?.destroy();
    await stack?.close();
  };
  const etagOf = async (client: CloudFrontKeyValueStoreClient, storeArn = arn) =>
    (await client.send(new DescribeKeyValueStoreCommand({ KvsARN: storeArn }))).ETag!;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-kvsapi-"));
    await writeFile(join(dir, "file-kvs.json"), JSON.stringify({ data: [{ key: "from", value: "file" }] }));
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("origin");
    });
    await start();
    const store = await cf.h1.send(new CreateKeyValueStoreCommand({ Name: "live", Comment: "data plane" }));
    arn = store.KeyValueStore!.ARN!;
    const fn = await cf.h1.send(
      new CreateFunctionCommand({
        Name: "reader",
        FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } },
        FunctionCode: enc(READER),
      }),
    );
    await cf.h1.send(new PublishFunctionCommand({ Name: "reader", IfMatch: fn.ETag }));
    const d = await cf.h1.send(new CreateDistributionCommand({ DistributionConfig: distConfig("kvs-1", fn.FunctionSummary!.FunctionMetadata!.FunctionARN!) }));
    domain = d.Distribution!.DomainName!;
  });
  after(async () => {
    await stop();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const viewerSees = async (expected: string) => {
    for (const v of VIEWER_VERSIONS) {
      const r = await send(stack, v, domain, "/");
      assert.equal(r.status, 200, `HTTP/${v}: ${r.body.toString()}`);
      assert.equal(r.headers["x-kvs"], expected, `HTTP/${v}`);
    }
  };

  it("DescribeKeyValueStore: ItemCount, TotalSizeInBytes, ETag, Status READY, Created/LastModified as dates; the data ETag is not the control plane's (API Reference DescribeKeyValueStore)", async () => {
    for (const [label, client] of versions()) {
      const d = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
      assert.equal(d.$metadata.httpStatusCode, 200, label);
      assert.equal(d.KvsARN, arn);
      assert.equal(d.ItemCount, 0);
      assert.equal(d.TotalSizeInBytes, 0);
      assert.equal(d.Status, "READY");
      assert.match(d.ETag!, /^E[0-9A-Z]{13}$/);
      assert.ok(d.Created instanceof Date && d.LastModified instanceof Date, label);
      const control = await cf.h1.send(new DescribeStoreCommand({ Name: "live" }));
      assert.notEqual(control.ETag, d.ETag);
    }
  });

  it("PutKey / GetKey / DeleteKey with If-Match: each write answers the new ETag, ItemCount and size, and a viewer-request function reads it on the next request (HTTP/1.1 and HTTP/2)", async () => {
    await viewerSees("none");
    for (const [label, client] of versions()) {
      const before = await etagOf(client);
      const put = await client.send(new PutKeyCommand({ KvsARN: arn, Key: "greeting", Value: `hello ${label}`, IfMatch: before }));
      assert.notEqual(put.ETag, before, label);
      assert.equal(put.ItemCount, 1);
      assert.equal(put.TotalSizeInBytes, Buffer.byteLength(`greeting` + `hello ${label}`));
      assert.equal(await etagOf(client), put.ETag, `${label}: Describe answers the write's ETag`);
      await viewerSees(`hello ${label}`);
      const got = await client.send(new GetKeyCommand({ KvsARN: arn, Key: "greeting" }));
      assert.deepEqual([got.Key, got.Value, got.ItemCount], ["greeting", `hello ${label}`, 1]);
      const del = await client.send(new DeleteKeyCommand({ KvsARN: arn, Key: "greeting", IfMatch: put.ETag }));
      assert.equal(del.ItemCount, 0, label);
      assert.notEqual(del.ETag, put.ETag);
      await viewerSees("none");
    }
  });

  it("UpdateKeys: Puts and Deletes in one all-or-nothing call; ListKeys pages with MaxResults and NextToken (API Reference UpdateKeys, ListKeys)", async () => {
    for (const [label, client] of versions()) {
      const puts = Array.from({ length: 12 }, (_, i) => ({ Key: `k${String(i).padStart(2, "0")}`, Value: `v${i}` }));
      const u = await client.send(
        new UpdateKeysCommand({ KvsARN: arn, IfMatch: await etagOf(client), Puts: [...puts, { Key: "greeting", Value: "batched" }] }),
      );
      assert.equal(u.ItemCount, 13, label);
      await viewerSees("batched");
      const u2 = await client.send(
        new UpdateKeysCommand({ KvsARN: arn, IfMatch: u.ETag, Puts: [{ Key: "k00", Value: "changed" }], Deletes: [{ Key: "greeting" }, { Key: "k11" }] }),
      );
      assert.equal(u2.ItemCount, 11, label);
      await viewerSees("none");
      const first = await client.send(new ListKeysCommand({ KvsARN: arn }));
      assert.equal(first.Items!.length, 10, `${label}: the default page is 10`);
      assert.deepEqual(first.Items![0], { Key: "k00", Value: "changed" });
      assert.ok(first.NextToken, label);
      const rest = await client.send(new ListKeysCommand({ KvsARN: arn, NextToken: first.NextToken, MaxResults: 50 }));
      assert.deepEqual(
        rest.Items!.map((i) => i.Key),
        ["k10"],
      );
      assert.equal(rest.NextToken, undefined);
      await client.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: u2.ETag, Deletes: puts.slice(0, 11).map((p) => ({ Key: p.Key })) }));
    }
  });

  it("ConflictException (409): a write with a stale ETag changes nothing (API Reference PutKey/DeleteKey/UpdateKeys Errors)", async () => {
    for (const [label, client] of versions()) {
      const stale = await etagOf(client);
      const ok = await client.send(new PutKeyCommand({ KvsARN: arn, Key: "c", Value: "1", IfMatch: stale }));
      for (const call of [
        () => client.send(new PutKeyCommand({ KvsARN: arn, Key: "c", Value: "2", IfMatch: stale })),
        () => client.send(new DeleteKeyCommand({ KvsARN: arn, Key: "c", IfMatch: stale })),
        () => client.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: stale, Deletes: [{ Key: "c" }] })),
      ]) {
        const f = await sdkFailure(call());
        assert.deepEqual([f.name, f.status], ["ConflictException", 409], label);
      }
      assert.equal((await client.send(new GetKeyCommand({ KvsARN: arn, Key: "c" }))).Value, "1");
      await client.send(new DeleteKeyCommand({ KvsARN: arn, Key: "c", IfMatch: ok.ETag }));
    }
  });

  it("ResourceNotFoundException (404): an unknown store, a missing key (API Reference GetKey, DeleteKey Errors)", async () => {
    for (const [label, client] of versions()) {
      const nostore = "arn:aws:cloudfront::000000000000:key-value-store/nope";
      const etag = await etagOf(client);
      for (const call of [
        () => client.send(new DescribeKeyValueStoreCommand({ KvsARN: nostore })),
        () => client.send(new GetKeyCommand({ KvsARN: nostore, Key: "k" })),
        () => client.send(new GetKeyCommand({ KvsARN: arn, Key: "absent" })),
        () => client.send(new DeleteKeyCommand({ KvsARN: arn, Key: "absent", IfMatch: etag })),
      ]) {
        const f = await sdkFailure(call());
        assert.deepEqual([f.name, f.status], ["ResourceNotFoundException", 404], `${label}: ${f.message}`);
      }
    }
  });

  it("ValidationException (400): no If-Match, MaxResults over 50, a bad NextToken, a key over 512 or a value over 1,024 characters, a key twice in a batch (cloudfront.md §13.4)", async () => {
    for (const [label, client] of versions()) {
      const etag = await etagOf(client);
      const calls: [string, () => Promise<unknown>][] = [
        ["no If-Match", () => client.send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v", IfMatch: undefined as unknown as string }))],
        ["MaxResults 51", () => client.send(new ListKeysCommand({ KvsARN: arn, MaxResults: 51 }))],
        ["bad token", () => client.send(new ListKeysCommand({ KvsARN: arn, NextToken: "%%%" }))],
        ["long key", () => client.send(new PutKeyCommand({ KvsARN: arn, Key: "k".repeat(513), Value: "v", IfMatch: etag }))],
        ["long value", () => client.send(new PutKeyCommand({ KvsARN: arn, Key: "k", Value: "v".repeat(1025), IfMatch: etag }))],
        ["twice", () => client.send(new UpdateKeysCommand({ KvsARN: arn, IfMatch: etag, Puts: [{ Key: "a", Value: "1" }], Deletes: [{ Key: "a" }] }))],
      ];
      for (const [what, call] of calls) {
        const f = await sdkFailure(call());
        assert.deepEqual([f.name, f.status], ["ValidationException", 400], `${label} ${what}: ${f.message}`);
      }
      assert.equal(await etagOf(client), etag, `${label}: nothing changed`);
    }
  });

  it("ServiceQuotaExceededException (402): more than 50 keys in one UpdateKeys; a store past 5 MB (cloudfront.md §13.4)", async () => {
    for (const [label, client] of versions()) {
      const f = await sdkFailure(
        client.send(
          new UpdateKeysCommand({ KvsARN: arn, IfMatch: await etagOf(client), Puts: Array.from({ length: 51 }, (_, i) => ({ Key: `q${i}`, Value: "x" })) }),
        ),
      );
      assert.deepEqual([f.name, f.status], ["ServiceQuotaExceededException", 402], `${label}: ${f.message}`);
    }
    // A store filled close to 5 MB by editing its data file (the watcher reloads it); one more value passes the quota.
    const file = join(dir, "state", "api", "key-value-stores", "live.json");
    // Items of 1,024-character values, as many as the 5 MB data file holds (each item's line + comma).
    const perItem = Buffer.byteLength(`\n  ${JSON.stringify({ key: "big00000", value: "x".repeat(1024) })},`);
    const count = Math.floor((5 * 1024 * 1024 - 16) / perItem);
    const big = new Map(Array.from({ length: count }, (_, i) => [`big${String(i).padStart(5, "0")}`, "x".repeat(1024)]));
    await writeFile(file, formatKeyValueStoreFile(big));
    for (let i = 0; i < 100 && (await kvs.h1.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }))).ItemCount !== count; i++)
      await new Promise((r) => setTimeout(r, 50));
    for (const [label, client] of versions()) {
      const f = await sdkFailure(client.send(new PutKeyCommand({ KvsARN: arn, Key: "one-more", Value: "y".repeat(1024), IfMatch: await etagOf(client) })));
      assert.deepEqual([f.name, f.status], ["ServiceQuotaExceededException", 402], `${label}: ${f.message}`);
    }
    await writeFile(file, JSON.stringify({ data: [] }));
    for (let i = 0; i < 100 && (await kvs.h1.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }))).ItemCount !== 0; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  it("a stack-file store: Describe, GetKey and ListKeys read its file; writes are AccessDeniedException (403) naming the file (README: stack-file resources are read-only through the API)", async () => {
    for (const [label, client] of versions()) {
      const d = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: fileStoreArn }));
      assert.equal(d.ItemCount, 1, label);
      assert.equal((await client.send(new GetKeyCommand({ KvsARN: fileStoreArn, Key: "from" }))).Value, "file");
      assert.deepEqual((await client.send(new ListKeysCommand({ KvsARN: fileStoreArn }))).Items, [{ Key: "from", Value: "file" }]);
      for (const call of [
        () => client.send(new PutKeyCommand({ KvsARN: fileStoreArn, Key: "x", Value: "y", IfMatch: d.ETag })),
        () => client.send(new DeleteKeyCommand({ KvsARN: fileStoreArn, Key: "from", IfMatch: d.ETag })),
        () => client.send(new UpdateKeysCommand({ KvsARN: fileStoreArn, IfMatch: d.ETag, Puts: [{ Key: "x", Value: "y" }] })),
      ]) {
        const f = await sdkFailure(call());
        assert.deepEqual([f.name, f.status], ["AccessDeniedException", 403], label);
        assert.ok(f.message.includes(join(dir, "file-kvs.json")), f.message);
      }
    }
    assert.equal(JSON.parse(await readFile(join(dir, "file-kvs.json"), "utf8")).data.length, 1);
  });

  it("a bad SigV4A signature is refused in the service's JSON format: InvalidSignatureException (403), an unknown key UnrecognizedClientException (403)", async () => {
    const wrong = kvsClients(stack, "not-the-secret");
    try {
      for (const [label, client] of [
        ["HTTP/1.1", wrong.h1],
        ["HTTP/2", wrong.h2],
      ] as const) {
        const f = await sdkFailure(client.send(new DescribeKeyValueStoreCommand({ KvsARN: arn })));
        assert.deepEqual([f.name, f.status], ["InvalidSignatureException", 403], label);
      }
    } finally {
      wrong.destroy();
    }
  });

  it("UpdateKeyValueStore (CloudFront API): the Comment with If-Match; a stack-file store is AccessDenied (API Reference UpdateKeyValueStore)", async () => {
    for (const c of [cf.h1, cf.h2]) {
      const d = await c.send(new DescribeStoreCommand({ Name: "live" }));
      const u = await c.send(new UpdateKeyValueStoreCommand({ Name: "live", Comment: "changed", IfMatch: d.ETag }));
      assert.equal(u.KeyValueStore!.Comment, "changed");
      assert.notEqual(u.ETag, d.ETag);
      const stale = await sdkFailure(c.send(new UpdateKeyValueStoreCommand({ Name: "live", Comment: "again", IfMatch: d.ETag })));
      assert.deepEqual([stale.name, stale.status], ["PreconditionFailed", 412]);
      await c.send(new UpdateKeyValueStoreCommand({ Name: "live", Comment: "data plane", IfMatch: u.ETag }));
      const f = await c.send(new DescribeStoreCommand({ Name: "file-kvs" }));
      const denied = await sdkFailure(c.send(new UpdateKeyValueStoreCommand({ Name: "file-kvs", Comment: "x", IfMatch: f.ETag })));
      assert.deepEqual([denied.name, denied.status], ["AccessDenied", 403]);
    }
  });

  it("an API store's data, ETag and LastModified survive a restart on the same state dir, and the function reads them (issue 11 §State)", async () => {
    const put = await kvs.h1.send(new PutKeyCommand({ KvsARN: arn, Key: "greeting", Value: "kept", IfMatch: await etagOf(kvs.h1) }));
    const before = await kvs.h1.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
    await stop();
    await start();
    const after = await kvs.h2.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
    assert.equal(after.ETag, put.ETag);
    assert.equal(after.LastModified!.getTime(), before.LastModified!.getTime());
    assert.equal((await kvs.h1.send(new GetKeyCommand({ KvsARN: arn, Key: "greeting" }))).Value, "kept");
    await viewerSees("kept");
  });
});
