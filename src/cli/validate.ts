import { resolve } from "node:path";
import { systemClock } from "../core/clock.js";
import { randomIds } from "../core/ids.js";
import { MemoryLog } from "../core/log.js";
import { planRevision, REGION } from "../engine/start-stack.js";
import { importStack } from "../importers/index.js";
import type { CliFlags } from "./args.js";
import { stackPath } from "./stack-path.js";

/** Schema, AWS's cross-field checks and bindings; nothing listens. */
export async function runValidate(flags: CliFlags): Promise<number> {
  const loaded = await importStack(stackPath(flags), { parameters: flags.parameters, variables: flags.variables, varFiles: flags.varFiles });
  // Every service binds and compiles exactly as `up` would; origin doors are stand-ins, nothing listens.
  const door = { httpUrl: "http://127.0.0.1:9", httpsUrl: "https://127.0.0.1:9" };
  await planRevision(
    loaded.stack,
    { baseDir: loaded.baseDir, stateDir: resolve(flags.stateDir), region: REGION, log: new MemoryLog(), ids: randomIds, clock: systemClock },
    async () => door,
  ).catch((e: unknown) => {
    throw loaded.locateProblems(e);
  });
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w.file}${w.line === undefined ? "" : `:${w.line}`}: ${w.path}: ${w.message}\n`);
  const s = loaded.stack;
  process.stdout.write(
    `${loaded.origin}: valid — ${Object.keys(s.distributions).length} distribution(s), ${Object.keys(s.buckets).length} bucket(s), ${s.loadBalancers.length} load balancer(s), ${s.targetGroups.length} target group(s); ${loaded.warnings.length} setting(s) not emulated\n`,
  );
  return 0;
}
