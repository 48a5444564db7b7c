import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { importStack } from "../../src/importers/index.js";

/**
 * Conformance suite for every Importer (conventions §8): one stack written in each format the
 * importers read must produce one identical model, and warnings point back at file and line.
 */
const DC = {
  CallerReference: "conformance-1",
  Comment: "one distribution, two formats",
  Enabled: true,
  Aliases: { Quantity: 1, Items: ["www.example.com"] },
  WebACLId: "arn:aws:wafv2:us-east-1:000000000000:global/webacl/x/1",
  Origins: {
    Quantity: 1,
    Items: [{ Id: "api", DomainName: "api.example.com", CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: "http-only" } }],
  },
  DefaultCacheBehavior: { TargetOriginId: "api", ViewerProtocolPolicy: "allow-all", CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
};
const LOCAL = { origins: { "api.example.com": "http://127.0.0.1:9" } };

describe("importers: one stack, every format, one model", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ep-import-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function folder(name: string, files: Record<string, string>): Promise<string> {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) await writeFile(join(d, f), text);
    return d;
  }

  it("importers: edgeparity.yaml, a DistributionConfig JSON + overlay, and get-distribution-config's wrapper give the same model", async () => {
    const yamlOnly = await folder("yaml", { "edgeparity.yaml": stringify({ distributions: { web: DC }, local: LOCAL }) });
    const plain = await folder("dc", { "web.json": JSON.stringify(DC, null, 2), "edgeparity.yaml": stringify({ local: LOCAL }) });
    const wrapped = await folder("wrapped", {
      "web.json": JSON.stringify({ ETag: "E2QWRUHAPOMQZL", DistributionConfig: DC }, null, 2),
      "edgeparity.yaml": stringify({ local: LOCAL }),
    });
    const a = await importStack(yamlOnly);
    const b = await importStack(plain);
    const c = await importStack(wrapped);
    assert.deepEqual(b.stack, a.stack);
    assert.deepEqual(c.stack, a.stack);
    assert.deepEqual(
      [a, b, c].map((s) => s.warnings.map((w) => w.path)),
      [["distributions.web.WebACLId"], ["distributions.web.WebACLId"], ["distributions.web.WebACLId"]],
    );
  });

  it("importers: a not-emulated warning carries the file and line of its field, in YAML and in JSON", async () => {
    const y = await folder("lines-yaml", { "edgeparity.yaml": stringify({ distributions: { web: DC }, local: LOCAL }) });
    const j = await folder("lines-json", { "web.json": JSON.stringify({ DistributionConfig: DC }, null, 2), "edgeparity.yaml": stringify({ local: LOCAL }) });
    const [wy] = (await importStack(y)).warnings;
    const [wj] = (await importStack(j)).warnings;
    // stringify keeps key order: distributions, web, CallerReference, Comment, Enabled, Aliases (4 lines), WebACLId.
    assert.deepEqual({ file: wy!.file, line: wy!.line, column: wy!.column }, { file: join(y, "edgeparity.yaml"), line: 10, column: 5 });
    // JSON: `{`, `"DistributionConfig": {`, CallerReference, Comment, Enabled, Aliases (6 lines), WebACLId.
    assert.deepEqual({ file: wj!.file, line: wj!.line, column: wj!.column }, { file: join(j, "web.json"), line: 12, column: 5 });
  });

  it("importers: sources list every file read and every folder or file local: binds", async () => {
    const d = await folder("sources", {
      "web.json": JSON.stringify(DC),
      "edgeparity.yaml": stringify({
        local: { ...LOCAL, buckets: { site: { folder: "./public" } }, targetGroups: { fn: { targets: [{ lambda: "./fn.mjs" }] } } },
      }),
      "package.json": "{}",
      "notes.md": "not a stack",
    });
    const s = await importStack(d);
    assert.deepEqual(s.sources, [join(d, "edgeparity.yaml"), join(d, "web.json"), join(d, "public"), join(d, "fn.mjs")]);
    assert.equal(s.baseDir, d);
  });

  it("importers: a name two sources define differently is an error naming both files and lines", async () => {
    const d = await folder("conflict", {
      "web.json": JSON.stringify(DC, null, 2),
      "edgeparity.yaml": stringify({ distributions: { web: { ...DC, Comment: "other" } }, local: LOCAL }),
    });
    await assert.rejects(importStack(d), (e: Error) => {
      assert.match(e.message, /distributions\.web is defined differently in two sources: .*edgeparity\.yaml:2 and .*web\.json:1/);
      return true;
    });
    const d2 = await folder("conflict-local", {
      "edgeparity.yaml": stringify({ local: LOCAL }),
      "edgeparity.json": JSON.stringify({ distributions: { web: DC }, local: { origins: { "api.example.com": "http://127.0.0.1:10" } } }),
    });
    await assert.rejects(importStack(d2), /local\.origins\.api\.example\.com is defined differently in two sources/);
  });

  it("importers: a folder with nothing importable lists what each importer looked for", async () => {
    const d = await folder("empty", { "package.json": '{"name":"x"}', "broken.json": "{ nope", "README.md": "# hi" });
    await assert.rejects(importStack(d), (e: Error & { code?: string }) => {
      assert.equal(e.code, "FILE_NOT_FOUND");
      assert.match(
        e.message,
        /nothing importable in .*empty\. Looked for:\n {2}edgeparity-yaml: edgeparity\.yaml, edgeparity\.yml, edgeparity\.json\n {2}terraform: \*\.tf, \*\.tf\.json\n {2}terraform-show-json: \*\.json\n {2}cloudformation: \*\.yaml, \*\.yml, \*\.json, \*\.template\n {2}distribution-config: \*\.json/,
      );
      assert.match(e.message, /Unreadable candidates:\n {2}broken\.json \(line 1, column \d+\): not valid YAML or JSON/);
      return true;
    });
  });

  it("importers: a YAML syntax error names the file, line and column", async () => {
    const d = await folder("syntax", { "edgeparity.yaml": "local:\n  origins: {\n    a: [b\n" });
    await assert.rejects(importStack(d), /edgeparity\.yaml \(line \d+, column \d+\): not valid YAML or JSON/);
  });
});

describe("importers: validation errors point at the file and line", () => {
  it("importers: each problem parseStack reports is prefixed with file:line of its field (cloudfront.md §3)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-import-err-"));
    try {
      const bad = {
        ...DC,
        CacheBehaviors: {
          Quantity: 1,
          Items: [{ PathPattern: "/x/*", TargetOriginId: "ghost", ViewerProtocolPolicy: "allow-all", CachePolicyId: DC.DefaultCacheBehavior.CachePolicyId }],
        },
      };
      await writeFile(join(dir, "web.json"), JSON.stringify(bad, null, 2));
      await writeFile(join(dir, "edgeparity.yaml"), stringify({ local: LOCAL }));
      await assert.rejects(importStack(dir), (e: Error) => {
        const line = e.message.split("\n").find((l) => l.includes("TargetOriginId"));
        // Line of `"TargetOriginId": "ghost"` in the pretty-printed JSON.
        const expected =
          JSON.stringify(bad, null, 2)
            .split("\n")
            .findIndex((l) => l.includes('"ghost"')) + 1;
        assert.match(line ?? "", new RegExp(`^ {2}web\\.json:${expected}: distributions\\.web\\.CacheBehaviors\\.Items\\[0\\]\\.TargetOriginId: NoSuchOrigin`));
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("importers: lists from several sources", () => {
  const lb = (Name: string, Attributes: unknown[] = []) => ({
    Name,
    Attributes,
    Listeners: [{ Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "200" } }] }],
  });

  it("importers: load balancers from two sources are one list, and a warning on the second maps to its own file and line (alb.md §1)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-import-lists-"));
    try {
      await writeFile(join(dir, "edgeparity.json"), JSON.stringify({ loadBalancers: [lb("first")] }, null, 2));
      const second = stringify({ loadBalancers: [lb("second", [{ Key: "waf.fail_open.enabled", Value: "true" }])] });
      await writeFile(join(dir, "edgeparity.yaml"), second);
      const s = await importStack(dir);
      assert.deepEqual(
        s.stack.loadBalancers.map((l) => l.Name),
        ["first", "second"],
        "sources merge in file-name order: edgeparity.json, edgeparity.yaml",
      );
      const w = s.warnings.find((x) => x.path === "loadBalancers[1].Attributes[0]");
      assert.ok(w, JSON.stringify(s.warnings));
      // Merged index 1 is the YAML file's index 0; its Attributes[0] entry starts at `Key:`.
      assert.equal(w.file, join(dir, "edgeparity.yaml"));
      assert.equal(w.line, second.split("\n").findIndex((l) => l.includes("Key: waf")) + 1);

      await writeFile(join(dir, "edgeparity.yaml"), stringify({ loadBalancers: [lb("other"), lb("first")] }));
      await assert.rejects(importStack(dir), /loadBalancers 'first' is defined differently in two sources: .*edgeparity\.json:3 and .*edgeparity\.yaml:\d+/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
