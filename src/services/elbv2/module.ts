import type { HttpHandler, HostPolicy, ServiceModule } from "../../core/service.js";
import { InFlight } from "../../core/in-flight.js";
import type { TargetBinding } from "./schema/stack-slice.js";
import type { Stack } from "../../model/stack.js";
import {
  loadBalancerFromHost,
  loadBalancerHosts,
  startCommandTarget,
  startElbv2,
  type CommandTarget,
  type Elbv2Service,
  type ResolvedTarget,
} from "./index.js";
import type { LoadBalancer, TargetGroup } from "./schema/load-balancer.js";

/**
 * ELBv2 as the engine drives it. Bind claims the AWS DNS names origins use for a declared load
 * balancer (`name-<any digits>.<region>.elb.amazonaws.com`). The live service owns the target
 * commands it starts: a command whose binding is unchanged keeps its process and port across
 * revisions. A new revision's load balancers are started beside the old ones, which are closed once
 * their in-flight requests end (their own listener ports are released first when a revision
 * reuses an explicitly configured port).
 */
export interface Elbv2Plan {
  loadBalancers: readonly LoadBalancer[];
  targetGroups: readonly TargetGroup[];
  targets: Readonly<Record<string, readonly TargetBinding[]>>;
  listenerPorts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  baseDir: string;
  certificateHosts: readonly string[];
}

export type Elbv2Live = Elbv2Service & { apply(plan: Elbv2Plan): Promise<void> };

/** How long an old revision's load balancers may finish their requests. */
const DRAIN_LIMIT_MS = 60_000;

export const ELBV2_SERVICE: ServiceModule<Stack, undefined, Elbv2Plan, Elbv2Live> = {
  name: "elbv2",
  async bind(stack, ctx) {
    const names = new Map(stack.loadBalancers.map((l) => [l.Name.toLowerCase(), l.Name]));
    return {
      binding: undefined,
      problems: [],
      claimOrigin(domain) {
        const lb = loadBalancerFromHost(domain);
        const name = lb === undefined ? undefined : names.get(lb.toLowerCase());
        return name === undefined ? undefined : loadBalancerHosts(name, ctx.region).local;
      },
    };
  },
  async compile(stack, _binding, ctx) {
    const certificateHosts = stack.loadBalancers.flatMap((lb) => {
      const h = loadBalancerHosts(lb.Name, ctx.region);
      return [h.local, h.cloud];
    });
    return Object.freeze({
      loadBalancers: stack.loadBalancers,
      targetGroups: stack.targetGroups,
      targets: Object.fromEntries(Object.entries(stack.local.targetGroups).map(([tg, b]) => [tg, b.targets])),
      listenerPorts: Object.fromEntries(Object.entries(stack.local.loadBalancers).map(([name, b]) => [name, b.listeners])),
      baseDir: ctx.baseDir,
      certificateHosts: [...certificateHosts, ...ctx.claimed],
    });
  },
  async start(first, ctx) {
    const commands = new Map<string, CommandTarget>();
    let inner: Elbv2Service;
    let gen = new InFlight();
    let routes = new Map<string, HttpHandler>();
    let policies: ReadonlyMap<string, HostPolicy> = new Map();

    const resolveTargets = async (plan: Elbv2Plan, keep: Set<string>) => {
      const resolved = new Map<string, ResolvedTarget[]>();
      for (const [tg, bindings] of Object.entries(plan.targets)) {
        const urls: ResolvedTarget[] = [];
        for (const t of bindings) {
          if (typeof t === "string") urls.push(t);
          else if ("url" in t) urls.push(t.url);
          else if ("lambda" in t) urls.push({ lambda: t.lambda, handler: t.handler });
          else {
            const key = `${tg}\u0000${plan.baseDir}\u0000${JSON.stringify(t)}`;
            keep.add(key);
            let started = commands.get(key);
            if (!started) {
              const cwd = t.cwd ? new URL(t.cwd, `file://${plan.baseDir}/`).pathname : plan.baseDir;
              started = await startCommandTarget({ command: t.command, cwd, env: t.env, port: t.port }, tg, ctx.log);
              commands.set(key, started);
            }
            urls.push(started.url);
          }
        }
        resolved.set(tg, urls);
      }
      return resolved;
    };
    const stopUnused = async (keep: Set<string>) => {
      for (const [key, c] of commands) {
        if (keep.has(key)) continue;
        commands.delete(key);
        await c.stop().catch((e: unknown) => ctx.log.warn(`target: stopping: ${(e as Error).message}`));
      }
    };
    const open = async (plan: Elbv2Plan, keep: Set<string>): Promise<Elbv2Service> => {
      const cert = await ctx.certificateFor(plan.certificateHosts);
      return startElbv2(plan.loadBalancers, plan.targetGroups, {
        clock: ctx.clock,
        ids: ctx.ids,
        log: ctx.log,
        region: ctx.region,
        targets: await resolveTargets(plan, keep),
        host: ctx.host,
        listenerPorts: plan.listenerPorts,
        tls: cert,
        baseDir: plan.baseDir,
      });
    };
    const install = (next: Elbv2Service) => {
      inner = next;
      gen = new InFlight();
      const g = gen;
      routes = new Map([...next.routes].map(([h, handler]) => [h, g.wrap(handler)]));
      policies = next.hostPolicies ?? new Map();
    };

    const keep0 = new Set<string>();
    try {
      install(await open(first, keep0));
    } catch (e) {
      await stopUnused(new Set());
      throw e;
    }
    const explicitPorts = (p: Elbv2Plan) => new Set(Object.values(p.listenerPorts).flatMap((l) => Object.values(l).filter((n) => n > 0)));
    let current = first;

    const live: Elbv2Live = {
      get routes() {
        return routes;
      },
      get hostPolicies() {
        return policies;
      },
      get loadBalancers() {
        return inner.loadBalancers;
      },
      get targetGroups() {
        return inner.targetGroups;
      },
      async apply(plan) {
        const old = inner;
        const oldGen = gen;
        const keep = new Set<string>();
        // An explicitly configured listener port can be bound by one revision at a time.
        const shared = [...explicitPorts(plan)].some((p) => explicitPorts(current).has(p));
        if (shared) {
          await oldGen.drained(DRAIN_LIMIT_MS);
          await old.close();
        }
        let next: Elbv2Service;
        try {
          next = await open(plan, keep);
        } catch (e) {
          if (shared) install(await open(current, new Set()));
          throw e;
        }
        install(next);
        current = plan;
        if (shared) return void (await stopUnused(keep));
        // Target commands only the old revision used stay up until its requests are done.
        void oldGen
          .drained(DRAIN_LIMIT_MS)
          .then(() => old.close())
          .then(() => (current === plan ? stopUnused(keep) : undefined))
          .catch((e: unknown) => ctx.log.warn(`load balancers: closing the previous revision: ${(e as Error).message}`));
      },
      async close() {
        await inner.close();
        await stopUnused(new Set());
      },
    };
    return live;
  },
};
