import type { EdgeContext } from "../../edge-context.js";
import { CONTINUE, type StageResult } from "../stage.js";

/**
 * DefaultRootObject, then the first behaviour whose pattern matches (cloudfront.md §2, §9.4).
 * Choice: the root object is substituted before behaviour matching, so `/` is matched as
 * `/index.html` (spec §9.4 UNCONFIRMED; yulin does the same).
 */
export function matchBehavior(ctx: EdgeContext): StageResult {
  const plan = ctx.plan;
  if (ctx.viewerPath === "/" && plan.defaultRootPath !== "") ctx.uri = plan.defaultRootPath;
  const path = ctx.uri;
  const behaviors = plan.behaviors;
  for (let i = 0; i < behaviors.length; i++) {
    const b = behaviors[i]!;
    if (b.matches(path)) {
      ctx.behavior = b;
      return CONTINUE;
    }
  }
  throw new Error("invariant: the default behaviour matches every path");
}
