import { resolve } from "node:path";
import type { Clock } from "../../core/clock.js";
import { EdgeparityError } from "../../core/errors.js";
import { stableHash, type Ids } from "../../core/ids.js";
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import type { Log } from "../../core/log.js";
import type { HostPolicy, HttpHandler, RunningService } from "../../core/service.js";
import { startLoadBalancer, type ListenerEndpoint, type LoadBalancerRuntime } from "./load-balancer-runtime.js";
import type { LoadBalancer, TargetGroup } from "./schema/load-balancer.js";
import { targetGroupName } from "./schema/validate-load-balancers.js";
import { startLambdaRuntime, type LambdaRuntime } from "../lambda/index.js";
import { invoke, parseLambdaResult, registerLambdaFunction, type LambdaFunction } from "./target-group/lambda-target.js";
import { TargetGroupRuntime, type TargetHealth } from "./target-group/target-group.js";

export { startCommandTarget, type CommandTarget } from "./target-group/command-target.js";
export type { ListenerEndpoint } from "./load-balancer-runtime.js";
export type { TargetHealth } from "./target-group/target-group.js";

/** A stable 16-hex id from a name, as ELBv2 ids look (`app/<name>/<id>`, `targetgroup/<name>/<id>`). */
const hexId = (seed: string) => stableHash(seed).toString(16).padStart(16, "0");

/** `<name>-<digits>.<region>.elb.localhost` and its AWS spelling, digits stable per name (design.md §Hostnames). */
export function loadBalancerHosts(lbName: string, region: string): { local: string; cloud: string } {
  const name = lbName.toLowerCase();
  const id = String(1_000_000_000n + (stableHash(name) % 1_000_000_000n));
  return { local: `${name}-${id}.${region}.elb.localhost`.toLowerCase(), cloud: `${name}-${id}.${region}.elb.amazonaws.com`.toLowerCase() };
}

/** The load balancer an AWS DNS name (`name-123.region.elb.amazonaws.com`, or ours) stands for. */
export function loadBalancerFromHost(host: string): string | undefined {
  const m = /^(?:internal-)?([a-z0-9-]+?)-\d+\.[a-z0-9-]+\.elb\.(?:amazonaws\.com|localhost)$/i.exec(host);
  return m?.[1];
}

export function targetGroupArn(name: string, region: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${LOCAL_ACCOUNT_ID}:targetgroup/${name}/${hexId(`tg:${name}`)}`;
}

/** A bound target after start: a URL (a command target is already running), or a Lambda handler file. */
export type ResolvedTarget = string | { lambda: string; handler: string };

export interface Elbv2Deps {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  /** Target group name → registered targets (from bindings, after commands started). */
  targets: ReadonlyMap<string, readonly ResolvedTarget[]>;
  /** Address the listeners' own ports bind to. */
  host?: string;
  /** Load balancer name → listener Port → local port (`local.loadBalancers.<name>.listeners`). */
  listenerPorts?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  tls?: { keyPem: string; certPem: string };
  baseDir?: string;
  /** The Lambda runtime Lambda targets run in; one is started (and closed with the service) when absent. */
  lambda?: LambdaRuntime;
}

/** What tests and the programmatic API see of a target group. */
export interface TargetGroupHandle {
  arn: string;
  /** DescribeTargetHealth. */
  health(): TargetHealth[];
  /** CloudWatch counters (alb.md §12) with HealthyHostCount / UnHealthyHostCount. */
  metrics(): Record<string, number>;
  register(url: string): void;
  deregister(url: string): boolean;
  /** Resolves once the health probes in flight have been applied (for `clock.advance()` tests). */
  settle(): Promise<void>;
}

export interface LoadBalancerHandle {
  id: string;
  listeners: ListenerEndpoint[];
  metrics(): Record<string, number>;
  /** ALB-format access-log lines, kept when access_logs.s3.enabled is true (alb.md §11). */
  accessLog: readonly string[];
}

export interface Elbv2Service extends RunningService {
  loadBalancers: ReadonlyMap<string, LoadBalancerHandle>;
  targetGroups: ReadonlyMap<string, TargetGroupHandle>;
}

/** Starts target groups (health checks), then each load balancer's listeners. */
export async function startElbv2(lbs: readonly LoadBalancer[], tgs: readonly TargetGroup[], deps: Elbv2Deps): Promise<Elbv2Service> {
  const inUse = new Set<string>();
  for (const lb of lbs)
    for (const l of lb.Listeners)
      for (const a of [...l.DefaultActions, ...l.Rules.flatMap((r) => r.Actions)]) {
        if (a.TargetGroupArn) inUse.add(targetGroupName(a.TargetGroupArn));
        for (const m of a.ForwardConfig?.TargetGroups ?? []) inUse.add(targetGroupName(m.TargetGroupArn));
      }
  const idleByGroup = new Map<string, number>();
  for (const lb of lbs) {
    const idle = Number(lb.Attributes.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value ?? 60) * 1000;
    for (const tg of inUse) idleByGroup.set(tg, Math.max(idleByGroup.get(tg) ?? 0, idle));
  }

  const groups = new Map<string, TargetGroupRuntime>();
  const lambdas = new Map<string, LambdaFunction>();
  const running: LoadBalancerRuntime[] = [];
  let ownRuntime: LambdaRuntime | undefined;
  const lambdaRuntime = () => deps.lambda ?? (ownRuntime ??= startLambdaRuntime({ clock: deps.clock, ids: deps.ids, log: deps.log, region: deps.region }));
  const closeAll = async () => {
    await Promise.all(running.map((r) => r.close()));
    await Promise.all([...groups.values()].map((g) => g.close()));
    await ownRuntime?.close();
  };
  try {
    for (const tg of tgs) {
      const bound = deps.targets.get(tg.Name) ?? [];
      const lambdaTargets = bound.filter((t): t is { lambda: string; handler: string } => typeof t !== "string");
      const arn = targetGroupArn(tg.Name, deps.region);
      if (tg.TargetType === "lambda") {
        // alb.md §4: exactly one function per Lambda target group.
        if (lambdaTargets.length !== 1 || bound.length !== 1)
          throw new EdgeparityError(
            "BINDING_MISSING",
            `target group ${tg.Name} has TargetType lambda: bind exactly one handler file under local.targetGroups.${tg.Name}.targets (e.g. - lambda: handler.mjs)`,
          );
        const lt = lambdaTargets[0]!;
        lambdas.set(tg.Name, registerLambdaFunction(lambdaRuntime(), resolve(deps.baseDir ?? ".", lt.lambda), lt.handler, tg.Name));
      } else if (lambdaTargets.length > 0) {
        throw new EdgeparityError("BINDING_MISSING", `target group ${tg.Name}: a lambda target needs TargetType lambda on the target group`);
      }
      const fn = lambdas.get(tg.Name);
      const runtime = new TargetGroupRuntime(tg, {
        arn,
        clock: deps.clock,
        ids: deps.ids,
        log: deps.log,
        inUse: inUse.has(tg.Name),
        idleTimeoutMs: idleByGroup.get(tg.Name) ?? 60_000,
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
      groups.set(tg.Name, runtime);
      for (const t of bound) {
        if (typeof t === "string") runtime.register(t, undefined, true);
        else runtime.register(`lambda:${tg.Name}`, `arn:aws:lambda:${deps.region}:${LOCAL_ACCOUNT_ID}:function:${tg.Name}`, true);
      }
    }
    const routes = new Map<string, HttpHandler>();
    const hostPolicies = new Map<string, HostPolicy>();
    const tls = deps.tls;
    for (const lb of lbs) {
      const hosts = loadBalancerHosts(lb.Name, deps.region);
      const r = await startLoadBalancer(lb, {
        id: hexId(`lb:${lb.Name}`),
        host: deps.host ?? "127.0.0.1",
        localHost: hosts.local,
        region: deps.region,
        groups,
        lambdas,
        localPorts: deps.listenerPorts?.[lb.Name] ?? {},
        tls: tls ?? { keyPem: "", certPem: "" },
        clock: deps.clock,
        ids: deps.ids,
        log: deps.log,
      });
      running.push(r);
      routes.set(hosts.local, r.gatewayHandler);
      routes.set(hosts.cloud, r.gatewayHandler);
      // issue 8 §7: the gateway answers these names as the load balancer's own listener would.
      hostPolicies.set(hosts.local, r.hostPolicy);
      hostPolicies.set(hosts.cloud, r.hostPolicy);
    }
    const loadBalancers = new Map<string, LoadBalancerHandle>();
    for (const r of running) loadBalancers.set(r.name, { id: r.id, listeners: r.listeners, accessLog: r.accessLog, metrics: () => r.counters.snapshot() });
    const targetGroups = new Map<string, TargetGroupHandle>();
    for (const [name, g] of groups)
      targetGroups.set(name, {
        arn: g.arn,
        health: () => g.health(),
        metrics: () => g.counters.snapshot(g.gauges()),
        register: (url) => void g.register(url),
        deregister: (url) => g.deregister(url),
        settle: () => g.settle(),
      });
    return { routes, hostPolicies, loadBalancers, targetGroups, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
