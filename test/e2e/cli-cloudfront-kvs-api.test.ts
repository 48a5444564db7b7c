import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { CreateDistributionCommand, CreateFunctionCommand, CreateKeyValueStoreCommand, PublishFunctionCommand } from "@aws-sdk/client-cloudfront";
import {
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  PutKeyCommand,
  UpdateKeysCommand,
  type CloudFrontKeyValueStoreClient,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { runCli } from "../support/cli.js";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { cloudFrontClients, type CloudFrontClients } from "../support/cloudfront-client.js";
import { kvsClients, type KvsClients } from "../support/kvs-client.js";
import { sdkFailure } from "../support/sdk-failure.js";
import { startOrigin, type OriginServer } from "../support/origin-server.js";
import { send, VIEWER_VERSIONS } from "../support/viewer.js";

/**
 * Issue 11 §CloudFront API "KeyValueStore … and the data-plane API" against `edgeparity up` (a child
 * process): a store made with `@aws-sdk/client-cloudfront`, its keys written with
 * `@aws-sdk/client-cloudfront-keyvaluestore` (SigV4A, `<account>.localhost` endpoint) on HTTP/1.1
 * and HTTP/2 with ETags, a viewer-request CloudFront Function (2.0, the store associated) reading
 * each write on the next request over both HTTP versions, the data kept across a restart and in
 * `edgeparity export`. (The AWS CLI here lacks awscrt and cannot sign SigV4A: not tested.)
 */
const READER = `import cf from 'cloudfront';
const kvs = cf.kvs();
async function handler(event) {
  var v;
  try { v = await kvs.get(event.request.uri.slice(1)); } catch (e) { v = 'none'; }
  return { statusCode: 200, statusDescription: 'OK', headers: { 'x-kvs': { value: v } } };
}
`;

describe("e2e: the CloudFront KeyValueStore API against edgeparity up, read by a running function (issue 11 §CloudFront API, cloudfront.md §13.5)", () => {
  let work: string;
  let state: string;
  let stackDir: string;
  let origin: OriginServer;
  let s: CliSession | undefined;
  let cf: CloudFrontClients;
  let kvs: KvsClients;
  let arn: string;
  let domain: string;
  const ports = () => s!.ready as { httpPort: number; httpsPort: number };
  const restart = async () => {
    kvs?.destroy();
    cf?.destroy();
    await s?.stop();
    s = await startCliSession(["--config", stackDir, "--state-dir", state, "--no-watch"]);
    const target = { ...ports(), caPem: s.caPem };
    cf = cloudFrontClients(target);
    kvs = kvsClients(target);
  };
  const viewer = () => ({ ...ports(), caPem: s!.caPem });
  const viewerSees = async (key: string, expected: string) => {
    for (const v of VIEWER_VERSIONS) {
      const r = await send(viewer(), v, domain, `/${key}`);
      assert.equal(r.status, 200, `HTTP/${v}: ${r.body.toString()}`);
      assert.equal(r.headers["x-kvs"], expected, `HTTP/${v} /${key}`);
    }
  };
  const etagOf = async (c: CloudFrontKeyValueStoreClient, storeArn = arn) => (await c.send(new DescribeKeyValueStoreCommand({ KvsARN: storeArn }))).ETag!;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-kvs-"));
    state = join(work, "state");
    stackDir = join(work, "stack");
    await mkdir(stackDir);
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("origin");
    });
    await writeFile(join(stackDir, "routes.json"), JSON.stringify({ data: [{ key: "home", value: "/index.html" }] }));
    await writeFile(
      join(stackDir, "edgeparity.yaml"),
      `keyValueStores:\n  routes: ./routes.json\nlocal:\n  origins:\n    kvs-origin.example.com: ${origin.url}\n`,
    );
    await restart();
    const store = await cf.h1.send(new CreateKeyValueStoreCommand({ Name: "live", Comment: "e2e" }));
    arn = store.KeyValueStore!.ARN!;
    const fn = await cf.h2.send(
      new CreateFunctionCommand({
        Name: "kvs-reader",
        FunctionConfig: { Comment: "", Runtime: "cloudfront-js-2.0", KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: arn }] } },
        FunctionCode: new TextEncoder().encode(READER),
      }),
    );
    await cf.h2.send(new PublishFunctionCommand({ Name: "kvs-reader", IfMatch: fn.ETag }));
    const d = await cf.h1.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "kvs-e2e",
          Comment: "",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [{ Id: "o", DomainName: "kvs-origin.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
          },
          DefaultCacheBehavior: {
            TargetOriginId: "o",
            ViewerProtocolPolicy: "allow-all",
            CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            FunctionAssociations: { Quantity: 1, Items: [{ EventType: "viewer-request", FunctionARN: fn.FunctionSummary!.FunctionMetadata!.FunctionARN! }] },
          },
        },
      }),
    );
    domain = d.Distribution!.DomainName!;
  });
  after(async () => {
    kvs?.destroy();
    cf?.destroy();
    await s?.stop();
    await origin?.close();
    await rm(work, { recursive: true, force: true });
  });

  it("PutKey / UpdateKeys / DeleteKey with ETags over HTTP/1.1 and HTTP/2: the function answers each write on the very next request (both HTTP versions)", async () => {
    await viewerSees("greeting", "none");
    for (const [label, c] of [
      ["HTTP/1.1", kvs.h1],
      ["HTTP/2", kvs.h2],
    ] as const) {
      const put = await c.send(new PutKeyCommand({ KvsARN: arn, Key: "greeting", Value: `hi over ${label}`, IfMatch: await etagOf(c) }));
      await viewerSees("greeting", `hi over ${label}`);
      const upd = await c.send(
        new UpdateKeysCommand({
          KvsARN: arn,
          IfMatch: put.ETag,
          Puts: [
            { Key: "greeting", Value: "batched" },
            { Key: "other", Value: "2" },
          ],
        }),
      );
      assert.equal(upd.ItemCount, 2, label);
      await viewerSees("greeting", "batched");
      await viewerSees("other", "2");
      const stale = await sdkFailure(c.send(new PutKeyCommand({ KvsARN: arn, Key: "greeting", Value: "late", IfMatch: put.ETag })));
      assert.deepEqual([stale.name, stale.status], ["ConflictException", 409], label);
      const del = await c.send(new DeleteKeyCommand({ KvsARN: arn, Key: "other", IfMatch: upd.ETag }));
      assert.equal(del.ItemCount, 1);
      await viewerSees("other", "none");
    }
  });

  it("the stack file's store is read through the API; a write is AccessDeniedException naming its file; a bad SigV4A signature is InvalidSignatureException", async () => {
    const routes = "arn:aws:cloudfront::000000000000:key-value-store/routes";
    assert.equal((await kvs.h2.send(new GetKeyCommand({ KvsARN: routes, Key: "home" }))).Value, "/index.html");
    const denied = await sdkFailure(kvs.h1.send(new PutKeyCommand({ KvsARN: routes, Key: "x", Value: "y", IfMatch: await etagOf(kvs.h1, routes) })));
    assert.deepEqual([denied.name, denied.status], ["AccessDeniedException", 403]);
    assert.ok(denied.message.includes(join(stackDir, "routes.json")), denied.message);
    const wrong = kvsClients({ ...ports(), caPem: s!.caPem }, "wrong-secret");
    try {
      for (const c of [wrong.h1, wrong.h2]) {
        const f = await sdkFailure(c.send(new DescribeKeyValueStoreCommand({ KvsARN: arn })));
        assert.deepEqual([f.name, f.status], ["InvalidSignatureException", 403]);
      }
    } finally {
      wrong.destroy();
    }
  });

  it("after a restart on the same state dir the data and its ETag are kept and the function still reads them; edgeparity export names the store's data file (issue 11 §State)", async () => {
    const before = await etagOf(kvs.h1);
    await restart();
    assert.equal(await etagOf(kvs.h2), before);
    assert.equal((await kvs.h1.send(new GetKeyCommand({ KvsARN: arn, Key: "greeting" }))).Value, "batched");
    await viewerSees("greeting", "batched");
    const exported = join(work, "export.yaml");
    const r = await runCli(["export", "--config", stackDir, "--state-dir", state, "--format", "yaml", "--out", exported]);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(await readFile(exported, "utf8")) as { keyValueStores: Record<string, { file: string } | string> };
    const entry = doc.keyValueStores.live!;
    const file = typeof entry === "string" ? entry : entry.file;
    const data = JSON.parse(await readFile(file, "utf8")) as { data: { key: string; value: string }[] };
    assert.deepEqual(data.data, [{ key: "greeting", value: "batched" }]);
  });
});
