import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const MODULE = fileURLToPath(new URL("./tick-object-shape.ts", import.meta.url));

/**
 * A child node with `--log-maps`: tick objects come and go, a full GC runs while none is alive,
 * then more come. Returns how often each source position made the map transition that adds
 * Node's async_id_symbol (nextTick's tick-object literal is one of them).
 */
function asyncIdTransitions(keep: boolean): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "ep-tick-"));
  try {
    const script = [
      keep ? `const { keepTickObjectShape } = await import(${JSON.stringify(MODULE)}); keepTickObjectShape();` : "",
      "const spin = () => new Promise((r) => { let n = 0; const f = () => (++n < 200 ? process.nextTick(f, n) : setImmediate(r)); f(); });",
      "await spin();",
      "globalThis.gc();",
      "await spin();",
    ].join("\n");
    const log = join(dir, "v8.log");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "--expose-gc", "--log-maps", `--logfile=${log}`, "--no-logfile-per-isolate", "--input-type=module", "-e", script],
      { encoding: "utf8", timeout: 20_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const counts = new Map<string, number>();
    for (const line of readFileSync(log, "latin1").split("\n")) {
      if (!line.startsWith("map,Transition,") || !line.includes('symbol("async_id_symbol"')) continue;
      const f = line.split(",");
      const at = `${f[6]}:${f[7]}`;
      counts.set(at, (counts.get(at) ?? 0) + 1);
    }
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("tick object shape", () => {
  it("tick-object-shape: a GC while no tick object is alive leaves nextTick's maps in place (issue 14: the long-running slowdown)", () => {
    // Control: without the kept tick object the GC frees the maps and one literal builds its
    // transition again, so the check below can fail.
    const control = asyncIdTransitions(false);
    const rebuilt = [...control].filter(([, n]) => n >= 2).map(([at]) => at);
    assert.equal(rebuilt.length, 1, `one position rebuilds the transition: ${JSON.stringify([...control])}`);
    const kept = asyncIdTransitions(true);
    assert.equal(kept.get(rebuilt[0]!), 1, JSON.stringify([...kept]));
  });
});
