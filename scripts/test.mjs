// Runs every test with node's test runner (TypeScript through tsx). System packages the tests
// need (Chromium, AWS CLI v2) are installed first when missing.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureSystemDeps } from "./system-deps.mjs";

ensureSystemDeps(["chromium", "awscli"]);

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "node_modules" && name !== "fixtures") findTests(p, out);
    } else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...findTests("src"), ...findTests("test")].sort();
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=120000", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
