import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Clock } from "../../core/clock.js";
import { EdgeparityError } from "../../core/errors.js";
import type { Ids } from "../../core/ids.js";
import { InFlight } from "../../core/in-flight.js";
import type { Log } from "../../core/log.js";
import type { TraceScope } from "../../core/trace.js";
import type { ConnectionInfo, HostPolicy, HttpHandler, RunningService } from "../../core/service.js";
import { startLambdaRuntime, type LambdaRuntime } from "../lambda/index.js";
import { ListenerSlots, type ListenerSpec, type PreparedListeners } from "./listener/listener-slots.js";
import { compileLoadBalancer, type LoadBalancerRuntime } from "./load-balancer-runtime.js";
import { Counters } from "./metrics.js";
import { ACCOUNT, hexId, loadBalancerHosts, targetGroupArn } from "./names.js";
import type { LoadBalancer, TargetGroup } from "./schema/load-balancer.js";
import { targetGroupName } from "./schema/validate-load-balancers.js";
import { buildTargetGroup } from "./target-group/build-target-group.js";
import { registerLambdaFunction, type LambdaFunction } from "./target-group/lambda-target.js";
import type { TargetGroupRuntime, TargetHealth } from "./target-group/target-group.js";

/**
 * ELBv2's data plane across revisions (issue 9). `apply` first does everything that can fail —
 * Lambda handler files registered, modified or added target groups built, new listener ports
 * bound — then switches at once: listeners that keep their port and target groups whose
 * configuration is unchanged (their health, counters, stickiness, draining and slow start) carry
 * on, and every new request takes the new rules. What the revision retired (listeners, target
 * groups) is closed once the requests that started before it are done. A failed `apply` undoes
 * its own steps, so the previous revision goes on unchanged.
 */
export interface Elbv2Deps {
  clock: Clock;
  ids: Ids;
  log: Log;
  region: string;
  /** Address the listeners' own ports bind to. */
  host?: string;
  /** The Lambda runtime Lambda targets run in; one is started (and closed with the service) when absent. */
  lambda?: LambdaRuntime;
  /** The stack's trace scope, for requests on the listeners' own ports (core/trace.ts). */
  trace?: TraceScope;
}

/** A bound target after start: a URL (a command target is already running), or a Lambda handler file. */
export type ResolvedTarget = string | { lambda: string; handler: string };

/** One revision as ELBv2 serves it. */
export interface Elbv2Revision {
  loadBalancers: readonly LoadBalancer[];
  targetGroups: readonly TargetGroup[];
  /** Target group name → registered targets (from bindings, after commands started). */
  targets: ReadonlyMap<string, readonly ResolvedTarget[]>;
  /** Load balancer name → listener Port → local port (`local.loadBalancers.<name>.listeners`). */
  listenerPorts?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  tls?: { keyPem: string; certPem: string };
  baseDir?: string;
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

export interface ListenerEndpoint {
  /** The listener's Port as configured (what the client would connect to on AWS). */
  port: number;
  protocol: "HTTP" | "HTTPS";
  localPort: number;
  url: string;
}

export interface LoadBalancerHandle {
  id: string;
  listeners: ListenerEndpoint[];
  metrics(): Record<string, number>;
  /** ALB-format access-log lines, kept when access_logs.s3.enabled is true (alb.md §11). */
  accessLog: readonly string[];
}

export interface Elbv2Service extends RunningService {
  readonly loadBalancers: ReadonlyMap<string, LoadBalancerHandle>;
  readonly targetGroups: ReadonlyMap<string, TargetGroupHandle>;
  /**
   * Serve `rev` from now on. Resolves once new requests take it, with `retired`: resolves once
   * what the previous revisions alone used is closed. A rejection changed nothing.
   */
  apply(rev: Elbv2Revision): Promise<{ retired: Promise<void> }>;
  /** Picks up edited Lambda handler files (the runtime's environments are replaced). */
  reloadFunctions(): Promise<void>;
}

/** How long a retired revision's requests may run before what only it used is closed. */
const DRAIN_LIMIT_MS = 60_000;
const NO_TLS = { keyPem: "", certPem: "" };

interface GroupEntry {
  /** Everything the runtime was built from: an unchanged key keeps the runtime. */
  key: string;
  runtime: TargetGroupRuntime;
  handle: TargetGroupHandle;
}

interface FunctionEntry {
  fn: LambdaFunction;
  file: string;
  handler: string;
  mtimeMs: number;
}

/** A host name's handler in the gateway's table: stable across revisions, it calls the current one. */
interface HostDoor {
  current: HttpHandler;
  door: HttpHandler;
}

export function startElbv2(deps: Elbv2Deps): Elbv2Service {
  const slots = new ListenerSlots(deps.host ?? "127.0.0.1", deps.log, () => deps.clock.now());
  let groups = new Map<string, GroupEntry>();
  const functions = new Map<string, FunctionEntry>();
  /** Per load balancer name: its CloudWatch counters and access log go on across revisions. */
  let lbState = new Map<string, { counters: Counters; accessLog: string[] }>();
  let loadBalancers = new Map<string, LoadBalancerHandle>();
  let targetGroups = new Map<string, TargetGroupHandle>();
  let routes = new Map<string, HttpHandler>();
  let hostPolicies = new Map<string, HostPolicy>();
  const doors = new Map<string, HostDoor>();
  const generations = new Set<InFlight>();
  /** Closers of what retired revisions used, run early by `close`. */
  const retiring = new Set<() => Promise<void>>();
  let ownRuntime: LambdaRuntime | undefined;
  const lambdaRuntime = () => deps.lambda ?? (ownRuntime ??= startLambdaRuntime({ clock: deps.clock, ids: deps.ids, log: deps.log, region: deps.region }));

  /** Registers (or re-registers, when the file, its export or its mtime changed) a Lambda group's function. */
  const ensureFunction = (name: string, file: string, handler: string, undo: (() => void)[]): LambdaFunction => {
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    const prev = functions.get(name);
    if (prev && prev.file === file && prev.handler === handler && prev.mtimeMs === mtimeMs) return prev.fn;
    const fn = registerLambdaFunction(lambdaRuntime(), file, handler, name);
    functions.set(name, { fn, file, handler, mtimeMs });
    undo.push(() => {
      if (!prev) return void functions.delete(name);
      registerLambdaFunction(lambdaRuntime(), prev.file, prev.handler, name);
      functions.set(name, prev);
    });
    return fn;
  };

  const handleOf = (g: TargetGroupRuntime): TargetGroupHandle => ({
    arn: g.arn,
    health: () => g.health(),
    metrics: () => g.counters.snapshot(g.gauges()),
    register: (url) => void g.register(url),
    deregister: (url) => g.deregister(url),
    settle: () => g.settle(),
  });

  const service: Elbv2Service = {
    get routes() {
      return routes;
    },
    get hostPolicies() {
      return hostPolicies;
    },
    get loadBalancers() {
      return loadBalancers;
    },
    get targetGroups() {
      return targetGroups;
    },
    async apply(rev) {
      const usage = groupUsage(rev.loadBalancers);
      const fresh: TargetGroupRuntime[] = [];
      const undo: (() => void)[] = [];
      const nextGroups = new Map<string, GroupEntry>();
      const lambdas = new Map<string, LambdaFunction>();
      const gen = new InFlight();
      const nextLbState = new Map<string, { counters: Counters; accessLog: string[] }>();
      let compiled: LoadBalancerRuntime[];
      let prepared: PreparedListeners;
      try {
        for (const tg of rev.targetGroups) {
          const bound = rev.targets.get(tg.Name) ?? [];
          const lt = lambdaTargetOf(tg, bound);
          let lambda: { fn: LambdaFunction; functionArn: string } | undefined;
          if (lt) {
            const fn = ensureFunction(tg.Name, resolve(rev.baseDir ?? ".", lt.lambda), lt.handler, undo);
            lambdas.set(tg.Name, fn);
            lambda = { fn, functionArn: `arn:aws:lambda:${deps.region}:${ACCOUNT}:function:${tg.Name}` };
          }
          const urls = bound.filter((t): t is string => typeof t === "string");
          const inUse = usage.inUse.has(tg.Name);
          const idleTimeoutMs = usage.idleMs.get(tg.Name) ?? 60_000;
          const key = JSON.stringify([tg, urls, lt ? resolve(rev.baseDir ?? ".", lt.lambda) : null, lt?.handler ?? null, inUse, idleTimeoutMs]);
          const old = groups.get(tg.Name);
          if (old?.key === key) {
            nextGroups.set(tg.Name, old);
            continue;
          }
          const runtime = buildTargetGroup(tg, {
            arn: targetGroupArn(tg.Name, deps.region),
            targets: urls,
            lambda,
            inUse,
            idleTimeoutMs,
            clock: deps.clock,
            ids: deps.ids,
            log: deps.log,
            replaces: old?.runtime,
          });
          fresh.push(runtime);
          nextGroups.set(tg.Name, { key, runtime, handle: handleOf(runtime) });
        }
        const runtimes = new Map([...nextGroups].map(([name, e]) => [name, e.runtime]));
        compiled = rev.loadBalancers.map((lb) => {
          const state = lbState.get(lb.Name) ?? { counters: new Counters(), accessLog: [] };
          nextLbState.set(lb.Name, state);
          return compileLoadBalancer(lb, {
            id: hexId(`lb:${lb.Name}`),
            groups: runtimes,
            lambdas,
            localPorts: rev.listenerPorts?.[lb.Name] ?? {},
            clock: deps.clock,
            ids: deps.ids,
            log: deps.log,
            trace: deps.trace,
            ...state,
          });
        });
        const specs: ListenerSpec[] = compiled.flatMap((c) =>
          c.listeners.map((l) => {
            const protocol = l.protocol === "HTTPS" ? ("https" as const) : ("http" as const);
            const counted = gen.wrap((req, res) => l.handler(req, res));
            const conn: ConnectionInfo = { protocol };
            return {
              key: `${c.name}\u0000${l.port}`,
              protocol,
              localPort: l.localPort,
              http2: l.http2,
              idleTimeoutMs: l.idleTimeoutMs,
              server: l.server,
              what: l.what,
              tls: rev.tls ?? NO_TLS,
              handler: (req, res) => counted(req, res, conn),
            };
          }),
        );
        prepared = await slots.prepare(specs);
      } catch (e) {
        for (const u of undo.reverse()) {
          try {
            u();
          } catch (err) {
            deps.log.error(`load balancers: restoring a Lambda function after a failed revision: ${(err as Error).message}`);
          }
        }
        await Promise.all(fresh.map((r) => r.close()));
        throw e;
      }

      // The switch: nothing below fails.
      const older = [...generations];
      generations.add(gen);
      const outgoing = prepared.commit();
      const retiredGroups = [...groups.values()].filter((e) => nextGroups.get(e.runtime.name) !== e).map((e) => e.runtime);
      for (const r of retiredGroups) r.retire();
      const removedFunctions = [...functions.keys()].filter((n) => !lambdas.has(n));
      for (const n of removedFunctions) functions.delete(n);
      groups = nextGroups;
      targetGroups = new Map([...nextGroups].map(([name, e]) => [name, e.handle]));
      const nextRoutes = new Map<string, HttpHandler>();
      const nextPolicies = new Map<string, HostPolicy>();
      const nextLbs = new Map<string, LoadBalancerHandle>();
      for (const c of compiled) {
        const hosts = loadBalancerHosts(c.name, deps.region);
        const state = nextLbState.get(c.name)!;
        nextLbs.set(c.name, {
          id: c.id,
          listeners: c.listeners.map((l) => {
            const localPort = prepared.ports.get(`${c.name}\u0000${l.port}`)!;
            return { port: l.port, protocol: l.protocol, localPort, url: `${l.protocol === "HTTPS" ? "https" : "http"}://${hosts.local}:${localPort}/` };
          }),
          accessLog: state.accessLog,
          metrics: () => state.counters.snapshot(),
        });
        const handler = gen.wrap(c.gatewayHandler);
        for (const h of [hosts.local, hosts.cloud]) {
          let d = doors.get(h);
          if (!d) {
            const door: HostDoor = { current: handler, door: (req, res, conn) => door.current(req, res, conn) };
            doors.set(h, (d = door));
          }
          d.current = handler;
          nextRoutes.set(h, d.door);
          // issue 8 §7: the gateway answers these names as the load balancer's own listener would.
          nextPolicies.set(h, c.hostPolicy);
        }
      }
      lbState = nextLbState;
      loadBalancers = nextLbs;
      routes = nextRoutes;
      hostPolicies = nextPolicies;

      let closer: (() => Promise<void>) | undefined;
      const finish = async () => {
        if (!closer || !retiring.delete(closer)) return;
        await Promise.all([...outgoing.map((s) => s.close()), ...retiredGroups.map((r) => r.close())]);
        for (const n of removedFunctions) if (!functions.has(n)) await lambdaRuntime().reload(n);
      };
      closer = finish;
      retiring.add(closer);
      const retired = Promise.all(older.map((g) => g.drained(DRAIN_LIMIT_MS)))
        .then(() => {
          for (const g of older) if (g.count === 0) generations.delete(g);
          return finish();
        })
        .catch((e: unknown) => deps.log.warn(`load balancers: closing what the previous revision used: ${(e as Error).message}`));
      return { retired };
    },
    async reloadFunctions() {
      for (const [name, f] of functions) {
        f.mtimeMs = statSync(f.file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
        await lambdaRuntime().reload(name);
      }
    },
    async close() {
      for (const c of retiring) await c();
      await slots.close();
      await Promise.all([...groups.values()].map((e) => e.runtime.close()));
      groups = new Map();
      await ownRuntime?.close();
    },
  };
  return service;
}

/** Which target groups a rule forwards to (others are `unused`, alb.md §4.2), and the longest idle timeout of the load balancers that do. */
function groupUsage(lbs: readonly LoadBalancer[]): { inUse: Set<string>; idleMs: Map<string, number> } {
  const inUse = new Set<string>();
  const idleMs = new Map<string, number>();
  for (const lb of lbs) {
    const idle = Number(lb.Attributes.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value ?? 60) * 1000;
    for (const l of lb.Listeners)
      for (const a of [...l.DefaultActions, ...l.Rules.flatMap((r) => r.Actions)]) {
        const names = [
          ...(a.TargetGroupArn ? [targetGroupName(a.TargetGroupArn)] : []),
          ...(a.ForwardConfig?.TargetGroups ?? []).map((m) => targetGroupName(m.TargetGroupArn)),
        ];
        for (const n of names) {
          inUse.add(n);
          idleMs.set(n, Math.max(idleMs.get(n) ?? 0, idle));
        }
      }
  }
  return { inUse, idleMs };
}

/** The Lambda target of a Lambda group (alb.md §4: exactly one function), or undefined for other groups. */
function lambdaTargetOf(tg: TargetGroup, bound: readonly ResolvedTarget[]): { lambda: string; handler: string } | undefined {
  const lambdaTargets = bound.filter((t): t is { lambda: string; handler: string } => typeof t !== "string");
  if (tg.TargetType === "lambda") {
    // An empty Lambda group is valid (CreateTargetGroup, then RegisterTargets): it has no target, so 503 (alb.md §4).
    if (bound.length === 0) return undefined;
    if (lambdaTargets.length !== 1 || bound.length !== 1)
      throw new EdgeparityError(
        "BINDING_MISSING",
        `target group ${tg.Name} has TargetType lambda: bind one handler file under local.targetGroups.${tg.Name}.targets (e.g. - lambda: handler.mjs), not more`,
      );
    return lambdaTargets[0];
  }
  if (lambdaTargets.length > 0)
    throw new EdgeparityError("BINDING_MISSING", `target group ${tg.Name}: a lambda target needs TargetType lambda on the target group`);
  return undefined;
}
