import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsFailure } from "../support/aws-cli.js";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";
import { HTTP_VERSIONS } from "../support/curl-matrix.js";

/**
 * Issue 11 "Proof", the classic walk-through's second half against `edgeparity up` with the AWS
 * CLI v2 and curl on HTTP/1.1 and HTTP/2: `get-distribution-config` → `update-distribution`
 * adding a behaviour → served at once; the API's error codes through the CLI; disable +
 * `delete-distribution`. The first half (create, wait, Miss/Hit, invalidation) is cli-cloudfront-api.
 */
describe("e2e: the classic CloudFront walk-through, update and delete, with the AWS CLI against edgeparity up (issue 11 §Proof)", () => {
  let w: Walkthrough;
  let id: string;
  /** The ETag of the distribution's current configuration, from the last answer that carried it. */
  let etag: string;
  before(async () => {
    w = await startWalkthrough({ objects: false });
    id = w.created.Distribution.Id;
  });
  after(async () => {
    await w?.close();
  });

  it("walk-through: get-distribution-config → update-distribution adding an /api/* behaviour to a custom origin → served at once (HTTP/1.1 and HTTP/2)", async () => {
    const current = JSON.parse(await w.aws("cloudfront", "get-distribution-config", "--id", id)) as {
      ETag: string;
      DistributionConfig: Record<string, unknown> & { Origins: { Quantity: number; Items: unknown[] } };
    };
    const dc = current.DistributionConfig;
    dc.Origins = {
      Quantity: 2,
      Items: [
        ...dc.Origins.Items,
        { Id: "api", DomainName: "api.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } },
      ],
    };
    dc.CacheBehaviors = {
      Quantity: 1,
      Items: [
        {
          PathPattern: "/api/*",
          TargetOriginId: "api",
          ViewerProtocolPolicy: "allow-all",
          ForwardedValues: { QueryString: true, Cookies: { Forward: "none" } },
          MinTTL: 0,
          DefaultTTL: 0,
          MaxTTL: 0,
        },
      ],
    };
    await writeFile(join(w.work, "dc2.json"), JSON.stringify(dc));
    const updated = JSON.parse(
      await w.aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(w.work, "dc2.json")}`),
    ) as { ETag: string; Distribution: { DistributionConfig: { CacheBehaviors: { Quantity: number } } } };
    etag = updated.ETag;
    assert.notEqual(updated.ETag, current.ETag);
    assert.equal(updated.Distribution.DistributionConfig.CacheBehaviors.Quantity, 1);
    for (const http of HTTP_VERSIONS) {
      const r = await w.get("/api/items?x=1", http);
      assert.equal(r.status, 200, `${http}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body), { api: "/api/items?x=1" });
    }
  });

  it("walk-through: error codes through the CLI — a stale --if-match is PreconditionFailed, deleting an enabled distribution DistributionNotDisabled", async () => {
    assert.match(await awsFailure(w.aws, "cloudfront", "delete-distribution", "--id", id, "--if-match", "E0000000000000"), /\(PreconditionFailed\)/);
    assert.match(await awsFailure(w.aws, "cloudfront", "delete-distribution", "--id", id, "--if-match", etag), /\(DistributionNotDisabled\)/);
  });

  it("walk-through: disable with update-distribution, then delete-distribution; the domain is no longer served", async () => {
    const current = JSON.parse(await w.aws("cloudfront", "get-distribution-config", "--id", id)) as { ETag: string; DistributionConfig: { Enabled: boolean } };
    current.DistributionConfig.Enabled = false;
    await writeFile(join(w.work, "dc3.json"), JSON.stringify(current.DistributionConfig));
    const off = JSON.parse(
      await w.aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(w.work, "dc3.json")}`),
    ) as { ETag: string };
    await w.aws("cloudfront", "delete-distribution", "--id", id, "--if-match", off.ETag);
    // A deleted id is NoSuchDistribution.
    assert.match(await awsFailure(w.aws, "cloudfront", "get-distribution", "--id", id), /\(NoSuchDistribution\)/);
    assert.notEqual((await w.get("/api/items?x=1", "--http1.1")).status, 200);
  });
});
