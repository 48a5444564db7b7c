import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";
import { HTTP_VERSIONS } from "../support/curl-matrix.js";

/**
 * Issue 11 "Proof": the classic walk-through people follow, against `edgeparity up` as a child
 * process, with the AWS CLI v2 (`/usr/bin/aws`) and curl on HTTP/1.1 and HTTP/2 — `aws s3 mb`,
 * `aws s3 cp`, `aws cloudfront create-distribution --distribution-config file://…` (an S3 origin,
 * legacy ForwardedValues), `wait distribution-deployed`, Miss then Hit with Via and Age,
 * `create-invalidation` → a Miss. The rest of the walk-through (update-distribution, errors,
 * disable + delete) is cli-cloudfront-api-update; restart and export are cli-cloudfront-api-state
 * (one file each, so each stays well within the runner's per-file timeout on a loaded machine).
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
});
