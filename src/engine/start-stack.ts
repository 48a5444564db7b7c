import { mkdir } from "node:fs/promises";
import type { Clock } from "../core/clock.js";
import { EdgeparityError } from "../core/errors.js";
import type { Ids } from "../core/ids.js";
import type { Log } from "../core/log.js";
import type { HostPolicy, HttpHandler, RunningService } from "../core/service.js";
import { openLocalCa, type LocalCa } from "../gateway/local-ca.js";
import { HostRouter } from "../gateway/host-router.js";
import { startListeners, type Listeners, type TlsMaterial } from "../gateway/listeners.js";
import { openOriginDoor, type OriginDoor } from "../gateway/origin-doors.js";
import type { Stack } from "../model/stack.js";
import { compileDistribution, startCloudFront, type CloudFrontControl, type DistributionPlan, type OriginEndpoint } from "../services/cloudfront/index.js";
import { loadBalancerHosts, startCommandTarget, startElbv2, type CommandTarget, type Elbv2Service, type ResolvedTarget } from "../services/elbv2/index.js";
import { DEFAULT_CREDENTIALS, startS3 } from "../services/s3/index.js";
import { mintOacCredentials } from "./oac-credentials.js";
import { resolveBindings, type BindingPlan } from "./resolve-bindings.js";

/**
 * The live engine. What lives as long as the process: listening ports, the router, the CA, origin
 * doors and target commands. What a revision owns: bindings, compiled plans and the running
 * services built from them. `update()` builds the next revision beside the current one (a failure
 * changes nothing), swaps the router's whole table at once, then retires the old revision once its
 * in-flight requests have finished on it.
 */
export interface StartOptions {
  stack: Stack;
  baseDir: string;
  stateDir: string;
  /** Where the local CA lives (per user by default, gateway/local-ca.ts defaultCaDir). */
  caDir: string;
  host: string;
  httpPort: number;
  httpsPort: number;
  clock: Clock;
  ids: Ids;
  log: Log;
}

/** One revision of the stack as it is served. */
export interface Revision {
  number: number;
  stack: Stack;
  bindings: BindingPlan;
  plans: DistributionPlan[];
  /** Load balancers' listeners and metrics, target groups' health (alb.md). */
  elbv2: Elbv2Service;
  /** Invalidations and cache views of the distributions (cloudfront.md §12). */
  cloudfront: CloudFrontControl;
}

export interface RunningStack {
  readonly current: Revision;
  ca: LocalCa;
  httpPort: number;
  httpsPort: number;
  router: HostRouter;
  /**
   * Serve `stack` as the next revision. Resolves when the new revision serves every new request;
   * throws (and changes nothing) when the stack cannot be bound or started.
   */
  update(stack: Stack, baseDir?: string): Promise<Revision>;
  close(): Promise<void>;
}

/** How long a retired revision may keep finishing requests before its services are closed anyway. */
const DRAIN_LIMIT_MS = 60_000;

interface BuiltRevision extends Revision {
  services: RunningService[];
  routes: Map<string, HttpHandler>;
  policies: Map<string, HostPolicy>;
  resolvers: ((host: string) => HttpHandler | undefined)[];
  fallback: HttpHandler;
  targetKeys: Set<string>;
  doorKeys: Set<string>;
  inFlight: number;
  drained?: () => void;
}

export async function startStack(o: StartOptions): Promise<RunningStack> {
  const router = new HostRouter();
  // Leaf certificates are issued on demand by SNI for any host the current revision serves (new
  // aliases, wildcard aliases, new load balancers); a client without SNI gets the loopback names'.
  const ca = await openLocalCa({ dir: o.caDir, serves: (name) => router.handlerFor(name) !== undefined || router.policyFor(name) !== undefined });
  const loopback = await ca.certificateForHosts(["localhost", "127.0.0.1", "::1"]);
  const tls: TlsMaterial = {
    keyPem: loopback.keyPem,
    certPem: loopback.certPem,
    contextFor: (name) => ca.secureContextFor(name).catch(() => undefined),
  };
  const listeners: Listeners = await startListeners({ host: o.host, httpPort: o.httpPort, httpsPort: o.httpsPort, tls, router, log: o.log });
  const doors = new Map<string, OriginDoor>();
  const targets = new Map<string, CommandTarget>();
  let baseDir = o.baseDir;

  const build = async (stack: Stack, number: number): Promise<BuiltRevision> => {
    const bindings = await resolveBindings(stack, baseDir, o.stateDir);
    const closeOnFailure: (() => Promise<void>)[] = [];
    try {
      for (const b of bindings.buckets) {
        if (b.implicit) o.log.info(`bucket ${b.name}: created empty (an S3 origin names it); bind it to a folder with local.buckets.${b.name}.folder`);
        await mkdir(b.folder, { recursive: true });
      }
      // The ALB's own HTTPS listener ports present one certificate for every name the stack serves.
      const listenerCert = await ca.certificateForHosts(bindings.certificateHosts);

      // Target commands survive a revision when their binding is unchanged (with their process and port).
      const targetKeys = new Set<string>();
      const resolvedTargets = new Map<string, ResolvedTarget[]>();
      for (const [tg, binding] of Object.entries(stack.local.targetGroups)) {
        const urls: ResolvedTarget[] = [];
        for (const t of binding.targets) {
          if (typeof t === "string") urls.push(t);
          else if ("url" in t) urls.push(t.url);
          else if ("lambda" in t) urls.push({ lambda: t.lambda, handler: t.handler });
          else {
            const key = `${tg}\u0000${baseDir}\u0000${JSON.stringify(t)}`;
            targetKeys.add(key);
            let started = targets.get(key);
            if (!started) {
              started = await startCommandTarget(
                { command: t.command, cwd: t.cwd ? new URL(t.cwd, `file://${baseDir}/`).pathname : baseDir, env: t.env, port: t.port },
                tg,
                o.log,
              );
              const s = started;
              targets.set(key, s);
              closeOnFailure.push(async () => {
                targets.delete(key);
                await s.stop();
              });
            }
            urls.push(started.url);
          }
        }
        resolvedTargets.set(tg, urls);
      }

      // Origins edgeparity serves itself are reached through a door of their own, never by Host (origin-doors.ts).
      const doorKeys = new Set<string>();
      for (const [domain, b] of bindings.origins) {
        if (b.kind !== "gateway") continue;
        doorKeys.add(domain);
        if (doors.has(domain)) continue;
        const door = await openOriginDoor({ domain, router, tls: () => tls, log: o.log });
        doors.set(domain, door);
        closeOnFailure.push(async () => {
          doors.delete(domain);
          await door.close();
        });
      }

      const services: RunningService[] = [];
      closeOnFailure.push(async () => {
        for (const s of services.reverse()) await s.close();
      });
      const oac = mintOacCredentials(stack, bindings.distributions, o.ids, bindings.region, o.log);
      const s3 = await startS3(
        bindings.buckets.map((b) => ({ ...b, seed: stack.local.buckets[b.name] !== undefined, config: stack.buckets[b.name] })),
        { ids: o.ids, log: o.log, region: bindings.region, clock: o.clock, stateDir: o.stateDir, credentials: [...DEFAULT_CREDENTIALS, ...oac.credentials] },
      );
      services.push(s3);
      const elbv2 = await startElbv2(stack.loadBalancers, stack.targetGroups, {
        clock: o.clock,
        ids: o.ids,
        log: o.log,
        region: bindings.region,
        targets: resolvedTargets,
        host: o.host,
        listenerPorts: Object.fromEntries(Object.entries(stack.local.loadBalancers).map(([name, b]) => [name, b.listeners])),
        tls: { keyPem: listenerCert.keyPem, certPem: listenerCert.certPem },
        baseDir,
      });
      services.push(elbv2);

      const endpoints = (domain: string): { http: OriginEndpoint; https: OriginEndpoint } => {
        const door = doors.get(domain)!;
        return {
          http: { connectUrl: door.httpUrl, hostHeader: domain, servername: domain },
          https: { connectUrl: door.httpsUrl, hostHeader: domain, servername: domain },
        };
      };
      const plans = bindings.distributions.map((d) =>
        compileDistribution({
          ...d,
          config: stack.distributions[d.name]!,
          cachePolicies: stack.cachePolicies,
          originRequestPolicies: stack.originRequestPolicies,
          viaHex: o.ids.hex32(),
          resolveOrigin(origin) {
            const domain = origin.DomainName.toLowerCase();
            const b = bindings.origins.get(domain)!;
            if (b.kind === "gateway") return { ...endpoints(domain), ...oac.signing(d.name, origin.Id) };
            const ep = { connectUrl: b.url.origin, hostHeader: domain, servername: b.url.hostname };
            return { http: ep, https: ep };
          },
        }),
      );
      const cloudfront = startCloudFront(plans, {
        clock: o.clock,
        ids: o.ids,
        log: o.log,
        caPem: ca.caPem,
        httpsPort: listeners.httpsPort,
        stateDir: o.stateDir,
      });
      services.push(cloudfront);

      const routes = new Map<string, HttpHandler>();
      const policies = new Map<string, HostPolicy>();
      for (const s of services) {
        for (const [h, handler] of s.routes) routes.set(h, handler);
        for (const [h, p] of s.hostPolicies ?? []) policies.set(h, p);
      }
      for (const [alias, lb] of bindings.loadBalancerAliases) {
        const local = loadBalancerHosts(lb, bindings.region).local;
        const handler = routes.get(local);
        if (handler) routes.set(alias, handler);
        const policy = policies.get(local);
        if (policy) policies.set(alias, policy);
      }
      const resolvers = services.flatMap((s) => (s.resolveHost ? [s.resolveHost.bind(s)] : []));
      return {
        number,
        stack,
        bindings,
        plans,
        elbv2,
        cloudfront,
        services,
        routes,
        policies,
        resolvers,
        // Path-style S3 through the control-plane endpoint (`--endpoint-url http://localhost:4480`).
        fallback: s3.pathStyle,
        targetKeys,
        doorKeys,
        inFlight: 0,
      };
    } catch (e) {
      for (const c of closeOnFailure.reverse()) await c().catch((err: unknown) => o.log.warn(`rollback: ${(err as Error).message}`));
      throw e;
    }
  };

  /** Every handler of a revision counts its requests, so the revision knows when it has drained. */
  const counted = (rev: BuiltRevision, h: HttpHandler): HttpHandler => {
    return (req, res, conn) => {
      rev.inFlight++;
      res.once("close", () => {
        if (--rev.inFlight === 0) rev.drained?.();
      });
      h(req, res, conn);
    };
  };
  const install = (rev: BuiltRevision) => {
    const wrap = (h: HttpHandler) => counted(rev, h);
    router.setRoutes(new Map([...rev.routes].map(([host, h]) => [host, wrap(h)])), {
      fallback: wrap(rev.fallback),
      resolvers: rev.resolvers.map((r) => (host: string) => {
        const h = r(host);
        return h && wrap(h);
      }),
      policies: rev.policies,
    });
  };
  const retire = async (old: BuiltRevision, next: BuiltRevision | undefined) => {
    if (old.inFlight > 0) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, DRAIN_LIMIT_MS);
        timer.unref();
        old.drained = () => {
          clearTimeout(timer);
          done();
        };
      });
    }
    for (const s of [...old.services].reverse()) await s.close().catch((e: unknown) => o.log.warn(`revision ${old.number}: closing: ${(e as Error).message}`));
    for (const key of old.targetKeys) {
      if (next?.targetKeys.has(key)) continue;
      const t = targets.get(key);
      targets.delete(key);
      await t?.stop().catch((e: unknown) => o.log.warn(`target: stopping: ${(e as Error).message}`));
    }
    for (const domain of old.doorKeys) {
      if (next?.doorKeys.has(domain)) continue;
      const d = doors.get(domain);
      doors.delete(domain);
      await d?.close();
    }
  };

  let current: BuiltRevision;
  try {
    current = await build(o.stack, 1);
  } catch (e) {
    await listeners.close();
    throw e;
  }
  install(current);
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const retiring = new Set<Promise<void>>();

  return {
    get current() {
      return current;
    },
    ca,
    httpPort: listeners.httpPort,
    httpsPort: listeners.httpsPort,
    router,
    update(stack, nextBaseDir) {
      // Revisions are built one at a time, in the order asked for.
      const run = queue.then(async () => {
        if (closed) throw new EdgeparityError("STACK_CLOSED", "the stack is closed");
        const previousBase = baseDir;
        if (nextBaseDir) baseDir = nextBaseDir;
        let next: BuiltRevision;
        try {
          next = await build(stack, current.number + 1);
        } catch (e) {
          baseDir = previousBase;
          throw e;
        }
        const old = current;
        current = next;
        install(next);
        const r = retire(old, next).finally(() => retiring.delete(r));
        retiring.add(r);
        return next as Revision;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await listeners.close();
      current.inFlight = 0;
      await Promise.all(retiring);
      await retire(current, undefined);
      for (const t of targets.values()) await t.stop().catch(() => undefined);
      for (const d of doors.values()) await d.close();
    },
  };
}
