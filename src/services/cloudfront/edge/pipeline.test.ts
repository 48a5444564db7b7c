import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { REQUEST_STAGES, RESPONSE_STAGES } from "./pipeline.js";

it("pipeline: request then response stages, in the sorted order of the stage folders (design.md layer rule 6, cloudfront.md §1.1)", () => {
  const folders = readdirSync(fileURLToPath(new URL("./stages/", import.meta.url)), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const request = REQUEST_STAGES.map((s) => s.folder);
  const response = RESPONSE_STAGES.map((s) => s.folder);
  const all = [...request, ...response];
  assert.deepEqual(all, [...all].sort(), "pipeline.ts lists stages out of folder order (the response phase follows the request phase)");
  assert.ok(request.at(-1)! < response[0]!, "every response stage folder sorts after every request stage folder");
  // A built stage lives in its folder; a slot names the folder its stage will get (issue 10).
  for (const e of [...REQUEST_STAGES, ...RESPONSE_STAGES]) {
    if (e.slot === undefined) assert.ok(folders.includes(e.folder), `pipeline.ts names a missing folder ${e.folder}`);
    else assert.equal(e.build(undefined), undefined, `${e.folder} is an empty slot today`);
  }
  assert.deepEqual(
    folders.filter((f) => !all.includes(f)),
    [],
    "every stage folder is in the pipeline",
  );
});

it("pipeline: responses pass the response stages cloudfront.md §1.3 lets them through", () => {
  const runs = (folder: string) => new Set(RESPONSE_STAGES.filter((e) => e.folder === folder).flatMap((e) => e.runsFor));
  // A hit is neither compressed again nor stored again; an origin-request function's answer is cached.
  assert.deepEqual([...runs("75-compress")], ["origin"]);
  assert.deepEqual([...runs("80-cache-store")].sort(), ["origin", "origin-request-function"]);
  assert.deepEqual([...runs("65-origin-response-function")], ["origin"]);
  // Viewer-response: not for viewer-request answers nor CloudFront's own (redirects, 403/413).
  assert.deepEqual([...runs("85-viewer-response-function")].sort(), ["cache", "origin", "origin-request-function"]);
  // The response headers policy applies to everything; a viewer-request answer gets no custom error page.
  assert.equal(runs("90-response-headers-policy").size, 5);
  assert.ok(!RESPONSE_STAGES.filter((e) => e.folder === "88-custom-error")[0]!.runsFor.includes("viewer-request-function"));
  // Every request stage that can respond says what its response is.
  for (const e of REQUEST_STAGES) if (e.folder !== "20-behavior") assert.ok(e.responds, `${e.folder} declares its response source`);
});
