import { mkdir } from "node:fs/promises";
import type { Clock } from "../core/clock.js";
import type { Ids } from "../core/ids.js";
import type { Log } from "../core/log.js";
import type { HttpHandler, RunningService } from "../core/service.js";
import { loadLocalCa, type LocalCa } from "../gateway/local-ca.js";
import { HostRouter } from "../gateway/host-router.js";
import { startListeners } from "../gateway/listeners.js";
import type { Stack } from "../model/stack.js";
import { compileDistribution, startCloudFront, type CloudFrontControl, type DistributionPlan, type OriginEndpoint } from "../services/cloudfront/index.js";
import { loadBalancerHosts, startCommandTarget, startElbv2, type CommandTarget, type Elbv2Service, type ResolvedTarget } from "../services/elbv2/index.js";
import { DEFAULT_CREDENTIALS, startS3 } from "../services/s3/index.js";
import { mintOacCredentials } from "./oac-credentials.js";
import { resolveBindings, type BindingPlan } from "./resolve-bindings.js";

/**
 * Start order: bindings (fail before binding ports) → CA → listeners → target commands →
 * services (compiled with the real ports) → routes. Every step's resources are closed on failure.
 */
export interface StartOptions {
  stack: Stack;
  baseDir: string;
  stateDir: string;
  host: string;
  httpPort: number;
  httpsPort: number;
  clock: Clock;
  ids: Ids;
  log: Log;
}

export interface RunningStack {
  bindings: BindingPlan;
  plans: DistributionPlan[];
  ca: LocalCa;
  httpPort: number;
  httpsPort: number;
  router: HostRouter;
  /** Load balancers' listeners and metrics, target groups' health (alb.md). */
  elbv2: Elbv2Service;
  /** Invalidations and cache views of the distributions (cloudfront.md §12). */
  cloudfront: CloudFrontControl;
  close(): Promise<void>;
}

export async function startStack(o: StartOptions): Promise<RunningStack> {
  const bindings = await resolveBindings(o.stack, o.baseDir, o.stateDir);
  const cleanups: (() => Promise<void>)[] = [];
  /** Ends viewer connections before anything else, so requests in flight (an upload) end instead of being waited for. */
  let closeViewers: (() => Promise<void>) | undefined;
  const close = async () => {
    await closeViewers?.().catch((e: unknown) => o.log.warn(`shutdown: ${(e as Error).message}`));
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => o.log.warn(`shutdown: ${(e as Error).message}`));
    cleanups.length = 0;
  };
  try {
    for (const b of bindings.buckets) {
      if (b.implicit) o.log.info(`bucket ${b.name}: created empty (an S3 origin names it); bind it to a folder with local.buckets.${b.name}.folder`);
      await mkdir(b.folder, { recursive: true });
    }
    const ca = await loadLocalCa(o.stateDir, bindings.certificateHosts, new Date(o.clock.now()));
    const router = new HostRouter();
    const listeners = await startListeners({
      host: o.host,
      httpPort: o.httpPort,
      httpsPort: o.httpsPort,
      tls: { keyPem: ca.keyPem, certPem: ca.certPem },
      router,
      log: o.log,
    });
    closeViewers = () => listeners.close();
    cleanups.push(() => listeners.close());

    const targets = new Map<string, ResolvedTarget[]>();
    for (const [tg, binding] of Object.entries(o.stack.local.targetGroups)) {
      const urls: ResolvedTarget[] = [];
      for (const t of binding.targets) {
        if (typeof t === "string") urls.push(t);
        else if ("url" in t) urls.push(t.url);
        else if ("lambda" in t) urls.push({ lambda: t.lambda, handler: t.handler });
        else {
          const started: CommandTarget = await startCommandTarget(
            { command: t.command, cwd: t.cwd ? new URL(t.cwd, `file://${o.baseDir}/`).pathname : o.baseDir, env: t.env, port: t.port },
            tg,
            o.log,
          );
          cleanups.push(() => started.stop());
          urls.push(started.url);
        }
      }
      targets.set(tg, urls);
    }

    const services: RunningService[] = [];
    const oac = mintOacCredentials(o.stack, bindings.distributions, o.ids, bindings.region, o.log);
    const s3 = await startS3(
      bindings.buckets.map((b) => ({ ...b, seed: o.stack.local.buckets[b.name] !== undefined, config: o.stack.buckets[b.name] })),
      { ids: o.ids, log: o.log, region: bindings.region, clock: o.clock, stateDir: o.stateDir, credentials: [...DEFAULT_CREDENTIALS, ...oac.credentials] },
    );
    services.push(s3);
    const elbv2 = await startElbv2(o.stack.loadBalancers, o.stack.targetGroups, {
      clock: o.clock,
      ids: o.ids,
      log: o.log,
      region: bindings.region,
      targets,
      host: o.host,
      listenerPorts: Object.fromEntries(Object.entries(o.stack.local.loadBalancers).map(([name, b]) => [name, b.listeners])),
      tls: { keyPem: ca.keyPem, certPem: ca.certPem },
      baseDir: o.baseDir,
    });
    services.push(elbv2);

    const gateway = (domain: string): { http: OriginEndpoint; https: OriginEndpoint } => ({
      http: { connectUrl: `http://127.0.0.1:${listeners.httpPort}`, hostHeader: domain, servername: domain },
      https: { connectUrl: `https://127.0.0.1:${listeners.httpsPort}`, hostHeader: domain, servername: domain },
    });
    const plans = bindings.distributions.map((d) =>
      compileDistribution({
        ...d,
        config: o.stack.distributions[d.name]!,
        cachePolicies: o.stack.cachePolicies,
        originRequestPolicies: o.stack.originRequestPolicies,
        viaHex: o.ids.hex32(),
        resolveOrigin(origin) {
          const domain = origin.DomainName.toLowerCase();
          const b = bindings.origins.get(domain)!;
          if (b.kind === "gateway") return { ...gateway(domain), ...oac.signing(d.name, origin.Id) };
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
    for (const s of services) cleanups.push(() => s.close());

    const routes = new Map<string, HttpHandler>();
    for (const s of services) for (const [h, handler] of s.routes) routes.set(h, handler);
    for (const [alias, lb] of bindings.loadBalancerAliases) {
      const handler = routes.get(loadBalancerHosts(lb, bindings.region).local);
      if (handler) routes.set(alias, handler);
    }
    // Path-style S3 through the control-plane endpoint (`--endpoint-url http://localhost:4480`).
    router.setRoutes(routes, s3.pathStyle, s3.resolveHost);
    return { bindings, plans, ca, httpPort: listeners.httpPort, httpsPort: listeners.httpsPort, router, cloudfront, elbv2, close };
  } catch (e) {
    await close();
    throw e;
  }
}
