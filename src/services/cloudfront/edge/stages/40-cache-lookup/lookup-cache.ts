import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, type StageResult } from "../stage.js";

/** Cache lookup (cloudfront.md §4). Not emulated yet: every request is a miss. */
export function lookupCache(_ctx: EdgeContext): StageResult {
  return CONTINUE;
}
