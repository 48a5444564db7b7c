import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

/** A bucket bound to a folder is seeded at start and re-synced when the folder changes (issue 4 "Seeding"). */
describe("s3: folder-bound bucket seeding and re-sync", () => {
  let stack: EdgeparityStack;
  let folder: string;
  const publicRead = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] };
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "ep-seed-"));
    await writeFile(join(folder, "a.txt"), "v1");
    stack = await startEdgeparity({ config: { buckets: { site: { Policy: publicRead } }, local: { buckets: { site: { folder } } } } });
  });
  after(async () => {
    await stack.close();
    await rm(folder, { recursive: true, force: true });
  });
  const get = (key: string) => stack.fetch(new URL(`/${key}`, stack.buckets.site!.httpUrl));

  async function eventually(key: string, expected: string | number): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = await get(key);
      const got = typeof expected === "number" ? r.status : await r.text();
      if (typeof expected === "number" ? got === expected : r.status === 200 && got === expected) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.fail(`${key} never became ${expected}`);
  }

  it("seed: objects present in the folder at start are served", async () => {
    const r = await get("a.txt");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "v1");
  });

  it("re-sync: a changed file, a new file and a deleted file are reflected without a restart", async () => {
    await writeFile(join(folder, "a.txt"), "v2");
    await writeFile(join(folder, "b.txt"), "new");
    await eventually("a.txt", "v2");
    await eventually("b.txt", "new");
    await rm(join(folder, "b.txt"));
    // No s3:ListBucket in the policy, so a missing key is 403 AccessDenied (s3.md §8), not 404.
    await eventually("b.txt", 403);
  });
});
