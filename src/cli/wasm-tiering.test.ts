import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { deferWasmTierUp } from "./wasm-tiering.js";

const MODULE = fileURLToPath(new URL("./wasm-tiering.ts", import.meta.url));
/** llhttp's parser is one wasm function of ~33 KB; node's own wasm helpers are under 2 KB each. */
const PARSER_MIN_BODY_SIZE = 10_000;
const UNDICI_PARTS = fileURLToPath(new URL("../core/http/undici-parts.ts", import.meta.url));

/**
 * A child node with `--trace-wasm-compilation-times` whose undici pool parses `responses` answers
 * of a local server, then idles `idleMs`: whether V8 compiled llhttp's parser (the one wasm function
 * of tens of KB; node's own small wasm helpers tier up regardless) with TurboFan. The child is
 * ended as soon as it did.
 */
function tiersUp(defer: boolean, responses: number, idleMs: number): Promise<boolean> {
  const script = [
    defer ? `const { deferWasmTierUp } = await import(${JSON.stringify(MODULE)}); deferWasmTierUp([]);` : "",
    `const { Pool } = await import(${JSON.stringify(UNDICI_PARTS)});`,
    'const http = await import("node:http");',
    'const server = http.createServer((q, s) => s.end("x".repeat(1024))).listen(0, "127.0.0.1");',
    'await new Promise((r) => server.once("listening", r));',
    "const pool = new Pool(`http://127.0.0.1:${server.address().port}`);",
    `for (let i = 0; i < ${responses}; i++) await (await pool.request({ path: "/", method: "GET" })).body.text();`,
    `await new Promise((r) => setTimeout(r, ${idleMs}));`,
    "await pool.close(); server.close();",
  ].join("\n");
  const child = spawn(process.execPath, ["--import", "tsx", "--trace-wasm-compilation-times", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    let tiered = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!tiered && [...out.matchAll(/using TurboFan.*bodysize (\d+)/g)].some((m) => Number(m[1]) > PARSER_MIN_BODY_SIZE)) {
        tiered = true;
        child.kill();
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (tiered || code === 0 ? resolve(tiered) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe("wasm tiering", () => {
  it("wasm-tiering: undici's parser is not recompiled with TurboFan after a few responses (issue 14: idle RSS, cold start)", async () => {
    // Control: with V8's default budget the parser tiers up after its first responses, so the check below can fail.
    assert.equal(await tiersUp(false, 5, 20_000), true);
    assert.equal(await tiersUp(true, 5, 2_000), false);
  });

  it("wasm-tiering: a budget the operator gave node on its command line is kept (issue 14)", () => {
    assert.equal(deferWasmTierUp(["--wasm-tiering-budget=1000"]), false);
  });
});
