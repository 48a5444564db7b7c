import { resolve } from "node:path";
import { resolveBindings } from "../engine/resolve-bindings.js";
import { importStack } from "../importers/index.js";
import type { CliFlags } from "./args.js";
import { stackPath } from "./stack-path.js";

/** Schema, AWS's cross-field checks and bindings; nothing listens. */
export async function runValidate(flags: CliFlags): Promise<number> {
  const loaded = await importStack(stackPath(flags));
  await resolveBindings(loaded.stack, loaded.baseDir, resolve(flags.stateDir));
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.path}: ${w.message}\n`);
  const s = loaded.stack;
  process.stdout.write(
    `${loaded.origin}: valid — ${Object.keys(s.distributions).length} distribution(s), ${Object.keys(s.buckets).length} bucket(s), ${s.loadBalancers.length} load balancer(s), ${s.targetGroups.length} target group(s); ${loaded.warnings.length} setting(s) not emulated\n`,
  );
  return 0;
}
