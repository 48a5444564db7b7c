import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, type StageResult } from "../stage.js";

/** Cache store (cloudfront.md §4.3, §4.6). Not emulated yet: nothing is stored. */
export function storeInCache(_ctx: EdgeContext): StageResult {
  return CONTINUE;
}
