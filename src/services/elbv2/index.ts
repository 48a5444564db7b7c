import type { Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { HttpHandler, RunningService } from "../../core/service.js";
import { ALB_REQUEST } from "../../core/trace.js";
import { sendAlbError } from "./errors.js";
import { forwardToTargetGroup, TargetGroupRuntime } from "./listener/forward.js";
import type { Action, LoadBalancer, TargetGroup } from "./schema/load-balancer.js";
import { targetGroupName } from "./schema/validate-load-balancers.js";

export { startCommandTarget, type CommandTarget } from "./target-group/command-target.js";

/** `<name>-<digits>.<region>.elb.localhost` and its AWS spelling, digits stable per name (design.md §Hostnames). */
export function loadBalancerHosts(lbName: string, region: string): { local: string; cloud: string } {
  const name = lbName.toLowerCase();
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  const id = String(1_000_000_000 + (h % 1_000_000_000));
  return { local: `${name}-${id}.${region}.elb.localhost`.toLowerCase(), cloud: `${name}-${id}.${region}.elb.amazonaws.com`.toLowerCase() };
}

/** The load balancer an AWS DNS name (`name-123.region.elb.amazonaws.com`, or ours) stands for. */
export function loadBalancerFromHost(host: string): string | undefined {
  const m = /^(?:internal-)?([a-z0-9-]+?)-\d+\.[a-z0-9-]+\.elb\.(?:amazonaws\.com|localhost)$/i.exec(host);
  return m?.[1];
}

export interface Elbv2Deps {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  /** Target group name → registered target URLs (from bindings, after commands started). */
  targets: ReadonlyMap<string, readonly string[]>;
}

/** Minimal ALB: each load balancer's HTTP/HTTPS listener forwards with its default action. */
export function startElbv2(lbs: readonly LoadBalancer[], tgs: readonly TargetGroup[], deps: Elbv2Deps): RunningService {
  const runtimes = new Map<string, TargetGroupRuntime>();
  for (const tg of tgs) runtimes.set(tg.Name, new TargetGroupRuntime(tg.Name, deps.targets.get(tg.Name) ?? [], 60_000));
  const routes = new Map<string, HttpHandler>();
  for (const lb of lbs) {
    const hosts = loadBalancerHosts(lb.Name, deps.region);
    const handler: HttpHandler = (req, res, conn) => {
      const started = performance.now();
      const listener = lb.Listeners.find((l) => l.Protocol.toLowerCase() === conn.protocol) ?? lb.Listeners[0];
      const action = listener?.DefaultActions.find((a) => a.Type === "forward") ?? listener?.DefaultActions[0];
      const tg = action ? runtimes.get(forwardTarget(action)) : undefined;
      const done = (status: number, target: string) => {
        if (ALB_REQUEST.hasSubscribers) {
          ALB_REQUEST.publish({
            time: deps.clock.now(),
            loadBalancer: lb.Name,
            method: req.method ?? "",
            host: req.headers.host ?? "",
            path: req.url ?? "",
            status,
            targetStatus: undefined,
            target,
            targetGroup: tg?.name ?? "-",
            ms: performance.now() - started,
          });
        }
      };
      if (!listener || !tg) {
        sendAlbError(res, 503);
        return done(503, "-");
      }
      forwardToTargetGroup(tg, req, res, { listenerPort: listener.Port, protocol: conn.protocol, clock: deps.clock, ids: deps.ids }).then(
        (r) => done(r.status, r.target),
        (e: unknown) => {
          deps.log.error(`load balancer ${lb.Name}: ${(e as Error).stack ?? e}`);
          sendAlbError(res, 502);
        },
      );
    };
    routes.set(hosts.local, handler);
    routes.set(hosts.cloud, handler);
  }
  return {
    routes,
    async close() {
      await Promise.all([...runtimes.values()].map((r) => r.close()));
    },
  };
}

function forwardTarget(a: Action): string {
  return targetGroupName(a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups[0]?.TargetGroupArn ?? "");
}
