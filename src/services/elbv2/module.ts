import { didYouMean } from "../../core/did-you-mean.js";
import type { LiveService, ServiceModule } from "../../core/service.js";
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
import { answerElbv2, ELBV2_API_PROTOCOL } from "./api/handler.js";
import { elbv2ApiDeps } from "./api/stack-api-deps.js";
import { targetGroupName } from "./schema/validate-load-balancers.js";
import { listenerCertificateArns } from "./schema/not-emulated.js";
import { loadBalancerArn } from "./names.js";

/**
 * ELBv2 as the engine drives it. Bind claims the AWS DNS names origins use for a declared load
 * balancer (`name-<any digits>.<region>.elb.amazonaws.com`). The live service is one data plane
 * for every revision (elbv2-runtime.ts: listener ports, unchanged target groups and their health,
 * stickiness and the Lambda runtime survive) and owns the target commands it starts: a command
 * whose binding is unchanged keeps its process and port across revisions; one only an older
 * revision used is stopped once that revision's requests are done.
 */
export interface Elbv2Plan {
  loadBalancers: readonly LoadBalancer[];
  targetGroups: readonly TargetGroup[];
  targets: Readonly<Record<string, readonly TargetBinding[]>>;
  /** Per target group: command targets' start deadline (ms) and where their output goes. */
  commandOptions: Readonly<Record<string, { startTimeoutMs: number; output: "info" | "debug" | "off" }>>;
  listenerPorts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  baseDir: string;
  certificateHosts: readonly string[];
}

export type Elbv2Live = Omit<Elbv2Service, "apply"> & LiveService<Elbv2Plan>;

export const ELBV2_SERVICE: ServiceModule<Stack, undefined, Elbv2Plan, Elbv2Live> = {
  name: "elbv2",
  async bind(stack, ctx) {
    const names = new Map(stack.loadBalancers.map((l) => [l.Name.toLowerCase(), l.Name]));
    // A binding for a group nobody declared is a typo more often than not: refuse it, with the nearest names.
    const groups = stack.targetGroups.map((t) => t.Name);
    const problems = Object.keys(stack.local.targetGroups)
      .filter((n) => !groups.includes(n))
      .map((n) => `local.targetGroups.${n}: no target group named '${n}' is declared under targetGroups${didYouMean(n, groups)}`);
    return {
      binding: undefined,
      problems,
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
      commandOptions: Object.fromEntries(
        Object.entries(stack.local.targetGroups).map(([tg, b]) => [tg, { startTimeoutMs: (b.startTimeout ?? 15) * 1000, output: b.output ?? "info" }]),
      ),
      listenerPorts: Object.fromEntries(Object.entries(stack.local.loadBalancers).map(([name, b]) => [name, b.listeners])),
      baseDir: ctx.baseDir,
      certificateHosts: [...certificateHosts, ...ctx.claimed],
    });
  },
  async start(first, ctx) {
    const commands = new Map<string, CommandTarget>();
    const inner = startElbv2({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, region: ctx.region, host: ctx.host, trace: ctx.trace });
    let cert: { hosts: string; tls: { keyPem: string; certPem: string } } | undefined;

    /** Each target group's targets; commands not running yet are started and added to `started`. */
    const resolveTargets = async (plan: Elbv2Plan, keep: Set<string>, started: string[]) => {
      const resolved = new Map<string, ResolvedTarget[]>();
      for (const [tg, bindings] of Object.entries(plan.targets)) {
        const urls: ResolvedTarget[] = [];
        for (const t of bindings) {
          if (typeof t === "string") urls.push(t);
          else if ("url" in t) urls.push(t.url);
          else if ("lambda" in t) urls.push({ lambda: t.lambda, handler: t.handler });
          else {
            const key = `${tg}\u0000${plan.baseDir}\u0000${JSON.stringify(t)}\u0000${JSON.stringify(plan.commandOptions[tg])}`;
            keep.add(key);
            let c = commands.get(key);
            if (!c) {
              const cwd = t.cwd ? new URL(t.cwd, `file://${plan.baseDir}/`).pathname : plan.baseDir;
              const o = plan.commandOptions[tg]!;
              c = await startCommandTarget({ command: t.command, cwd, env: t.env, port: t.port, ...o }, tg, ctx.log, ctx.clock);
              commands.set(key, c);
              started.push(key);
            }
            urls.push(c.url);
          }
        }
        resolved.set(tg, urls);
      }
      return resolved;
    };
    const stop = async (keys: Iterable<string>) => {
      for (const key of keys) {
        const c = commands.get(key);
        if (!c) continue;
        commands.delete(key);
        await c.stop().catch((e: unknown) => ctx.log.warn(`target: stopping: ${(e as Error).message}`));
      }
    };
    const unused = (keep: Set<string>) => [...commands.keys()].filter((k) => !keep.has(k));
    const certificate = async (hosts: readonly string[]) => {
      const key = JSON.stringify(hosts);
      if (cert?.hosts !== key) cert = { hosts: key, tls: await ctx.certificateFor(hosts) };
      return cert.tls;
    };

    const acmArns = (plan: Elbv2Plan) =>
      plan.loadBalancers.map((lb) => ({
        lb,
        arns: lb.Listeners.filter((l) => l.Protocol === "HTTPS").flatMap((l) => listenerCertificateArns(l.Certificates)),
      }));
    const acmNames = (plan: Elbv2Plan) => [...new Set(acmArns(plan).flatMap(({ arns }) => arns.flatMap((a) => ctx.certificateNames(a) ?? [])))].sort();

    let current: Elbv2Plan | undefined;
    /** Serves `plan`; a failure stops the commands it started and leaves the previous revision serving. */
    const apply = async (plan: Elbv2Plan) => {
      const keep = new Set<string>();
      const started: string[] = [];
      let retired: Promise<void>;
      try {
        const targets = await resolveTargets(plan, keep, started);
        ({ retired } = await inner.apply({
          loadBalancers: plan.loadBalancers,
          targetGroups: plan.targetGroups,
          targets,
          listenerPorts: plan.listenerPorts,
          // An HTTPS listener naming an ACM certificate serves that certificate's names too (issue 11: ACM).
          tls: await certificate([...plan.certificateHosts, ...acmNames(plan)]),
          baseDir: plan.baseDir,
        }));
      } catch (e) {
        await stop(started);
        throw e;
      }
      current = plan;
      // Target commands only older revisions used stay up until their requests are done.
      void retired.then(() => (current === plan ? stop(unused(keep)) : undefined));
    };

    try {
      await apply(first);
    } catch (e) {
      await inner.close();
      throw e;
    }
    const live: Elbv2Live = {
      get routes() {
        return inner.routes;
      },
      get hostPolicies() {
        return inner.hostPolicies;
      },
      get loadBalancers() {
        return inner.loadBalancers;
      },
      get targetGroups() {
        return inner.targetGroups;
      },
      controlPlane: {
        signingName: "elasticloadbalancing",
        protocol: ELBV2_API_PROTOCOL,
        answer: answerElbv2(
          elbv2ApiDeps(
            ctx.stackApi,
            ctx.region,
            (tg) => inner.targetGroups.get(tg)?.health(),
            new Date(ctx.clock.now()),
            (arn) => ctx.certificateNames(arn),
          ),
        ),
      },
      apply,
      certificateUsers: () =>
        current
          ? acmArns(current).flatMap(({ lb, arns }) => {
              // Divergence from AWS: the served certificate names the load balancer's own DNS names
              // too, so `curl https://<DNSName>` verifies locally, where no DNS points the ACM names at it.
              const h = loadBalancerHosts(lb.Name, ctx.region);
              return arns.map((certificateArn) => ({
                certificateArn,
                user: loadBalancerArn(lb.Name, ctx.region),
                hosts: [h.local, h.cloud],
                alsoCoversHosts: true,
              }));
            })
          : [],
      reloadFunctions: () => inner.reloadFunctions(),
      describeOrigin(domain) {
        const name = loadBalancerFromHost(domain);
        const lb = current?.loadBalancers.find((l) => l.Name.toLowerCase() === name?.toLowerCase());
        if (!lb) return undefined;
        // The groups its listeners forward to, with their targets' health as DescribeTargetHealth has it now.
        const groups = new Set<string>();
        for (const l of lb.Listeners)
          for (const a of [...l.DefaultActions, ...l.Rules.flatMap((r) => r.Actions)])
            for (const arn of a.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ?? (a.TargetGroupArn ? [a.TargetGroupArn] : []))
              groups.add(targetGroupName(arn));
        const parts = [...groups].map((g) => {
          const health = inner.targetGroups.get(g)?.health() ?? [];
          if (health.length === 0) return `target group ${g}: no targets → 503`;
          const counts = new Map<string, number>();
          for (const h of health) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
          return `target group ${g}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}`;
        });
        return `load balancer ${lb.Name}: ${parts.join("; ") || "no forward actions"}`;
      },
      async close() {
        await inner.close();
        await stop([...commands.keys()]);
      },
    };
    return live;
  },
};
