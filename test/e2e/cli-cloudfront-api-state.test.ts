import assert from "node:assert/strict";
import { readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { startWalkthrough, type Walkthrough } from "../support/cloudfront-walkthrough.js";
import { HTTP_VERSIONS } from "../support/curl-matrix.js";

/**
 * Issue 11 §State through the real CLI: a distribution created with `aws cloudfront
 * create-distribution` survives a restart of `edgeparity up` on the same state dir, and
 * `edgeparity export` writes the stack file + API resources as one stack file that
 * `edgeparity up --config <export>` serves with the same answers on HTTP/1.1 and HTTP/2.
 */
describe("e2e: API resources persist across restarts and export as a stack file (issue 11 §State)", () => {
  let w: Walkthrough;
  let id: string;
  const answers = async () =>
    Promise.all(
      HTTP_VERSIONS.flatMap((http) =>
        ["/index.html", "/page.html", "/"].map(async (p) => {
          const r = await w.get(p, http);
          return { p, http, status: r.status, body: r.body, type: r.headers["content-type"] };
        }),
      ),
    );
  before(async () => {
    w = await startWalkthrough();
    id = w.created.Distribution.Id;
  });
  after(async () => {
    await w?.close();
  });

  it("state: a restart on the same state dir keeps the API's distribution — same id, same ETag, same answers", async () => {
    const before = await answers();
    const { ETag } = JSON.parse(await w.aws("cloudfront", "get-distribution", "--id", id)) as { ETag: string };
    await w.restart();
    const listed = JSON.parse(await w.aws("cloudfront", "list-distributions")) as { DistributionList: { Items: { Id: string }[] } };
    assert.deepEqual(
      listed.DistributionList.Items.map((d) => d.Id),
      [id],
    );
    assert.equal((JSON.parse(await w.aws("cloudfront", "get-distribution", "--id", id)) as { ETag: string }).ETag, ETag);
    assert.deepEqual(await answers(), before);
  });

  it("state: edgeparity export is served identically by edgeparity up --config <export>, without the API's saved state", async () => {
    const exported = join(w.work, "export.yaml");
    const r = await runCli(["export", "--config", w.stackDir, "--state-dir", w.state, "--format", "yaml", "--out", exported]);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(exported, "utf8");
    assert.match(text, /walkthrough-1/);
    assert.match(text, /api\.example\.com/);
    const before = await answers();
    // The export alone must carry the distribution: the API's saved resources are moved away.
    await w.session().stop();
    await rename(join(w.state, "api"), join(w.work, "api-saved"));
    await w.restart(exported);
    assert.deepEqual(await answers(), before);
    const got = JSON.parse(await w.aws("cloudfront", "get-distribution", "--id", id)) as { Distribution: { DomainName: string } };
    assert.equal(got.Distribution.DomainName, w.created.Distribution.DomainName);
  });
});
