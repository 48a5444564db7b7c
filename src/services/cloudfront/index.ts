import type { Clock } from "../../core/clock.js";
import { EdgeparityError } from "../../core/errors.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { HostPolicy, HttpHandler, RunningService } from "../../core/service.js";
import { EDGE_REQUEST, traceIdOf } from "../../core/trace.js";
import { traceRequest } from "../../core/trace-request.js";
import type { LambdaRuntime } from "../lambda/index.js";
import { join } from "node:path";
import {
  ADMIN_PREFIX,
  DEFAULT_STORE_LIMITS,
  DistributionCache,
  handleCacheAdmin,
  openDistributionStore,
  type CacheView,
  type Invalidation,
  type InvalidationJournal,
} from "./cache/index.js";
import type { DistributionPlan, OriginPlan } from "./compile/plan.js";
import { EdgeContext } from "./edge/edge-context.js";
import { beginRequestLog } from "./edge/request-log.js";
import type { EdgeRuntime } from "./edge/edge-runtime.js";
import { compilePipeline, runPipeline } from "./edge/pipeline.js";
import { writeResponse } from "./edge/stages/99-respond/write-response.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isClientAbort } from "../../core/http/client-abort.js";
import type { OriginClient } from "./edge/stages/60-origin-fetch/origin-client.js";
import { OriginClients } from "./edge/origin-clients.js";
import { malformedRequest, originInvalidResponse } from "./errors.js";
import { compileHostMatcher } from "./compile/host-matcher.js";
import { gatewayRejection } from "./edge/gateway-rejection.js";
import { DEFAULT_VIEWER, type ViewerLocation } from "./edge/viewer-location.js";
import { FunctionMetrics } from "./functions/index.js";

export { compileDistribution, type CompileInput } from "./compile/compile-distribution.js";
export type { DistributionPlan, OriginEndpoint } from "./compile/plan.js";
export type { Invalidation } from "./cache/index.js";
export type { ViewerLocation } from "./edge/viewer-location.js";
export { bindEdgeFunctions } from "./lambda-edge/index.js";
export { publishRequestLog } from "./edge/request-log.js";

export interface CloudFrontDeps {
  clock: Clock;
  ids: Ids;
  log: Log;
  /** PEM of the local CA, trusted for HTTPS origins served by edgeparity itself. */
  caPem: string;
  httpsPort: number;
  /** Cache bodies too large for memory spill to `<stateDir>/cache/<distribution id>/`. */
  stateDir: string;
  /** Byte budgets of each distribution's cache (defaults: 256 MiB memory, 8 MiB per object in memory, 4 GiB disk). */
  cacheLimits?: Partial<typeof DEFAULT_STORE_LIMITS>;
  /** Where loopback viewers are "from" (`local.viewer` in the stack): CloudFront-Viewer-Country/-ASN (cloudfront.md §7.4). */
  viewer?: Partial<ViewerLocation>;
  /** The Lambda runtime Lambda@Edge functions run in (cloudfront.md §14), with every associated function registered. */
  lambda?: LambdaRuntime;
  /** Where invalidation records are kept across restarts (the API's records); in memory only without it. */
  invalidationJournal?: InvalidationJournal;
}

/** What the engine and the public API may ask of the running CloudFront service. */
export interface CloudFrontControl {
  /** CreateInvalidation on a distribution by name, id or domain (cloudfront.md §12). */
  invalidate(distribution: string, paths: readonly string[], callerReference?: string): Promise<Invalidation>;
  /** The `/_edgeparity/cache` view of a distribution. */
  cacheView(distribution: string): Promise<CacheView>;
  /** The invalidations made on a distribution (name, id or domain), newest first, as stored (Status Completed). */
  invalidations(distribution: string): readonly Invalidation[];
}

/**
 * What outlives a revision (issue 9 "What survives a revision"): each distribution's cache, by
 * distribution id, and the origin pools. One per running service; `startCloudFront` makes its own
 * when given none.
 */
export interface CloudFrontShared {
  readonly caches: Map<string, DistributionCache>;
  readonly clients: OriginClients;
  /** CloudFront Functions' CloudWatch metrics (cloudfront.md §16.2): a function's series outlives its revisions. */
  readonly functionMetrics: FunctionMetrics;
}

export function openCloudFrontShared(caPem: string): CloudFrontShared {
  return { caches: new Map(), clients: new OriginClients(caPem), functionMetrics: new FunctionMetrics() };
}

/** What the gateway may ask of the running CloudFront service besides its exact-host routes. */
export interface CloudFrontService extends RunningService, CloudFrontControl {
  /**
   * The handler for a Host no exact route names: a wildcard alias (`*.example.com`) covers any
   * subdomain at any depth, an exact alias always wins (cloudfront.md §1.1 step 1). Port ignored.
   */
  resolveHost(host: string): HttpHandler | undefined;
  /** Per-host gateway behaviour; wildcard aliases are keyed as written (`*.example.com`). */
  readonly hostPolicies: ReadonlyMap<string, HostPolicy>;
}

/**
 * Serves every enabled distribution on its domain and aliases. With `shared`, caches and origin
 * pools come from (and stay in) it, and `close` only gives back this revision's pools.
 */
export function startCloudFront(plans: readonly DistributionPlan[], deps: CloudFrontDeps, shared?: CloudFrontShared): CloudFrontService {
  const own = shared === undefined;
  const state = shared ?? openCloudFrontShared(deps.caPem);
  const caches = new Map<string, DistributionCache>();
  for (const plan of plans) {
    let cache = state.caches.get(plan.id);
    if (!cache) {
      const limits = { ...DEFAULT_STORE_LIMITS, ...deps.cacheLimits };
      const store = openDistributionStore(limits, join(deps.stateDir, "cache", plan.id), deps.log, () => deps.ids.uuid());
      // Invalidation ids look like CloudFront's: `I` + 13 upper-case alphanumerics.
      cache = new DistributionCache(plan.id, store, deps.clock, () => `I${deps.ids.distributionId(deps.ids.uuid()).slice(1)}`, deps.invalidationJournal);
      state.caches.set(plan.id, cache);
    }
    caches.set(plan.id, cache);
  }
  // Every pool this revision can use, taken at start, so a pool the previous revision shares
  // with this one is never closed between them.
  const clients = new Map<OriginPlan, { http?: OriginClient; https?: OriginClient }>();
  const taken: OriginClient[] = [];
  for (const plan of plans) {
    if (!plan.enabled) continue;
    for (const origin of plan.origins.values()) {
      const schemes =
        origin.protocolPolicy === "match-viewer"
          ? (["http", "https"] as const)
          : origin.protocolPolicy === "https-only"
            ? (["https"] as const)
            : (["http"] as const);
      const byScheme: { http?: OriginClient; https?: OriginClient } = {};
      for (const scheme of schemes) taken.push((byScheme[scheme] = state.clients.acquire(origin, scheme)));
      clients.set(origin, byScheme);
    }
  }
  const findCache = (ref: string | undefined): DistributionCache | undefined => {
    const plan = plans.find((p) => p.name === ref || p.id === ref || p.domain === ref?.toLowerCase() || p.aliases.includes(ref?.toLowerCase() ?? ""));
    return plan ? caches.get(plan.id) : plans.length === 1 && ref === undefined ? caches.get(plans[0]!.id) : undefined;
  };
  const mustFindCache = (ref: string): DistributionCache => {
    const c = findCache(ref);
    if (!c)
      throw new EdgeparityError(
        "NO_SUCH_DISTRIBUTION",
        `no distribution '${ref}' in this stack; served: ${plans.map((p) => `${p.name} (${p.id})`).join(", ")}`,
      );
    return c;
  };
  const runtime: EdgeRuntime = {
    caches,
    clock: deps.clock,
    ids: deps.ids,
    log: deps.log,
    httpsPort: deps.httpsPort,
    viewer: { ...DEFAULT_VIEWER, ...deps.viewer },
    ...(deps.lambda ? { lambda: deps.lambda } : {}),
    functionMetrics: state.functionMetrics,
    originClient(origin, scheme) {
      let byScheme = clients.get(origin);
      if (!byScheme) clients.set(origin, (byScheme = {}));
      let client = byScheme[scheme];
      if (!client) taken.push((client = byScheme[scheme] = state.clients.acquire(origin, scheme)));
      return client;
    },
  };
  const routes = new Map<string, HttpHandler>();
  const wildcardRoutes: [string, HttpHandler][] = [];
  const hostPolicies = new Map<string, HostPolicy>();
  for (const plan of plans) {
    if (!plan.enabled) {
      deps.log.warn(`distribution ${plan.id} (${plan.name}): Enabled is false, so it serves no requests`);
      continue;
    }
    compilePipeline(plan);
    const handler = distributionHandler(plan, runtime, caches.get(plan.id)!);
    const policy: HostPolicy = { rejectRequest: (why) => gatewayRejection(why, plan, deps.ids.cloudFrontRequestId(), deps.clock.now()) };
    for (const host of [plan.domain, ...plan.aliases]) {
      if (host.startsWith("*.")) wildcardRoutes.push([host, handler]);
      else routes.set(host, handler);
      hostPolicies.set(host, policy);
    }
  }
  const wildcardMatch = compileHostMatcher(wildcardRoutes);
  // edgeparity's own host: cache views and invalidations for any distribution (`?distribution=`).
  routes.set("edgeparity.localhost", (req, res) => handleCacheAdmin(req, res, findCache));
  return {
    routes,
    hostPolicies,
    resolveHost: (host) => {
      const h = host.toLowerCase().replace(/:\d+$/, "");
      return routes.get(h) ?? wildcardMatch(h);
    },
    async invalidate(distribution, paths, callerReference) {
      const r = await mustFindCache(distribution).invalidate(paths, callerReference);
      if ("error" in r) throw new EdgeparityError("INVALIDATION_INVALID", r.error);
      return r.invalidation;
    },
    cacheView: async (distribution) => mustFindCache(distribution).view(),
    invalidations: (distribution) => mustFindCache(distribution).invalidations,
    async close() {
      await state.clients.release(taken.splice(0));
      if (!own) return;
      await Promise.all([...caches.values()].map((c) => c.store.close()));
    },
  };
}

function distributionHandler(plan: DistributionPlan, runtime: EdgeRuntime, cache: DistributionCache): HttpHandler {
  return (req, res, conn) => {
    // `/_edgeparity/…` on a distribution host: its cache view and invalidations (cache/admin-routes.ts).
    if (req.url!.startsWith(ADMIN_PREFIX)) return handleCacheAdmin(req, res, () => cache);
    const requestId = runtime.ids.cloudFrontRequestId();
    // A viewer that resets mid-body makes the request emit 'error'; the pipeline reacts through
    // EdgeContext.viewerGone, and this listener keeps it from ever being an uncaught exception.
    req.on("error", noop);
    const fail = (err: unknown) => failRequest(plan, runtime, requestId, req, res, err);
    try {
      const socket = req.socket;
      const ctx = new EdgeContext(req, res, plan, runtime, conn, requestId, normaliseIp(socket.remoteAddress), socket.remotePort ?? 0);
      // A distribution behind another one files its decisions under the viewer's request (core/trace.ts).
      if (conn.origin !== undefined) ctx.traceId = traceIdOf(req.headers, true, requestId);
      traceRequest(req, res, conn, "cloudfront", ctx.traceId);
      // The access-log event is published when the response closes, by whoever serves this
      // handler through an in-flight count (module.ts calls publishRequestLog): no listener here.
      if (EDGE_REQUEST.hasSubscribers) beginRequestLog(ctx, res);
      if (req.url === "*") {
        // `OPTIONS *` (RFC 9110 §9.3.7) names no object: CloudFront answers it without an origin.
        ctx.response = malformedRequest(requestId);
        writeResponse(ctx);
        return;
      }
      // A hit (and any other fully synchronous request) returns nothing to await.
      runPipeline(ctx)?.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

/** The one catch point of a request: logged once with its stack, answered with CloudFront's 502 page. */
function failRequest(plan: DistributionPlan, runtime: EdgeRuntime, requestId: string, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (isClientAbort(req, err)) {
    runtime.log.info(
      `distribution ${plan.id}: request ${requestId} (${req.method} ${req.url}): client abort: the viewer closed the connection before the request was complete`,
    );
    res.destroy();
    return;
  }
  runtime.log.error(`distribution ${plan.id}: request ${requestId} failed inside edgeparity: ${(err as Error).stack ?? err}`);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = originInvalidResponse(requestId).body as Buffer;
  res.writeHead(502, {
    "content-type": "text/html",
    "content-length": body.length,
    server: "CloudFront",
    "x-cache": "Error from cloudfront",
    via: plan.via,
    "x-amz-cf-pop": plan.pop,
    "x-amz-cf-id": requestId,
  });
  res.end(body);
}

function noop(): void {}

function normaliseIp(ip: string | undefined): string {
  if (!ip) return "-";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
