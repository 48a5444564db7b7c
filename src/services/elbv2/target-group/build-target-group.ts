import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import type { Log } from "../../../core/log.js";
import type { TargetGroup } from "../schema/load-balancer.js";
import { invoke, parseLambdaResult, type LambdaFunction } from "./lambda-target.js";
import { TargetGroupRuntime, targetId } from "./target-group.js";

/**
 * A revision's runtime for one target group: health checks by HTTP, or by the Lambda health-check
 * event for a Lambda group (alb.md §10.3), and the bound targets registered as the first batch.
 * `replaces` is the group's runtime in the previous revision when the group was modified: its
 * counters go on, targets still registered keep their health (ModifyTargetGroup and
 * ModifyTargetGroupAttributes do not reset target health in AWS), and targets no longer bound
 * drain for the deregistration delay.
 */
export interface TargetGroupBuild {
  arn: string;
  /** URL targets, or the function for a Lambda group. */
  targets: readonly string[];
  lambda: { fn: LambdaFunction; functionArn: string } | undefined;
  inUse: boolean;
  idleTimeoutMs: number;
  clock: Clock;
  ids: Ids;
  log: Log;
  replaces: TargetGroupRuntime | undefined;
}

export function buildTargetGroup(tg: TargetGroup, b: TargetGroupBuild): TargetGroupRuntime {
  const fn = b.lambda?.fn;
  const arn = b.arn;
  const runtime = new TargetGroupRuntime(tg, {
    arn,
    clock: b.clock,
    ids: b.ids,
    log: b.log,
    inUse: b.inUse,
    idleTimeoutMs: b.idleTimeoutMs,
    counters: b.replaces?.counters,
    probe: fn
      ? async (_t, s) => {
          // alb.md §10.3: the health-check event; pass = statusCode in the matcher (Choice).
          const event = {
            requestContext: { elb: { targetGroupArn: arn } },
            httpMethod: "GET",
            path: s.path,
            queryStringParameters: {},
            headers: { "user-agent": "ELB-HealthChecker/2.0" },
            body: "",
            isBase64Encoded: false,
          };
          try {
            const r = parseLambdaResult(await invoke(fn, event), false);
            return s.matcher(r.status)
              ? { ok: true }
              : { ok: false, reason: "Target.ResponseCodeMismatch", description: `Health checks failed with these codes: [${r.status}]` };
          } catch {
            return { ok: false, reason: "Target.FailedHealthChecks", description: "Health checks failed" };
          }
        }
      : undefined,
  });
  // Choice: health carries over only between groups of the same kind and protocol (a change of
  // TargetType, Protocol or Port is a new target group in AWS: those fields cannot be modified).
  const same = b.replaces && sameIdentity(b.replaces.config, tg) ? b.replaces : undefined;
  if (b.lambda) {
    runtime.register(`lambda:${tg.Name}`, b.lambda.functionArn, true, same?.carryOf(b.lambda.functionArn));
  } else for (const url of b.targets) runtime.register(url, undefined, true, same?.carryOf(targetId(url)));
  if (same) runtime.drainRemovedFrom(same);
  return runtime;
}

function sameIdentity(a: TargetGroup, b: TargetGroup): boolean {
  return a.TargetType === b.TargetType && a.Protocol === b.Protocol && a.Port === b.Port && a.ProtocolVersion === b.ProtocolVersion;
}
