import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { widenPolymorphicInlineCaches } from "./polymorphic-ics.js";

const MODULE = fileURLToPath(new URL("./polymorphic-ics.ts", import.meta.url));

/**
 * A child node with `--log-ic`: one property read sees `shapes` object shapes; returns the states
 * its inline cache went through (V8's log letters: 1 monomorphic, P polymorphic, N megamorphic).
 */
function icStates(widen: boolean, shapes: number): string {
  const dir = mkdtempSync(join(tmpdir(), "ep-ic-"));
  try {
    const script = [
      widen ? `const { widenPolymorphicInlineCaches } = await import(${JSON.stringify(MODULE)}); widenPolymorphicInlineCaches([]);` : "",
      "function readX(o) { return o.probeX; }",
      `const objs = Array.from({ length: ${shapes} }, (_, i) => ({ ["p" + i]: 1, probeX: i }));`,
      "let s = 0; for (let k = 0; k < 3; k++) for (const o of objs) s += readX(o);",
    ].join("\n");
    const log = join(dir, "v8.log");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--log-ic", `--logfile=${log}`, "--no-logfile-per-isolate", "--input-type=module", "-e", script],
      {
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("LoadIC,") && l.split(",")[8] === "probeX")
      .map((l) => l.split(",")[6])
      .join("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("polymorphic inline caches", () => {
  it("polymorphic-ics: a property read that sees 8 object shapes stays polymorphic (issue 14: the long-running slowdown)", () => {
    // Control: V8's default limit (4) turns the same read megamorphic, so the check below can fail.
    assert.match(icStates(false, 8), /N/);
    const widened = icStates(true, 8);
    assert.match(widened, /P/);
    assert.doesNotMatch(widened, /N/);
  });

  it("polymorphic-ics: a limit the operator gave node on its command line is kept (issue 14)", () => {
    assert.equal(widenPolymorphicInlineCaches(["--max-valid-polymorphic-map-count=2"]), false);
  });
});
