import type { Clock } from "../core/clock.js";
import { EdgeparityError } from "../core/errors.js";
import type { Ids } from "../core/ids.js";
import type { Log } from "../core/log.js";
import type { TraceScope } from "../core/trace.js";
import type {
  BindContext,
  CompileContext,
  ControlPlane,
  HostPolicy,
  HttpHandler,
  LiveService,
  StackApi,
  Offers,
  OriginCaller,
  OriginDoorAddress,
  ServiceBinding,
  ServiceContext,
  ServiceModule,
} from "../core/service.js";
import { openLocalCa, type LocalCa } from "../gateway/local-ca.js";
import { HostRouter } from "../gateway/host-router.js";
import { startListeners, type TlsMaterial } from "../gateway/listeners.js";
import { openOriginDoor, type OriginDoor } from "../gateway/origin-doors.js";
import type { Stack } from "../model/stack.js";
import { SERVICES } from "../services/index.js";
import { controlPlaneHandler } from "../aws-api/control-plane.js";
import { isAccountEndpointHost } from "../aws-api/endpoint.js";
import { acmCertificates } from "./acm-certificates.js";

/**
 * The live engine. It lives as long as the process and owns the ports, the router, the CA and the
 * origin doors; each service in the registry owns its runtime. A revision: every service binds
 * (all problems are reported together) → compiles its plan → the first revision starts each
 * service, later ones `apply` the new plan (a failure re-applies the previous plans, so a failed
 * update changes nothing) → the router's whole table is replaced at once. Requests in flight
 * finish on the handlers they started with.
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
  /** The API's share of the stack, handed to every service (engine/api-state.ts). */
  stackApi: StackApi;
  /** Carried by every viewer connection: traces are told apart per stack, and `X-Edgeparity-Trace` is added when `header` is set. */
  trace?: TraceScope;
  /** How CloudFront reaches an origin this stack serves itself over HTTP; default "memory" (StartEdgeparityOptions.originHop). */
  originHop?: "memory" | "tcp";
}

/** One revision of the stack as it is served. */
export interface Revision {
  number: number;
  stack: Stack;
  baseDir: string;
  /** Each service's plan for this revision, by service name. */
  plans: ReadonlyMap<string, unknown>;
}

export interface RunningStack {
  readonly current: Revision;
  /** A running service by its registry name (its runtime follows the current revision). */
  service<T>(name: string): T;
  ca: LocalCa;
  httpPort: number;
  httpsPort: number;
  router: HostRouter;
  /** How the service that serves an origin domain will answer `caller` now, or undefined (not served here). */
  describeOrigin(domain: string, caller: OriginCaller): string | undefined;
  /**
   * Serve `stack` as the next revision. Resolves when every new request is served by it; throws
   * EdgeparityError listing every problem, and then the previous revision keeps serving.
   */
  update(stack: Stack, baseDir?: string): Promise<Revision>;
  close(): Promise<void>;
}

type AnyModule = ServiceModule<Stack, unknown, unknown, LiveService<unknown>>;
const MODULES = SERVICES as readonly unknown[] as readonly AnyModule[];

export async function startStack(o: StartOptions): Promise<RunningStack> {
  const router = new HostRouter();
  // Leaf certificates are issued on demand by SNI for any host the current revision serves (new
  // aliases, wildcard aliases, new load balancers); a client without SNI gets the loopback names'.
  const ca = await openLocalCa({ dir: o.caDir, serves: (name) => router.handlerFor(name) !== undefined || router.policyFor(name) !== undefined });
  const loopback = await ca.certificateForHosts(["localhost", "127.0.0.1", "::1"]);
  const live = new Map<string, LiveService<unknown>>();
  const certificates = acmCertificates(live, ca);
  const tls: TlsMaterial = {
    keyPem: loopback.keyPem,
    certPem: loopback.certPem,
    contextFor: (name) => (certificates.contextFor(name) ?? ca.secureContextFor(name)).catch(() => undefined),
  };
  const listeners = await startListeners({ host: o.host, httpPort: o.httpPort, httpsPort: o.httpsPort, tls, router, log: o.log, trace: o.trace });
  const doors = new Map<string, OriginDoor>();
  const region = REGION;
  const serviceCtx: ServiceContext = {
    clock: o.clock,
    ids: o.ids,
    log: o.log,
    region,
    stateDir: o.stateDir,
    host: o.host,
    httpPort: listeners.httpPort,
    httpsPort: listeners.httpsPort,
    caPem: ca.caPem,
    certificateFor: (hosts) => ca.certificateForHosts(hosts),
    certificateNames: (arn) => certificates.names(arn),
    certificateUsers: (arn) => certificates.users(arn),
    stackApi: o.stackApi,
    trace: o.trace,
  };

  const inMemory = o.originHop !== "tcp";
  const plan = async (stack: Stack, baseDir: string) => {
    const newDoors: OriginDoor[] = [];
    try {
      return await planRevision(stack, { baseDir, stateDir: o.stateDir, region, log: o.log, ids: o.ids, clock: o.clock }, async (domain) => {
        let door = doors.get(domain);
        if (!door) {
          door = await openOriginDoor({ domain, router, tls: () => tls, log: o.log });
          doors.set(domain, door);
          newDoors.push(door);
        }
        return { httpUrl: door.httpUrl, httpsUrl: door.httpsUrl, ...(inMemory ? { connectHttp: door.connectHttp, connectHttps: door.connectHttps } : {}) };
      });
    } catch (e) {
      for (const d of newDoors) {
        doors.delete(d.domain);
        await d.close();
      }
      throw e;
    }
  };

  const install = (aliases: ReadonlyMap<string, string>) => {
    const routes = new Map<string, HttpHandler>();
    const policies = new Map<string, HostPolicy>();
    const resolvers: ((host: string) => HttpHandler | undefined)[] = [];
    const apis = new Map<string, ControlPlane>();
    for (const s of live.values()) {
      for (const [h, handler] of s.routes) routes.set(h, handler);
      for (const [h, p] of s.hostPolicies ?? []) policies.set(h, p);
      if (s.resolveHost) resolvers.push(s.resolveHost.bind(s));
      if (s.controlPlane) apis.set(s.controlPlane.signingName, s.controlPlane);
      for (const p of s.moreControlPlanes ?? []) apis.set(p.signingName, p);
    }
    // An origin DomainName a service claimed is served by that service's host (AWS DNS names of a
    // load balancer, a bucket's regional names).
    for (const [domain, host] of aliases) {
      const handler = routes.get(host);
      if (handler && !routes.has(domain)) routes.set(domain, handler);
      const policy = policies.get(host);
      if (policy && !policies.has(domain)) policies.set(domain, policy);
    }
    const api = controlPlaneHandler(apis, { requestId: () => o.ids.uuid(), clock: o.clock, log: o.log });
    // `<account id>.localhost`: where SDKs with account-scoped endpoint rules (CloudFront KeyValueStore) send the API.
    resolvers.push((host) => (isAccountEndpointHost(host) ? api : undefined));
    router.setRoutes(routes, { fallback: api, resolvers, policies });
  };
  const closeUnusedDoors = async (aliases: ReadonlyMap<string, string>) => {
    for (const [domain, d] of doors) {
      if (aliases.has(domain)) continue;
      doors.delete(domain);
      await d.close();
    }
  };

  let current: Revision;
  try {
    const first = await plan(o.stack, o.baseDir);
    for (const m of MODULES) live.set(m.name, await m.start(first.plans.get(m.name), serviceCtx));
    install(first.aliases);
    current = { number: 1, stack: o.stack, baseDir: o.baseDir, plans: first.plans };
  } catch (e) {
    for (const s of [...live.values()].reverse()) await s.close().catch(() => undefined);
    for (const d of doors.values()) await d.close();
    await listeners.close();
    throw e;
  }

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    get current() {
      return current;
    },
    service: <T>(name: string) => live.get(name) as T,
    describeOrigin(domain, caller) {
      for (const s of live.values()) {
        const d = s.describeOrigin?.(domain, caller);
        if (d !== undefined) return d;
      }
      return undefined;
    },
    ca,
    httpPort: listeners.httpPort,
    httpsPort: listeners.httpsPort,
    router,
    update(stack, baseDir) {
      // Revisions are built one at a time, in the order asked for.
      const run = queue.then(async () => {
        if (closed) throw new EdgeparityError("STACK_CLOSED", "the stack is closed");
        const dir = baseDir ?? current.baseDir;
        const next = await plan(stack, dir);
        const applied: AnyModule[] = [];
        try {
          for (const m of MODULES) {
            await live.get(m.name)!.apply(next.plans.get(m.name));
            applied.push(m);
          }
        } catch (e) {
          for (const m of applied.reverse())
            await live
              .get(m.name)!
              .apply(current.plans.get(m.name))
              .catch((err: unknown) =>
                o.log.error(`revision ${current.number + 1}: ${m.name} could not return to revision ${current.number}: ${(err as Error).message}`),
              );
          throw e;
        }
        install(next.aliases);
        current = { number: current.number + 1, stack, baseDir: dir, plans: next.plans };
        await closeUnusedDoors(next.aliases);
        return current;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await listeners.close();
      for (const s of [...live.values()].reverse()) await s.close().catch((e: unknown) => o.log.warn(`shutdown: ${(e as Error).message}`));
      for (const d of doors.values()) await d.close();
    },
  };
}

/**
 * Bind and compile every service: nothing runs, and nothing changes when this throws. `openDoor`
 * gives the origin door of a claimed origin domain (`validate` passes a stand-in).
 */
export async function planRevision(
  stack: Stack,
  c: BindContext & { ids: Ids; clock: Clock },
  openDoor: (domain: string) => Promise<OriginDoorAddress>,
): Promise<{ plans: Map<string, unknown>; aliases: Map<string, string> }> {
  const bindCtx: BindContext = { baseDir: c.baseDir, stateDir: c.stateDir, region: c.region, log: c.log };
  const binds: ServiceBinding<unknown>[] = [];
  for (const m of MODULES) binds.push(await m.bind(stack, bindCtx));
  const problems = binds.flatMap((b) => b.problems);
  if (problems.length) throw new EdgeparityError("BINDING_MISSING", problems.join("\n  "));
  const offers: Offers = { signingPrincipals: binds.flatMap((b) => b.offers?.signingPrincipals ?? []) };
  const claimed = MODULES.map(() => new Set<string>());
  const aliases = new Map<string, string>();
  const originDoor: CompileContext["originDoor"] = async (domain) => {
    for (const [i, b] of binds.entries()) {
      const host = b.claimOrigin?.(domain);
      if (host === undefined) continue;
      claimed[i]!.add(domain);
      aliases.set(domain, host);
      return openDoor(domain);
    }
    return undefined;
  };
  const plans = new Map<string, unknown>();
  for (const [i, m] of MODULES.entries()) {
    const ctx: CompileContext = { ...bindCtx, offers, claimed: [...claimed[i]!], originDoor, ids: c.ids, clock: c.clock };
    plans.set(m.name, await m.compile(stack, binds[i]!.binding, ctx));
  }
  return { plans, aliases };
}

/** Choice: one region for everything local (AWS DNS names in any region still bind). */
export const REGION = "us-east-1";
