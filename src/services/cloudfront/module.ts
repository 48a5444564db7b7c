import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { closestNames, didYouMean } from "../../core/did-you-mean.js";
import { EdgeparityError } from "../../core/errors.js";
import { processSecret } from "../../core/ids.js";
import { InFlight } from "../../core/in-flight.js";
import type { ControlPlane, HostPolicy, HttpHandler, ServiceModule } from "../../core/service.js";
import { listItems } from "../../model/aws-list.js";
import type { Stack } from "../../model/stack.js";
import { boundFunctionConfig, startLambdaRuntime, type BoundFunction, type LambdaRuntime } from "../lambda/index.js";
import {
  bindEdgeFunctions,
  compileDistribution,
  openCloudFrontShared,
  startCloudFront,
  publishRequestLog,
  type CloudFrontControl,
  type CloudFrontShared,
  type DistributionPlan,
  type OriginEndpoint,
  type ViewerLocation,
} from "./index.js";
import { distributionNames, type DistributionNames } from "./compile/distribution-names.js";
import { mintOacCredentials, type OacCredentials } from "./compile/oac-signing.js";
import { describeExportGaps } from "./api/export-gaps.js";
import { invalidationJournal } from "./api/invalidations.js";
import { cloudFrontApi } from "./api/router.js";
import { keyValueStoreApi, KVS_API_PROTOCOL, KVS_SIGNING_NAME } from "./kvs-api/kvs-router.js";
import { CLOUDFRONT_XMLNS } from "./api/xml.js";
import { compileFunctions, loadFunctionSources, type FunctionSources } from "./compile/load-functions.js";
import {
  carryOverKeyValueStores,
  testCloudFrontFunction,
  watchKeyValueStore,
  type CloudFrontFunction,
  type FunctionStage,
  type KeyValueStore,
  type TestResult,
} from "./functions/index.js";

/**
 * CloudFront as the engine drives it. Bind names each distribution (id and domain stable per
 * logical name), claims those domains and aliases as origins (a distribution in front of another)
 * and offers the OAC signing principals S3 must accept. Compile binds every origin — to a
 * `local.origins` URL, or to the origin door of the service that claims its DomainName — and
 * refuses origin loops between distributions, so a request can never come back to its distribution.
 */
export interface CloudFrontBinding {
  names: DistributionNames[];
  oac: OacCredentials;
  /** Lambda@Edge functions, each bound to its handler file (cloudfront.md §14). */
  edgeFunctions: BoundFunction[];
  /** Function code and KeyValueStore files, read and checked (compile/load-functions.ts). */
  functionSources: FunctionSources;
}

/** A revision's plan: the distributions, and where loopback viewers are "from" (`local.viewer`). */
export interface CloudFrontPlan {
  distributions: DistributionPlan[];
  viewer: Partial<ViewerLocation> | undefined;
  edgeFunctions: readonly BoundFunction[];
  /** CloudFront Functions by name, each compiled once for the revision (cloudfront.md §13). */
  functions: ReadonlyMap<string, CloudFrontFunction>;
  /** KeyValueStores the revision's functions read; the live service re-reads their files on change. */
  keyValueStores: readonly KeyValueStore[];
}

export type CloudFrontLive = CloudFrontControl & {
  readonly controlPlane: ControlPlane;
  /** The KeyValueStore data plane (`cloudfront-keyvaluestore`, kvs-api/). */
  readonly moreControlPlanes: readonly ControlPlane[];
  readonly routes: ReadonlyMap<string, HttpHandler>;
  readonly hostPolicies: ReadonlyMap<string, HostPolicy>;
  resolveHost(host: string): HttpHandler | undefined;
  readonly plans: readonly DistributionPlan[];
  /** TestFunction on a function of the current revision (cloudfront.md §13.6). */
  testFunction(name: string, event: unknown, stage?: FunctionStage): TestResult;
  /** A CloudFront Function's CloudWatch metrics so far, by name or ARN (cloudfront.md §16.2). */
  functionMetrics(name: string): Record<string, number>;
  apply(plan: CloudFrontPlan): Promise<void>;
  close(): Promise<void>;
};

const DRAIN_LIMIT_MS = 60_000;

/** CloudFront's API speaks REST-XML in the 2020-05-31 namespace (API Reference "Common Errors"). */
const CLOUDFRONT_API_PROTOCOL = { kind: "rest-xml", xmlns: CLOUDFRONT_XMLNS, title: "CloudFront" } as const;

export const CLOUDFRONT_SERVICE: ServiceModule<Stack, CloudFrontBinding, CloudFrontPlan, CloudFrontLive> = {
  name: "cloudfront",
  exportGaps: describeExportGaps,
  async bind(stack, ctx) {
    const names = Object.keys(stack.distributions).map(distributionNames);
    const byDomain = domainsOf(stack, names);
    const oac = mintOacCredentials(stack, names, (id) => processSecret(`oac:${id}`).slice(0, 40), ctx.region, ctx.log);
    const edge = bindEdgeFunctions(stack.distributions, stack.local.functions, ctx.baseDir);
    const { sources: functionSources, problems } = await loadFunctionSources(stack, ctx.baseDir);
    return {
      binding: { names, oac, edgeFunctions: edge.functions, functionSources },
      problems: [...edge.problems, ...problems],
      claimOrigin(domain) {
        const name = byDomain.get(domain);
        return name === undefined ? undefined : names.find((n) => n.name === name)!.domain;
      },
      offers: { signingPrincipals: oac.credentials },
    };
  },
  async compile(stack, { names, oac, edgeFunctions, functionSources }, ctx) {
    const problems: string[] = [];
    const localOrigins = new Map(Object.entries(stack.local.origins).map(([k, v]) => [k.toLowerCase(), new URL(v)]));
    const byDomain = domainsOf(stack, names);
    const endpoints = new Map<string, { http: OriginEndpoint; https: OriginEndpoint }>();
    // Origins that are distributions of this stack: the graph must have no cycle (cloudfront.md §10.5).
    const next = new Map<string, Set<string>>();
    for (const d of names) {
      const dc = stack.distributions[d.name]!;
      const edges = new Set<string>();
      next.set(d.name, edges);
      for (const [i, o] of listItems(dc.Origins).entries()) {
        const domain = o.DomainName.toLowerCase();
        const where = `distributions.${d.name}.Origins.Items[${i}]`;
        const url = localOrigins.get(domain);
        if (url) {
          const ep = { connectUrl: url.origin, hostHeader: domain, servername: url.hostname };
          endpoints.set(domain, { http: ep, https: ep });
          continue;
        }
        const target = byDomain.get(domain);
        if (target !== undefined) edges.add(target);
        const door = await ctx.originDoor(domain);
        if (door) {
          endpoints.set(domain, {
            http: { connectUrl: door.httpUrl, hostHeader: domain, servername: domain, ...(door.connectHttp ? { connectInMemory: door.connectHttp } : {}) },
            https: { connectUrl: door.httpsUrl, hostHeader: domain, servername: domain, ...(door.connectHttps ? { connectInMemory: door.connectHttps } : {}) },
          });
          continue;
        }
        const lb = /^(?:internal-)?([a-z0-9-]+?)-\d+\.[a-z0-9-]+\.elb\.amazonaws\.com$/.exec(domain)?.[1];
        const lbNames = stack.loadBalancers.map((l) => l.Name);
        problems.push(
          `${where} (Id '${o.Id}', DomainName '${o.DomainName}') is not bound to anything local. ` +
            (lb
              ? `No load balancer named '${lb}' is declared under loadBalancers${didYouMean(lb, lbNames)}; declare it, or bind the name under local.origins.`
              : `${nearDeclaredOrigin(domain, stack) ?? "Add"} a binding to the stack:\n      local:\n        origins:\n          ${o.DomainName}: http://127.0.0.1:PORT`),
        );
      }
    }
    for (const loop of findLoops(next))
      problems.push(
        `distributions.${loop[0]}.Origins: the origins form a loop (${loop.join(" → ")}): a request would come back to the distribution it left. Point one of them at a real origin.`,
      );
    if (problems.length) throw new EdgeparityError("BINDING_MISSING", problems.join("\n  "));
    // Where an origin-request Lambda@Edge may send a request (cloudfront.md §10.7): any origin bound here.
    const originEndpoints = new Map(endpoints);
    for (const [domain, url] of localOrigins) {
      const ep = { connectUrl: url.origin, hostHeader: domain, servername: url.hostname };
      if (!originEndpoints.has(domain)) originEndpoints.set(domain, { http: ep, https: ep });
    }
    const { functions, keyValueStores } = compileFunctions(stack, functionSources, new Date(ctx.clock.now()));
    const distributions = names.map((d) =>
      compileDistribution({
        ...d,
        config: stack.distributions[d.name]!,
        cachePolicies: stack.cachePolicies,
        originRequestPolicies: stack.originRequestPolicies,
        responseHeadersPolicies: stack.responseHeadersPolicies,
        viaHex: ctx.ids.hex32(),
        originEndpoints,
        functions,
        resolveOrigin: (origin) => ({ ...endpoints.get(origin.DomainName.toLowerCase())!, ...oac.signing(d.name, origin.Id) }),
      }),
    );
    return { distributions, viewer: stack.local.viewer, edgeFunctions, functions, keyValueStores };
  },
  async start(first, ctx) {
    // Caches and origin pools outlive revisions; each revision's handlers are a new generation.
    const shared = openCloudFrontShared(ctx.caPem);
    // Invalidation records outlive a restart in the API's records (issue 11 "State").
    const journal = invalidationJournal(ctx.stackApi);
    // Each revision's Lambda@Edge functions run in a runtime of its own (handler files imported anew).
    const lambdaFor = (plan: CloudFrontPlan): LambdaRuntime | undefined => {
      if (plan.edgeFunctions.length === 0) return undefined;
      const lambda = startLambdaRuntime({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, region: "us-east-1", accountId: LOCAL_ACCOUNT_ID });
      for (const f of plan.edgeFunctions) lambda.register(boundFunctionConfig(f));
      return lambda;
    };
    const open = (plan: CloudFrontPlan, lambda: LambdaRuntime | undefined) =>
      startCloudFront(
        plan.distributions,
        {
          clock: ctx.clock,
          ids: ctx.ids,
          log: ctx.log,
          caPem: ctx.caPem,
          httpsPort: ctx.httpsPort,
          stateDir: ctx.stateDir,
          invalidationJournal: journal,
          ...(plan.viewer ? { viewer: plan.viewer } : {}),
          ...(lambda ? { lambda } : {}),
        },
        shared,
      );
    let lambda = lambdaFor(first);
    let inner = open(first, lambda);
    let plans = first.distributions;
    let functions = first.functions;
    let stores = first.keyValueStores;
    const watchStores = (p: CloudFrontPlan) => p.keyValueStores.map((k) => watchKeyValueStore(k, ctx.log, () => new Date(ctx.clock.now())));
    let unwatch = watchStores(first);
    let gen = new InFlight();
    // Every viewer request is counted in flight, and its response's close publishes its
    // access-log event (the one listener a response gets, edge/request-log.ts).
    let wrapped = new WeakMap<HttpHandler, HttpHandler>();
    const wrapRoutes = () => {
      const g = gen;
      wrapped = new WeakMap();
      return new Map([...inner.routes].map(([h, handler]) => [h, g.wrap(handler, publishRequestLog)]));
    };
    /** A wildcard alias's handler (resolved per host), counted like the exact routes. */
    const resolveHost = (host: string): HttpHandler | undefined => {
      const handler = inner.resolveHost?.(host);
      if (handler === undefined) return undefined;
      let w = wrapped.get(handler);
      if (w === undefined) wrapped.set(handler, (w = gen.wrap(handler, publishRequestLog)));
      return w;
    };
    let routes = wrapRoutes();
    const startedAt = new Date(ctx.clock.now()).toISOString();
    const kvsAnswer = keyValueStoreApi({ stackApi: ctx.stackApi, clock: ctx.clock, startedAt, keyValueStores: () => stores });
    const answer = cloudFrontApi({
      stackApi: ctx.stackApi,
      certificateNames: (arn) => ctx.certificateNames(arn),
      ids: ctx.ids,
      clock: ctx.clock,
      startedAt,
      functions: () => functions,
      keyValueStores: () => stores,
      stateDir: ctx.stateDir,
      invalidations: {
        create: (id, paths, ref) => inner.invalidate(id, paths, ref),
        list: (id) => inner.invalidations(id),
      },
    });
    return {
      controlPlane: { signingName: "cloudfront", protocol: CLOUDFRONT_API_PROTOCOL, answer },
      moreControlPlanes: [{ signingName: KVS_SIGNING_NAME, protocol: KVS_API_PROTOCOL, answer: kvsAnswer }],
      get routes() {
        return routes;
      },
      get hostPolicies() {
        return inner.hostPolicies ?? new Map();
      },
      get plans() {
        return plans;
      },
      resolveHost,
      certificateUsers: () =>
        plans.flatMap((p) =>
          p.certificateArn
            ? [{ certificateArn: p.certificateArn, user: `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:distribution/${p.id}`, hosts: p.aliases }]
            : [],
        ),
      testFunction: (name, event, stage = "DEVELOPMENT") => testFunctionInPlan(functions, name, event, stage, ctx.clock.now()),
      functionMetrics: (name) => shared.functionMetrics.snapshot(name.replace(/^arn:aws:cloudfront::\d{12}:function\//, "")),
      invalidate: (d, paths, ref) => inner.invalidate(d, paths, ref),
      cacheView: (d) => inner.cacheView(d),
      invalidations: (d) => inner.invalidations(d),
      async apply(next) {
        const old = inner;
        const oldGen = gen;
        const oldLambda = lambda;
        lambda = lambdaFor(next);
        inner = open(next, lambda);
        plans = next.distributions;
        functions = next.functions;
        // Data an API write gave the previous revision's stores after this one read their files.
        carryOverKeyValueStores(stores, next.keyValueStores);
        stores = next.keyValueStores;
        for (const stop of unwatch) stop();
        unwatch = watchStores(next);
        gen = new InFlight();
        routes = wrapRoutes();
        await retireCaches(shared, next.distributions, false);
        void oldGen
          .drained(DRAIN_LIMIT_MS)
          // Objects the old revision's last requests stored under a recipe now gone are dropped too.
          .then(() => Promise.all([old.close(), oldLambda?.close(), retireCaches(shared, plans, true)]))
          .catch((e: unknown) => ctx.log.warn(`cloudfront: closing the previous revision: ${(e as Error).message}`));
      },
      async close() {
        for (const stop of unwatch) stop();
        await inner.close();
        await lambda?.close();
        await shared.clients.close();
        await Promise.all([...shared.caches.values()].map((c) => c.store.close()));
      },
    };
  },
};

/**
 * Issue 9 "What survives a revision": a distribution's cache stays while its id is served, minus
 * the objects stored under a cache-key recipe none of its behaviours uses any more. A distribution
 * gone from the stack loses its cache once the revisions that served it have drained (`drained`).
 */
async function retireCaches(shared: CloudFrontShared, plans: readonly DistributionPlan[], drained: boolean): Promise<void> {
  const live = new Map(plans.map((p) => [p.id, new Set(p.behaviors.map((b) => b.cacheKey.fingerprint))]));
  await Promise.all(
    [...shared.caches].map(async ([id, cache]) => {
      const recipes = live.get(id);
      if (recipes) return void (await cache.retainRecipes(recipes));
      if (!drained) return;
      shared.caches.delete(id);
      await cache.store.close();
    }),
  );
}

/** Lower-case distribution domain or alias → logical name. */
function domainsOf(stack: Stack, names: readonly DistributionNames[]): Map<string, string> {
  const byDomain = new Map<string, string>();
  for (const d of names) {
    byDomain.set(d.domain, d.name);
    for (const a of listItems(stack.distributions[d.name]!.Aliases)) byDomain.set(a.toLowerCase(), d.name);
  }
  return byDomain;
}

/** Each cycle of the origin graph once, as the names along it, first name repeated at the end. */
function findLoops(next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const loops: string[][] = [];
  const done = new Set<string>();
  const visit = (name: string, path: string[]) => {
    const at = path.indexOf(name);
    if (at !== -1) return void loops.push([...path.slice(at), name]);
    if (done.has(name)) return;
    for (const n of next.get(name) ?? []) visit(n, [...path, name]);
    done.add(name);
  };
  for (const name of next.keys()) visit(name, []);
  return loops;
}

/** TestFunction (cloudfront.md §13.6) on a function of a revision's plan, by name or ARN. */
export function testFunctionInPlan(
  functions: ReadonlyMap<string, CloudFrontFunction>,
  name: string,
  event: unknown,
  stage: FunctionStage,
  now: number,
): TestResult {
  const fn = functions.get(name.replace(/^arn:aws:cloudfront::\d{12}:function\//, ""));
  if (!fn) throw new EdgeparityError("NO_SUCH_FUNCTION", `NoSuchFunctionExists: no function '${name}' in this stack${didYouMean(name, functions.keys())}`);
  return testCloudFrontFunction(fn, event, stage, now);
}

/** TestFunction from a plan the engine made without starting it (`edgeparity function test`). */
export function testFunctionOfRevision(plans: ReadonlyMap<string, unknown>, name: string, event: unknown, stage: FunctionStage, now: number): TestResult {
  const plan = plans.get(CLOUDFRONT_SERVICE.name) as CloudFrontPlan;
  return testFunctionInPlan(plan.functions, name, event, stage, now);
}

/**
 * A custom origin's DomainName that is a typo of a declared bucket's or load balancer's AWS name
 * (`my-site.s3.us-east-1.amazonaws.con`, `app-alb-1.us-east-1.elb.amazonaw.com`): said before the
 * binding advice, which would only hide the typo (issue 15).
 */
function nearDeclaredOrigin(domain: string, stack: Stack): string | undefined {
  const known = new Map<string, string>();
  for (const b of new Set([...Object.keys(stack.buckets), ...Object.keys(stack.local.buckets)])) {
    known.set(`${b}.s3.amazonaws.com`, `bucket ${b}`);
    known.set(`${b}.s3.us-east-1.amazonaws.com`, `bucket ${b}`);
  }
  // A load balancer's DNS name carries digits of its own: they are compared as one placeholder.
  for (const l of stack.loadBalancers) known.set(`${l.Name.toLowerCase()}-0.us-east-1.elb.amazonaws.com`, `load balancer ${l.Name}`);
  const typed = domain.replace(/-\d+\.([a-z0-9-]+)\.elb\./, "-0.$1.elb.");
  const near = closestNames(typed, known.keys(), 1)[0];
  if (near === undefined) return undefined;
  const what = known.get(near)!;
  const example = what.startsWith("bucket") ? near : near.replace("-0.", "-1234567890.");
  return `It is close to the ${what} (${example}): a typo in DomainName? If not, add`;
}
