import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { startCliSession, type CliSession } from "../support/cli-session.js";
import { cloudFrontClients } from "../support/cloudfront-client.js";
import { curlExchange, writeBodies } from "../support/curl-exchange.js";
import { assertComplete, describeResult, HTTP_VERSIONS, sha256 } from "../support/e2e-matrix.js";

/**
 * The CLI as `npm run build` ships it (scripts/bundle.mjs: one bundle, chunks loaded on first use,
 * the Lambda worker's entry beside it; issue 14: cold start), built into a scratch folder and run as
 * a child process. The stack takes every lazily loaded path at once: a JSON stack file (JSON.parse),
 * a CloudFront Function (acorn), an HTTP API with a Lambda function (the worker's bootstrap.js), and
 * the CloudFront API with an XML body (fast-xml-parser). Requests over HTTP/1.1 and HTTP/2 with
 * bodies of 0 B, 1 KB and 2 MB (apigateway.md §5, cloudfront.md §13).
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HANDLER = `import { createHash } from "node:crypto";
export const handler = async (event) => {
  const bytes = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ marker: event.headers["x-marker"], bodyLength: bytes.length, bodySha256: createHash("sha256").update(bytes).digest("hex") }) };
};
`;
// Viewer request: a header the function adds reaches the origin (cloudfront.md §13).
const FUNCTION = `function handler(event) { event.request.headers["x-marker"] = { value: "from-function" }; return event.request; }`;
const STACK = {
  functions: { marker: { FunctionConfig: { Comment: "adds x-marker", Runtime: "cloudfront-js-1.0" }, FunctionCode: FUNCTION } },
  httpApis: {
    app: {
      Routes: { "ANY /{proxy+}": { Target: "integrations/app" } },
      Integrations: {
        app: { IntegrationType: "AWS_PROXY", IntegrationUri: "arn:aws:lambda:us-east-1:123456789012:function:app", PayloadFormatVersion: "2.0" },
      },
      Stages: { $default: {} },
    },
  },
  distributions: {
    web: {
      Origins: {
        Items: [{ Id: "api", DomainName: "bundle0001.execute-api.us-east-1.amazonaws.com", CustomOriginConfig: { OriginProtocolPolicy: "https-only" } }],
      },
      DefaultCacheBehavior: {
        TargetOriginId: "api",
        ViewerProtocolPolicy: "allow-all",
        CachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        OriginRequestPolicyId: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        AllowedMethods: { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] },
        FunctionAssociations: { Items: [{ EventType: "viewer-request", FunctionARN: "marker" }] },
      },
    },
  },
  local: { functions: { app: { handler: "app.mjs" } }, httpApis: { app: { apiId: "bundle0001" } } },
};

describe("e2e: the bundled CLI (npm run build) serves CloudFront → CloudFront Function → HTTP API → Lambda", () => {
  let work: string;
  let build: string;
  let s: CliSession;
  let bodies: Awaited<ReturnType<typeof writeBodies>>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "ep-e2e-bundle-"));
    // Two levels under the package root, as dist/cli (the CLI reads ../../package.json).
    build = await mkdtemp(join(ROOT, ".bundle-test-"));
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "bundle.mjs"), "--outdir", join(build, "cli")], { cwd: ROOT });
    await writeFile(join(work, "stack.json"), JSON.stringify(STACK, null, 2));
    await writeFile(join(work, "app.mjs"), HANDLER);
    bodies = await writeBodies(work);
    process.env.EDGEPARITY_TEST_CLI = join(build, "cli", "main.js");
    s = await startCliSession(["--config", join(work, "stack.json")]);
  });
  after(async () => {
    await s?.stop();
    delete process.env.EDGEPARITY_TEST_CLI;
    await rm(work, { recursive: true, force: true });
    if (build) await rm(build, { recursive: true, force: true });
  });

  it("bundle: main.js loads no file of the tree, only its own chunks, and the Lambda worker's entry is beside it", async () => {
    const files = await readdir(join(build, "cli"));
    assert.ok(files.includes("bootstrap.js"), files.join(" "));
    const main = await readFile(join(build, "cli", "main.js"), "utf8");
    // Every relative import is one of its chunks: nothing from dist/ or src/ is loaded beside it.
    const relative = [...main.matchAll(/\bfrom\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(relative.length > 0);
    assert.deepEqual(
      relative.filter((x) => !/^\.\/chunk-[\w-]+\.js$/.test(x)),
      [],
    );
  });

  for (const http of HTTP_VERSIONS) {
    for (const size of ["0B", "1KB", "2MB"] as const) {
      it(`bundle: POST ${size} passes the viewer-request function and reaches the Lambda function whole (apigateway.md §5) [HTTP/${http}]`, async () => {
        const r = await curlExchange({
          url: new URL("/upload", s.distribution("web").url).href,
          method: "POST",
          http,
          cacert: s.caPath,
          bodyFile: bodies[size].path,
          headers: ["content-type: application/octet-stream"],
        });
        assert.equal(r.status, 200, describeResult(r));
        assertComplete(r);
        assert.equal(r.httpVersion, http);
        const e = JSON.parse(r.body.toString()) as Record<string, unknown>;
        assert.equal(e["marker"], "from-function");
        assert.equal(e["bodyLength"], bodies[size].bytes.length);
        assert.equal(e["bodySha256"], sha256(bodies[size].bytes));
      });
    }
  }

  for (const http of HTTP_VERSIONS) {
    it(`bundle: the CloudFront API reads an XML body (CreateInvalidation through the AWS SDK answers with its Id, cloudfront.md §14) [HTTP/${http}]`, async () => {
      const ready = s.ready as { httpPort: number; httpsPort: number; distributions: Record<string, { id: string }> };
      const clients = cloudFrontClients({ httpPort: ready.httpPort, httpsPort: ready.httpsPort, caPem: await readFile(s.caPath, "utf8") });
      try {
        const out = await clients[http === "2" ? "h2" : "h1"].send(
          new CreateInvalidationCommand({
            DistributionId: ready.distributions["web"]!.id,
            InvalidationBatch: { CallerReference: `bundle-${http}`, Paths: { Quantity: 1, Items: ["/x"] } },
          }),
        );
        assert.match(out.Invalidation?.Id ?? "", /^\w+$/);
        assert.deepEqual(out.Invalidation?.InvalidationBatch?.Paths?.Items, ["/x"]);
      } finally {
        clients.destroy();
      }
    });
  }
});
