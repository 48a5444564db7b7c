import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { stringify } from "yaml";
import { startLiveReload, type LiveReload, type LiveReloadOptions } from "../../../src/cli/live-reload.js";
import { systemClock } from "../../../src/core/clock.js";
import { MemoryLog } from "../../../src/core/log.js";
import { startEdgeparity, type EdgeparityStack } from "../../../src/index.js";
import { CACHING_DISABLED, customOrigin } from "../../support/stacks.js";

/**
 * The reload loop of `edgeparity up` (issue 9) on a real in-process stack and real file events:
 * one update at a time with edits during it coalesced into one more, saves by rename, the files a
 * new revision binds, a stack folder. The stack's `update` is the real one, observed (and held
 * back, to make edits land during an update); the CLI-level behaviour is in test/e2e/cli-live-reload.
 */
const ORIGIN = "http://127.0.0.1:9";

function distribution(comment: string) {
  return {
    Comment: comment,
    Origins: { Items: [customOrigin("web", "web.example.com")] },
    DefaultCacheBehavior: { TargetOriginId: "web", ViewerProtocolPolicy: "allow-all", CachePolicyId: CACHING_DISABLED },
  };
}
function stackDoc(comment: string, handler?: string) {
  return {
    distributions: { app: distribution(comment) },
    ...(handler
      ? {
          targetGroups: [{ Name: "fn-tg", TargetType: "lambda" }],
          loadBalancers: [{ Name: "fns", Listeners: [{ Protocol: "HTTP", Port: 80, DefaultActions: [{ Type: "forward", TargetGroupArn: "fn-tg" }] }] }],
        }
      : {}),
    local: { origins: { "web.example.com": ORIGIN }, ...(handler ? { targetGroups: { "fn-tg": { targets: [{ lambda: handler }] } } } : {}) },
  };
}
const HANDLER = `export const handler = async () => ({ statusCode: 200, body: "ok" });\n`;

async function until(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  const start = performance.now();
  while (!probe()) {
    if (performance.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Harness {
  dir: string;
  stack: EdgeparityStack;
  reload: LiveReload;
  applied: { revision: number; changes: string[] }[];
  rejected: { revision: number; serving: number; error: Error }[];
  calls: number;
  /** Updates that have applied their revision (and may now be held). */
  appliedBeforeHold: number;
  maxConcurrent: number;
  /** While set, an update waits for it after applying, before it returns. */
  hold: Promise<void> | undefined;
  close(): Promise<void>;
}

async function startHarness(files: Record<string, string>, config: string, o: Partial<LiveReloadOptions> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "ep-reload-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const stack = await startEdgeparity({ config: join(dir, config) });
  let concurrent = 0;
  const h: Harness = {
    dir,
    stack,
    applied: [],
    rejected: [],
    calls: 0,
    appliedBeforeHold: 0,
    maxConcurrent: 0,
    hold: undefined,
    reload: undefined as unknown as LiveReload,
    async close() {
      await h.reload.close();
      await stack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  h.reload = await startLiveReload({
    stack: {
      get model() {
        return stack.model;
      },
      get sources() {
        return stack.sources;
      },
      async update(config, options) {
        h.calls++;
        h.maxConcurrent = Math.max(h.maxConcurrent, ++concurrent);
        try {
          const warnings = await stack.update(config, options);
          h.appliedBeforeHold++;
          await h.hold;
          return warnings;
        } finally {
          concurrent--;
        }
      },
    },
    config: join(dir, config),
    configIsFolder: false,
    isStackFileName: (n) => n === "edgeparity.yaml" || n.endsWith(".json"),
    clock: systemClock,
    log: new MemoryLog(),
    debounceMs: 50,
    onApplied: (r) => h.applied.push(r),
    onRejected: (r) => h.rejected.push(r),
    ...o,
  });
  return h;
}

describe("live-reload: the reload loop of edgeparity up (issue 9)", () => {
  let h: Harness | undefined;
  after(async () => h?.close());

  it("live-reload: edits arriving during an update coalesce into exactly one more update; never two at once", async () => {
    h = await startHarness({ "edgeparity.yaml": stringify(stackDoc("edit 0")) }, "edgeparity.yaml");
    try {
      let release!: () => void;
      h.hold = new Promise((r) => (release = r));
      const file = join(h.dir, "edgeparity.yaml");
      await writeFile(file, stringify(stackDoc("edit 1")));
      await until("the first update has applied edit 1 and is held", () => h!.appliedBeforeHold === 1);
      // Three edits, each after the debounce has passed, all while the first update is held.
      for (const n of [2, 3, 4]) {
        await writeFile(file, stringify(stackDoc(`edit ${n}`)));
        await settle(120);
      }
      assert.equal(h.calls, 1, "no second update while the first runs");
      h.hold = undefined;
      release();
      await until("two revisions applied", () => h!.applied.length === 2);
      await settle(300);
      assert.equal(h.calls, 2, "exactly one more update for the three edits");
      assert.equal(h.maxConcurrent, 1);
      assert.deepEqual(
        h.applied.map((a) => [a.revision, a.changes]),
        [
          [2, ["distribution app: Comment edit 0 → edit 1"]],
          // The three edits made while revision 2 was being applied: one update, the last edit.
          [3, ["distribution app: Comment edit 1 → edit 4"]],
        ],
      );
      assert.equal(h.stack.revision, 3);
    } finally {
      await h.close();
      h = undefined;
    }
  });

  it("live-reload: a save by rename (as editors do) is picked up each time; swap and backup files beside the stack are not", async () => {
    h = await startHarness({ "edgeparity.yaml": stringify(stackDoc("v0")) }, "edgeparity.yaml");
    try {
      await writeFile(join(h.dir, ".edgeparity.yaml.swp"), "swap");
      await writeFile(join(h.dir, "edgeparity.yaml~"), "backup");
      await writeFile(join(h.dir, "4913"), "");
      await settle(300);
      assert.equal(h.calls, 0, "editor side files make no update");
      for (const v of ["v1", "v2"]) {
        const tmp = join(h.dir, `.edgeparity.yaml.${v}.tmp`);
        await writeFile(tmp, stringify(stackDoc(v)));
        await rename(tmp, join(h.dir, "edgeparity.yaml"));
        await until(`the save of ${v} is applied`, () => h!.applied.some((a) => a.changes.some((c) => c.endsWith(`→ ${v}`))));
      }
      assert.deepEqual(
        h.applied.map((a) => a.changes),
        [["distribution app: Comment v0 → v1"], ["distribution app: Comment v1 → v2"]],
      );
    } finally {
      await h.close();
      h = undefined;
    }
  });

  it("live-reload: a refused edit is reported with the revision it would have been and the one still serving", async () => {
    h = await startHarness({ "edgeparity.yaml": stringify(stackDoc("v0")) }, "edgeparity.yaml");
    try {
      await writeFile(join(h.dir, "edgeparity.yaml"), "distributions: [unclosed\n");
      await until("the edit is refused", () => h!.rejected.length === 1);
      assert.equal(h.rejected[0]!.revision, 2);
      assert.equal(h.rejected[0]!.serving, 1);
      assert.match(h.rejected[0]!.error.message, /edgeparity\.yaml \(line \d+, column \d+\): not valid YAML or JSON/);
      assert.equal(h.stack.revision, 1);
      // Watching goes on: the fix is revision 2.
      await writeFile(join(h.dir, "edgeparity.yaml"), stringify(stackDoc("v1")));
      await until("the fix is applied", () => h!.applied.length === 1);
      assert.equal(h.applied[0]!.revision, 2);
    } finally {
      await h.close();
      h = undefined;
    }
  });

  it("live-reload: a handler file a new revision binds is watched from then on; one it no longer binds is not (alb.md §10)", async () => {
    h = await startHarness({ "edgeparity.yaml": stringify(stackDoc("v0")), "a.mjs": HANDLER, "b.mjs": HANDLER }, "edgeparity.yaml");
    try {
      const file = join(h.dir, "edgeparity.yaml");
      const watchedFiles = () => h!.reload.watched.map((t) => ("file" in t ? t.file : t.folder)).sort();
      assert.deepEqual(watchedFiles(), [file]);
      await writeFile(join(h.dir, "a.mjs"), HANDLER);
      await settle(300);
      assert.equal(h.calls, 0, "a.mjs is not bound yet");

      await writeFile(file, stringify(stackDoc("v0", "a.mjs")));
      await until("revision 2", () => h!.applied.length === 1);
      assert.deepEqual(h.applied[0]!.changes, ["load balancer fns added", "target group fn-tg added", "local.targetGroups.fn-tg added"]);
      assert.deepEqual(watchedFiles(), [join(h.dir, "a.mjs"), file]);
      await writeFile(join(h.dir, "a.mjs"), HANDLER.replace("ok", "ok 2"));
      await until("revision 3", () => h!.applied.length === 2);
      assert.deepEqual(h.applied[1]!.changes, ["target group fn-tg: Lambda handler a.mjs changed"]);

      await writeFile(file, stringify(stackDoc("v0", "b.mjs")));
      await until("revision 4", () => h!.applied.length === 3);
      assert.deepEqual(h.applied[2]!.changes, ["local.targetGroups.fn-tg.targets[0].lambda a.mjs → b.mjs"]);
      assert.deepEqual(watchedFiles(), [join(h.dir, "b.mjs"), file]);
      await writeFile(join(h.dir, "a.mjs"), HANDLER);
      await settle(300);
      assert.equal(h.applied.length, 3, "a.mjs is no longer bound");
      await writeFile(join(h.dir, "b.mjs"), HANDLER.replace("ok", "ok b"));
      await until("revision 5", () => h!.applied.length === 4);
      assert.deepEqual(h.applied[3]!.changes, ["target group fn-tg: Lambda handler b.mjs changed"]);

      // A handler edited while the stack file is broken is reported by the revision that fixes it.
      await writeFile(file, "targetGroups: [unclosed\n");
      await writeFile(join(h.dir, "b.mjs"), HANDLER.replace("ok", "ok c"));
      await until("the broken stack is refused", () => h!.rejected.length >= 1);
      await settle(200);
      await writeFile(file, stringify(stackDoc("v0", "b.mjs")));
      await until("revision 6", () => h!.applied.length === 5);
      assert.deepEqual(h.applied[4]!.changes, ["target group fn-tg: Lambda handler b.mjs changed"]);
    } finally {
      await h.close();
      h = undefined;
    }
  });

  it("live-reload: --config DIR: a DistributionConfig JSON added to the folder is a new distribution; package.json beside it is no revision", async () => {
    h = await startHarness({ "edgeparity.yaml": stringify(stackDoc("v0")), "package.json": "{}" }, ".", { configIsFolder: true });
    try {
      await writeFile(join(h.dir, "notes.txt"), "not a stack file");
      await writeFile(join(h.dir, "package.json"), '{ "name": "x" }');
      await settle(300);
      assert.equal(h.calls, 0, "files the importers passed over make no update");
      await writeFile(join(h.dir, "web.json"), JSON.stringify(distribution("from JSON")));
      await until("the new file is applied", () => h!.applied.length === 1);
      assert.deepEqual(h.applied[0]!.changes, ["distribution web added"]);
      assert.ok(h.stack.distributions.web, "distribution web serves");
    } finally {
      await h.close();
      h = undefined;
    }
  });
});
