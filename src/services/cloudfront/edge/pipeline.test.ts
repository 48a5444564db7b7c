import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { STAGES } from "./pipeline.js";

it("pipeline: stage order in pipeline.ts is the sorted order of the stage folders (design.md layer rule 6)", () => {
  const folders = readdirSync(fileURLToPath(new URL("./stages/", import.meta.url)), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const inPipeline = STAGES.map((s) => s.folder);
  assert.deepEqual(inPipeline, [...inPipeline].sort(), "pipeline.ts lists stages out of folder order");
  for (const f of inPipeline) assert.ok(folders.includes(f), `pipeline.ts names a missing folder ${f}`);
  const respondOnly = folders.filter((f) => !inPipeline.includes(f));
  assert.deepEqual(respondOnly, ["99-respond"], "every stage folder but 99-respond must be in STAGES");
});
