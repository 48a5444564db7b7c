// Runs every test with node's test runner (TypeScript through tsx). System packages the tests
// need (Chromium, AWS CLI v2) are installed first when missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
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
// `*.slow.test.ts` (real Terraform runs: the provider's own waiters sleep 30 s) start first, so they
// overlap the rest of the suite instead of trailing it.
files = [...files.filter((f) => f.includes(".slow.")), ...files.filter((f) => !f.includes(".slow."))];
// One local CA for the whole run, never the user's own (~/.local/share/edgeparity/ca): tests stay
// isolated from the machine, and pay for CA key generation once.
const caDir = process.env.EDGEPARITY_CA_DIR ? undefined : mkdtempSync(join(tmpdir(), "edgeparity-test-ca-"));
const env = caDir ? { ...process.env, EDGEPARITY_CA_DIR: caDir } : process.env;
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=420000", ...files], { stdio: "inherit", env });
if (caDir) rmSync(caDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
