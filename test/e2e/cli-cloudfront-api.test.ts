import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsFailure } from "../support/aws-cli.js";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";
import { HTTP_VERSIONS } from "../support/curl-matrix.js";

/**
 * Issue 11 "Proof": the classic walk-through people follow, against `edgeparity up` as a child
 * process, with the AWS CLI v2 (`/usr/bin/aws`) and curl on HTTP/1.1 and HTTP/2 — `aws s3 mb`,
 * `aws s3 cp`, `aws cloudfront create-distribution --distribution-config file://…` (an S3 origin,
 * legacy ForwardedValues), `wait distribution-deployed`, Miss then Hit with Via and Age,
 * `create-invalidation` → a Miss, `update-distribution` adding a behaviour → served at once, the
 * API's error codes, disable + `delete-distribution`. Restart and export: cli-cloudfront-api-state.
 */
describe("e2e: the classic CloudFront walk-through with the AWS CLI against edgeparity up (issue 11 §Proof)", () => {
  let w: Walkthrough;
  let id: string;
  before(async () => {
    w = await startWalkthrough();
    id = w.created.Distribution.Id;
  });
  after(async () => {
    await w?.close();
  });

  it("walk-through: create-distribution answers InProgress, a Location and the d….cloudfront.localhost domain; wait distribution-deployed returns at its first poll", async () => {
    const d = w.created.Distribution;
    assert.match(id, /^E[A-Z0-9]{13}$/);
    assert.equal(d.DomainName, `d${id.slice(1).toLowerCase()}.cloudfront.localhost`);
    assert.equal(d.Status, "InProgress");
    assert.match(w.created.Location, new RegExp(`/2020-05-31/distribution/${id}$`));
    const started = Date.now();
    await w.aws("cloudfront", "wait", "distribution-deployed", "--id", id);
    assert.ok(Date.now() - started < 20_000, "the waiter returns at its first poll");
  });

  for (const [i, http] of HTTP_VERSIONS.entries()) {
    const path = i === 0 ? "/index.html" : "/page.html";
    it(`walk-through: curl → Miss, then Hit with Via and Age; create-invalidation → the next request is a Miss [${http}]`, async () => {
      const miss = await w.get(path, http);
      assert.equal(miss.status, 200, miss.body);
      assert.equal(miss.httpVersion, http === "--http2" ? "2" : "1.1");
      assert.equal(miss.headers["x-cache"], "Miss from cloudfront");
      assert.match(miss.headers.via ?? "", /\.cloudfront\.net \(CloudFront\)$/);
      const hit = await w.get(path, http);
      assert.equal(hit.headers["x-cache"], "Hit from cloudfront");
      assert.match(hit.headers.age ?? "", /^\d+$/);
      assert.equal(hit.body, miss.body);
      const inv = JSON.parse(await w.aws("cloudfront", "create-invalidation", "--distribution-id", id, "--paths", path)) as {
        Invalidation: { Id: string; Status: string };
      };
      assert.equal(inv.Invalidation.Status, "InProgress");
      assert.equal((await w.get(path, http)).headers["x-cache"], "Miss from cloudfront");
      if (i > 0) return;
      const got = JSON.parse(await w.aws("cloudfront", "get-invalidation", "--distribution-id", id, "--id", inv.Invalidation.Id)) as {
        Invalidation: { Status: string };
      };
      assert.equal(got.Invalidation.Status, "Completed");
    });
  }

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
    assert.notEqual(updated.ETag, current.ETag);
    assert.equal(updated.Distribution.DistributionConfig.CacheBehaviors.Quantity, 1);
    for (const http of HTTP_VERSIONS) {
      const r = await w.get("/api/items?x=1", http);
      assert.equal(r.status, 200, `${http}: ${r.body}`);
      assert.deepEqual(JSON.parse(r.body), { api: "/api/items?x=1" });
    }
  });

  it("walk-through: error codes through the CLI — a stale --if-match is PreconditionFailed, deleting an enabled distribution DistributionNotDisabled, an unknown id NoSuchDistribution", async () => {
    assert.match(await awsFailure(w.aws, "cloudfront", "delete-distribution", "--id", id, "--if-match", "E0000000000000"), /\(PreconditionFailed\)/);
    const { ETag } = JSON.parse(await w.aws("cloudfront", "get-distribution", "--id", id)) as { ETag: string };
    assert.match(await awsFailure(w.aws, "cloudfront", "delete-distribution", "--id", id, "--if-match", ETag), /\(DistributionNotDisabled\)/);
    assert.match(await awsFailure(w.aws, "cloudfront", "get-distribution", "--id", "ENOSUCHDISTRIB"), /\(NoSuchDistribution\)/);
  });

  it("walk-through: disable with update-distribution, then delete-distribution; the domain is no longer served", async () => {
    const current = JSON.parse(await w.aws("cloudfront", "get-distribution-config", "--id", id)) as { ETag: string; DistributionConfig: { Enabled: boolean } };
    current.DistributionConfig.Enabled = false;
    await writeFile(join(w.work, "dc3.json"), JSON.stringify(current.DistributionConfig));
    const off = JSON.parse(
      await w.aws("cloudfront", "update-distribution", "--id", id, "--if-match", current.ETag, "--distribution-config", `file://${join(w.work, "dc3.json")}`),
    ) as { ETag: string };
    await w.aws("cloudfront", "delete-distribution", "--id", id, "--if-match", off.ETag);
    // An empty list has no Items element (as AWS's), and the CLI then prints nothing at all.
    assert.equal((await w.aws("cloudfront", "list-distributions")).trim(), "");
    assert.match(await awsFailure(w.aws, "cloudfront", "get-distribution", "--id", id), /\(NoSuchDistribution\)/);
    assert.notEqual((await w.get("/index.html", "--http1.1")).status, 200);
  });
});
