// `npm run check`: typecheck, lint, formatting, layer rules. Stops at the first failing gate.
import { spawnSync } from "node:child_process";

const gates = [
  ["typecheck", "tsc", ["-p", "tsconfig.json"]],
  ["lint", "oxlint", ["-c", ".oxlintrc.json", "src", "test", "bench", "scripts"]],
  ["format", "prettier", ["--check", "--log-level", "warn", "--no-error-on-unmatched-pattern", "src", "test", "bench", "scripts"]],
  ["layers", "depcruise", ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"]],
];
for (const [name, bin, args] of gates) {
  const r = spawnSync(`node_modules/.bin/${bin}`, args, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`check: ${name} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`check: ${name} ok`);
}
