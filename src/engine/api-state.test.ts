import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryLog } from "../core/log.js";
import type { StackFragment } from "../core/service.js";
import { parseStack } from "../model/parse-stack.js";
import type { Stack } from "../model/stack.js";
import { API_STATE_FILE, ApiState } from "./api-state.js";

/** A stand-in engine: `serve` records the fragments it was given, refusing those `refuse` names. */
function engine(refuse: (f: StackFragment) => boolean = () => false) {
  const served: StackFragment[] = [];
  let revision = 1;
  const empty = parseStack({}, "test").stack;
  let live: Stack = empty;
  return {
    served,
    hooks: {
      live: () => live,
      revision: () => revision,
      log: new MemoryLog(),
      async serve(f: StackFragment) {
        if (refuse(f)) throw new Error("refused");
        served.push(f);
        live = { ...empty, distributions: (f.distributions ?? {}) as Stack["distributions"] };
        return ++revision;
      },
    },
  };
}

describe("api-state: the AWS API's resources as a stack fragment of their own (issue 11 §State)", () => {
  it("api-state: a mutation is served as the next revision, then persisted; a new process reads it back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-api-state-"));
    try {
      const e = engine();
      const api = (await ApiState.open(dir)).stackApi(e.hooks);
      const { result, revision } = await api.mutate<string, { n: number }>("cloudfront", (d) => {
        d.stack.distributions = { a: { Comment: "x" } };
        d.records = { n: 1 };
        return "made";
      });
      assert.equal(result, "made");
      assert.equal(revision, 2);
      assert.deepEqual(e.served, [{ distributions: { a: { Comment: "x" } } }]);
      assert.equal(api.ownerOf("distributions", "a"), "api");
      const saved = JSON.parse(await readFile(join(dir, API_STATE_FILE), "utf8")) as { stack: unknown; records: unknown };
      assert.deepEqual(saved.stack, { distributions: { a: { Comment: "x" } } });
      const again = (await ApiState.open(dir)).stackApi(engine().hooks);
      assert.deepEqual(again.fragment(), { distributions: { a: { Comment: "x" } } });
      assert.deepEqual(again.records("cloudfront"), { n: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("api-state: a refused revision or a throwing change leaves fragment, records and file unchanged", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-api-state-"));
    try {
      const e = engine((f) => "bad" in ((f.distributions as object) ?? {}));
      const api = (await ApiState.open(dir)).stackApi(e.hooks);
      await assert.rejects(
        api.mutate("cloudfront", (d) => {
          d.stack.distributions = { bad: {} };
          d.records = { n: 1 };
        }),
        /refused/,
      );
      await assert.rejects(
        api.mutate("cloudfront", (d) => {
          d.stack.distributions = { ok: {} };
          throw new Error("operation error");
        }),
        /operation error/,
      );
      assert.deepEqual(api.fragment(), {});
      assert.equal(api.records("cloudfront"), undefined);
      await assert.rejects(readFile(join(dir, API_STATE_FILE)), { code: "ENOENT" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("api-state: a records-only change is persisted without a revision", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ep-api-state-"));
    try {
      const e = engine();
      const api = (await ApiState.open(dir)).stackApi(e.hooks);
      const { revision } = await api.mutate<void, { tags: string[] }>("cloudfront", (d) => void (d.records = { tags: ["t"] }));
      assert.equal(revision, 1);
      assert.equal(e.served.length, 0);
      assert.deepEqual((await ApiState.open(dir)).stackApi(e.hooks).records("cloudfront"), { tags: ["t"] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
