import { isTraced, publishTrace } from "../../../../../core/trace.js";
import type { BehaviorPlan } from "../../../compile/plan.js";
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
  // Only the behaviours that can match the path's first segment, in order (plan.ts behaviorsFor).
  const behaviors = plan.behaviorsFor?.(path) ?? plan.behaviors;
  for (let i = 0; i < behaviors.length; i++) {
    const b = behaviors[i]!;
    if (b.matches(path)) {
      ctx.behavior = b;
      if (isTraced("behavior")) traceBehavior(ctx, plan.behaviors, b.index);
      return CONTINUE;
    }
  }
  throw new Error("invariant: the default behaviour matches every path");
}

/** How many of the behaviours listed before the match the trace explains. */
const EXPLAINED_MISSES = 3;

/** The match and, for the first behaviours before it, why they did not match (issue 15). */
function traceBehavior(ctx: EdgeContext, behaviors: readonly BehaviorPlan[], matched: number): void {
  const b = behaviors[matched]!;
  const plan = ctx.plan;
  const root = ctx.uri !== ctx.viewerPath ? ` (DefaultRootObject turned / into ${ctx.uri})` : "";
  const details: string[] = [];
  for (let i = 0; i < matched && i < EXPLAINED_MISSES; i++) {
    const miss = behaviors[i]!;
    // Path patterns are case-sensitive (cloudfront.md §2): say so when only the case differs.
    const caseOnly = miss.matches(ctx.uri.toLowerCase()) || miss.pathPattern.toLowerCase() === ctx.uri.toLowerCase();
    details.push(`CacheBehaviors[${i}] ${miss.pathPattern}: does not match ${ctx.uri}${caseOnly ? " (path patterns are case-sensitive)" : ""}`);
  }
  if (matched > EXPLAINED_MISSES) details.push(`… and ${matched - EXPLAINED_MISSES} more before it`);
  const which = b.pathPattern === "*" && matched === behaviors.length - 1 ? "DefaultCacheBehavior (*)" : `CacheBehaviors[${matched}] ${b.pathPattern}`;
  const own = ctx.isErrorPageFetch ? "custom error page fetch: " : ctx.isBackgroundRefresh ? "background refresh: " : "";
  publishTrace(
    "behavior",
    ctx.traceId,
    "cloudfront",
    `${own}distribution ${plan.name} (${plan.id}): ${which} for ${ctx.uri}${root} → origin ${b.originGroup?.id ?? b.origin.id}`,
    {
      details,
      data: { distribution: plan.id, pathPattern: b.pathPattern, index: matched },
    },
  );
}
