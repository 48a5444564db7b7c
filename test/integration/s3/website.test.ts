import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";

/** Website endpoint over a bucket seeded from a folder (s3.md §9; local.buckets.<name>.folder). */
describe("s3 website endpoint", () => {
  let stack: EdgeparityStack;
  let folder: string;
  let base: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "edgeparity-site-"));
    await mkdir(join(folder, "docs"));
    await writeFile(join(folder, "index.html"), "<h1>home</h1>");
    await writeFile(join(folder, "docs", "index.html"), "<h1>docs</h1>");
    await writeFile(join(folder, "404.html"), "<h1>not here</h1>");
    stack = await startEdgeparity({
      config: {
        buckets: {
          "www-site": {
            WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "404.html" } },
            Policy: {
              Statement: [
                { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::www-site/*" },
                { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::www-site" },
              ],
            },
          },
        },
        local: { buckets: { "www-site": { folder } } },
      },
    });
    base = `http://www-site.s3-website.localhost:${stack.httpPort}`;
  });
  after(async () => {
    await stack.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("website: / and /docs/ serve the index document, seeded from the folder with Content-Type by extension (s3.md §9)", async () => {
    const r = await stack.fetch(`${base}/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/html");
    assert.equal(await r.text(), "<h1>home</h1>");
    assert.equal(await (await stack.fetch(`${base}/docs/`)).text(), "<h1>docs</h1>");
  });

  it("website: /docs without a slash → 302 to /docs/ (s3.md §9)", async () => {
    const r = await stack.fetch(`${base}/docs`, { redirect: "manual" });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get("location"), "/docs/");
  });

  it("website: a missing key returns the error document with the original 404 (ListBucket granted); PUT → 405 HTML (s3.md §9)", async () => {
    const r = await stack.fetch(`${base}/nope`);
    assert.equal(r.status, 404);
    assert.equal(await r.text(), "<h1>not here</h1>");
    const p = await stack.fetch(`${base}/x`, { method: "PUT", body: "x" });
    assert.equal(p.status, 405);
    assert.match(await p.text(), /<li>Code: MethodNotAllowed<\/li>/);
  });
});
