import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { parseFlags } from "../../../src/cli/args.js";
import { runExport } from "../../../src/cli/export.js";
import { API_STATE_FILE } from "../../../src/engine/api-state.js";

/**
 * `edgeparity export` (issue 11 §State): the stack file's sources + the API's saved fragment, merged
 * as `up` merges them, in YAML or JSON, bound folders made absolute; a clash `up` would refuse is
 * refused here too. The end-to-end round trip through `up` is e2e/cli-cloudfront-api-state.
 */
describe("cli export: file + API resources as one stack file (issue 11 §State)", () => {
  let dir: string;
  const dc = (comment: string) => ({
    CallerReference: comment,
    Comment: comment,
    Origins: { Items: [{ Id: "s3", DomainName: "site.s3.amazonaws.com", S3OriginConfig: {} }] },
    DefaultCacheBehavior: { TargetOriginId: "s3", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
  });
  const saveApi = (stack: object) => writeFile(join(dir, "state", API_STATE_FILE), JSON.stringify({ format: 1, stack, records: {} }));
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-export-"));
    await mkdir(join(dir, "state", "api"), { recursive: true });
    await mkdir(join(dir, "site"));
    await writeFile(join(dir, "edgeparity.yaml"), `distributions:\n  web: ${JSON.stringify(dc("file"))}\nlocal:\n  buckets:\n    site: { folder: ./site }\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => runExport(parseFlags(["export", "--config", join(dir, "edgeparity.yaml"), "--state-dir", join(dir, "state"), ...args]));

  it("export: YAML and JSON hold the file's and the API's distributions, with bound folders absolute", async () => {
    await saveApi({ distributions: { "api-abc": dc("api") } });
    for (const format of ["yaml", "json"]) {
      const out = join(dir, `out.${format}`);
      assert.equal(await run("--format", format, "--out", out), 0);
      const text = await readFile(out, "utf8");
      const doc = (format === "json" ? JSON.parse(text) : parse(text)) as {
        distributions: Record<string, { Comment: string }>;
        local: { buckets: { site: { folder: string } } };
      };
      assert.deepEqual(Object.keys(doc.distributions).sort(), ["api-abc", "web"], format);
      assert.equal(doc.distributions["api-abc"]!.Comment, "api");
      assert.equal(doc.local.buckets.site.folder, join(dir, "site"));
    }
  });

  it("export: a name the file and the API define differently is refused, naming both sources", async () => {
    await saveApi({ distributions: { web: dc("other") } });
    await assert.rejects(run("--out", join(dir, "x.yaml")), /defined differently in two sources: .*the resources created through the AWS API/);
  });
});
