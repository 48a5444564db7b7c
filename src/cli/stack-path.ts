import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EdgeparityError } from "../core/errors.js";
import type { CliFlags } from "./args.js";

/** The embedded demo ships in the package (demo/stack.yaml beside dist/). */
export const DEMO_STACK = fileURLToPath(new URL("../../demo/stack.yaml", import.meta.url));

export function stackPath(flags: CliFlags): string {
  if (flags.demo) return DEMO_STACK;
  if (flags.config) return flags.config;
  for (const f of ["edgeparity.yaml", "edgeparity.yml", "edgeparity.json"]) if (existsSync(f)) return f;
  throw new EdgeparityError("FILE_NOT_FOUND", "no edgeparity.yaml here: pass --config FILE, or --demo for the embedded demo stack");
}
