import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsFailure } from "../support/aws-cli.js";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";
import { HTTP_VERSIONS } from "../support/curl-matrix.js";

/**
 * Issue 11 §CloudFront API "Functions" against `edgeparity up` with the AWS CLI v2 and curl on
 * HTTP/1.1 and HTTP/2: `create-function` (DEVELOPMENT), `test-function`, `publish-function`
 * (LIVE), `update-distribution` adding the FunctionAssociation → the function answers at once;
 * `delete-function` while associated is FunctionInUse (cloudfront.md §13).
 */
const CODE = `function handler(event) {
  console.log('viewer asked ' + event.request.uri);
  return { statusCode: 200, statusDescription: 'OK', headers: { 'x-fn': { value: 'from-api' } }, body: 'fn:' + event.request.uri };
}
`;

describe("e2e: CloudFront Functions through the AWS CLI against edgeparity up (issue 11 §CloudFront API, cloudfront.md §13)", () => {
  let w: Walkthrough;
  before(async () => {
    w = await startWalkthrough({ objects: false });
    await writeFile(join(w.work, "fn.js"), CODE);
    await writeFile(
      join(w.work, "event.json"),
      JSON.stringify({
        version: "1.0",
        context: { eventType: "viewer-request" },
        viewer: { ip: "1.2.3.4" },
        request: { method: "GET", uri: "/t", headers: {}, cookies: {}, querystring: {} },
      }),
    );
  });
  after(async () => {
    await w?.close();
  });

  it("create-function → test-function → publish-function → update-distribution with the association → curl gets the function's answer (HTTP/1.1 and HTTP/2)", async () => {
    const created = JSON.parse(
      await w.aws(
        "cloudfront",
        "create-function",
        "--name",
        "api-fn",
        "--function-config",
        "Comment=via cli,Runtime=cloudfront-js-2.0",
        "--function-code",
        `fileb://${join(w.work, "fn.js")}`,
      ),
    ) as { ETag: string; FunctionSummary: { Status: string; FunctionMetadata: { Stage: string; FunctionARN: string } } };
    assert.equal(created.FunctionSummary.FunctionMetadata.Stage, "DEVELOPMENT");
    assert.equal(created.FunctionSummary.Status, "UNPUBLISHED");
    const tested = JSON.parse(
      await w.aws("cloudfront", "test-function", "--name", "api-fn", "--if-match", created.ETag, "--event-object", `fileb://${join(w.work, "event.json")}`),
    ) as { TestResult: { FunctionOutput: string; FunctionExecutionLogs: string[]; FunctionErrorMessage: string } };
    assert.equal(tested.TestResult.FunctionErrorMessage, "");
    assert.deepEqual(tested.TestResult.FunctionExecutionLogs, ["viewer asked /t"]);
    assert.equal((JSON.parse(tested.TestResult.FunctionOutput) as { response: { statusCode: number } }).response.statusCode, 200);
    const published = JSON.parse(await w.aws("cloudfront", "publish-function", "--name", "api-fn", "--if-match", created.ETag)) as {
      FunctionSummary: { FunctionMetadata: { Stage: string } };
    };
    assert.equal(published.FunctionSummary.FunctionMetadata.Stage, "LIVE");

    const id = w.created.Distribution.Id;
    const current = JSON.parse(await w.aws("cloudfront", "get-distribution-config", "--id", id)) as {
      ETag: string;
      DistributionConfig: { DefaultCacheBehavior: Record<string, unknown> };
    };
    current.DistributionConfig.DefaultCacheBehavior.FunctionAssociations = {
      Quantity: 1,
      Items: [{ EventType: "viewer-request", FunctionARN: created.FunctionSummary.FunctionMetadata.FunctionARN }],
    };
    await writeFile(join(w.work, "dc-fn.json"), JSON.stringify(current.DistributionConfig));
    await w.aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(w.work, "dc-fn.json")}`);
    for (const http of HTTP_VERSIONS) {
      const r = await w.get("/hello", http);
      assert.equal(r.status, 200, `${http}: ${r.body}`);
      assert.equal(r.headers["x-fn"], "from-api", http);
      assert.equal(r.body, "fn:/hello");
      assert.equal(r.headers["x-cache"], "FunctionGeneratedResponse from cloudfront");
    }
    const described = JSON.parse(await w.aws("cloudfront", "describe-function", "--name", "api-fn")) as { ETag: string };
    assert.match(await awsFailure(w.aws, "cloudfront", "delete-function", "--name", "api-fn", "--if-match", described.ETag), /\(FunctionInUse\)/);
    const code = await w.aws("cloudfront", "get-function", "--name", "api-fn", "--stage", "LIVE", join(w.work, "live.js"));
    assert.match(code, /"ContentType"/);
    assert.equal(await readFile(join(w.work, "live.js"), "utf8"), CODE);
  });

  it("an API function survives a restart on the same state dir: both stages described, the LIVE code still runs (issue 11 §State)", async () => {
    await w.restart();
    const dev = JSON.parse(await w.aws("cloudfront", "describe-function", "--name", "api-fn", "--stage", "DEVELOPMENT")) as {
      FunctionSummary: { Status: string };
    };
    assert.equal(dev.FunctionSummary.Status, "DEPLOYED");
    const live = JSON.parse(await w.aws("cloudfront", "describe-function", "--name", "api-fn", "--stage", "LIVE")) as {
      FunctionSummary: { FunctionMetadata: { Stage: string } };
    };
    assert.equal(live.FunctionSummary.FunctionMetadata.Stage, "LIVE");
    for (const http of HTTP_VERSIONS) {
      const r = await w.get("/again", http);
      assert.equal(r.headers["x-fn"], "from-api", `${http}: ${r.body}`);
    }
  });
});
