import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EdgeparityError } from "../core/errors.js";
import { STACK_FILE_NAMES } from "../importers/index.js";
import type { CliFlags } from "./args.js";

/** The embedded demo ships in the package (demo/stack.yaml beside dist/). */
export const DEMO_STACK = fileURLToPath(new URL("../../demo/stack.yaml", import.meta.url));

/**
 * --demo, else --config, else the current folder when it holds an edgeparity.yaml: the whole
 * folder, so other sources beside it (a DistributionConfig JSON) merge with it as `--config .` would.
 */
export function stackPath(flags: CliFlags): string {
  if (flags.demo) return DEMO_STACK;
  if (flags.config) return flags.config;
  if (STACK_FILE_NAMES.some((f) => existsSync(f))) return ".";
  throw new EdgeparityError("FILE_NOT_FOUND", "no edgeparity.yaml here: pass --config FILE|DIR, or --demo for the embedded demo stack");
}
