import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Agent, RequestInfo, RequestInit, Response } from "undici";
import { loadUndici } from "./core/http/undici-parts.js";
import { ManualClock, systemClock, type Clock } from "./core/clock.js";
import { randomIds, type Ids } from "./core/ids.js";
import { MemoryLog, type Log } from "./core/log.js";
import { REGION, startStack } from "./engine/start-stack.js";
import type { ApiGatewayLive, CloudFrontLive, Elbv2Live, FunctionStage, S3Plan, TestResult } from "./services/index.js";
import { lockStateDir } from "./engine/state-dir-lock.js";
import { defaultCaDir } from "./gateway/local-ca.js";
import { composeStack, fragmentSource, objectSources, readStackSources, type ImportWarning, type StackSources } from "./importers/index.js";
import { ApiState } from "./engine/api-state.js";
import type { Stack, StackInput } from "./model/stack.js";
import { EdgeparityError } from "./core/errors.js";
import { LOCAL_ACCOUNT_ID } from "./core/account.js";
import type { TraceScope } from "./core/trace.js";
import { collectTraces, type RequestTrace, type TraceCollector } from "./observe/trace/request-trace.js";
import { loadBalancerHosts, type Invalidation, type ListenerEndpoint, type LoadBalancerHandle, type TargetGroupHandle } from "./services/index.js";

export { EdgeparityError, type EdgeparityErrorCode } from "./core/errors.js";
export { ManualClock, type Clock } from "./core/clock.js";
export type { Log } from "./core/log.js";
export type { StackInput } from "./model/stack.js";
export type { ImportWarning } from "./importers/index.js";
/** A load warning: file, line (when known), field path and message. */
export type StackWarning = ImportWarning;
export type { ListenerEndpoint, TargetGroupHandle, TargetHealth } from "./services/index.js";
export type { Invalidation, FunctionStage, TestResult } from "./services/index.js";
export type { RequestTrace } from "./observe/trace/request-trace.js";
export type { TraceEvent, TraceRequestEvent } from "./core/trace.js";

export interface StartEdgeparityOptions<C extends StackInput | string | object = StackInput | string | object> {
  /**
   * A stack file or folder path, or the stack itself as an object (AWS shapes + `local:`). An object
   * is typed as the stack's input: editors complete its fields and refuse misspelt ones, and the
   * stack's endpoint maps are keyed by its own names (`stack.distributions.web`).
   */
  config: C;
  /** Folder relative paths in an object config resolve against. Default: the current directory. */
  baseDir?: string;
  /** 0 (default) picks a free port. */
  httpPort?: number;
  httpsPort?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** State (bucket objects, cache spill). Default: a fresh temporary folder, removed on close(). */
  stateDir?: string;
  /**
   * The local CA's folder, shared by every stack of the user. Default: `$EDGEPARITY_CA_DIR`, else
   * `$XDG_DATA_HOME/edgeparity/ca`, else `~/.local/share/edgeparity/ca`.
   */
  caDir?: string;
  /** `"manual"` gives a clock that only moves with `stack.clock.advance(ms)`, for TTL tests. */
  clock?: "system" | "manual" | Clock;
  ids?: Ids;
  /** CloudFormation template parameter overrides (`--parameter Key=Value`); defaults fill the rest. */
  parameters?: Readonly<Record<string, string>>;
  /** Terraform input variables (`--var name=value`). */
  variables?: Readonly<Record<string, string>>;
  /** Terraform variable files (`--var-file`), in order. */
  varFiles?: readonly string[];
  /** Default: kept in memory (`stack.log`). */
  log?: Log;
  /**
   * Per-request traces (issue 15): `true` keeps the last 200 for `stack.trace(id)` /
   * `stack.lastTrace()` and adds `X-Edgeparity-Trace: <id>` to every response; `onTrace` also
   * gets each finished trace (`edgeparity up --trace` prints them). Off by default: then no
   * decision event is built at all.
   */
  trace?: boolean | { header?: boolean; onTrace?: (trace: RequestTrace) => void };
  /**
   * How CloudFront reaches, over HTTP, an origin this stack serves itself (a load balancer, a bucket,
   * an API, another distribution): `"memory"` (default) hands the connection over inside the
   * process, `"tcp"` connects to the origin's loopback port. The bytes exchanged are the same either
   * way; `"tcp"` is there to compare the two. HTTPS origins always use TCP (their TLS handshake).
   */
  originHop?: "memory" | "tcp";
}

export interface DistributionEndpoint {
  id: string;
  /** DistributionConfig.Enabled: a disabled distribution is listed but serves no requests. */
  enabled: boolean;
  domain: string;
  aliases: string[];
  /** `https://<domain>:<httpsPort>/` */
  url: string;
  httpUrl: string;
}

export interface ApiEndpoint extends Endpoint {
  /** The API's name in the stack file (`restApis.<name>` / `httpApis.<name>`). */
  name: string;
  id: string;
  kind: "rest" | "http";
  /** Stage name → invoke URL (`https://<id>.execute-api.localhost:<port>/<stage>/`; HTTP APIs' `$default` has no stage in the path). */
  stages: Record<string, string>;
  /** CloudWatch metrics under AWS's names: REST `Count`, `4XXError`, `5XXError`, `Latency`, `IntegrationLatency`; HTTP APIs `4xx`, `5xx`, `DataProcessed`. */
  metrics(): Record<string, number>;
}

export interface Endpoint {
  host: string;
  url: string;
  httpUrl: string;
}

/** A load balancer: its gateway host, each listener on its own local port, metrics and access log (alb.md). */
export interface LoadBalancerEndpoint extends Endpoint, Omit<LoadBalancerHandle, "listeners"> {
  /** One per listener: configured Port/Protocol, the local port it listens on, and its URL. */
  listeners: ListenerEndpoint[];
}

/**
 * The names a stack declares, for its endpoint maps: from an object config's own keys and
 * `Name`s, or any string for a file (its names are known only once it is read).
 */
export interface StackNames {
  distributions: string;
  loadBalancers: string;
  targetGroups: string;
  buckets: string;
  apis: string;
}

type KeysOf<T> = unknown extends T ? string : [T] extends [undefined] ? never : T extends Readonly<Record<string, unknown>> ? keyof T & string : never;
type NamesOf<T> = unknown extends T ? string : T extends readonly { Name: infer N }[] ? N & string : never;
type Field<C, K extends string> = C extends { readonly [P in K]?: infer V } ? V : undefined;
/** StackNames of a config: an object's own names (literal or `as const`), any string for a file path. */
export type NamesOfConfig<C> = C extends string
  ? StackNames
  : C extends object
    ? {
        distributions: KeysOf<Field<C, "distributions">>;
        loadBalancers: NamesOf<Field<C, "loadBalancers">>;
        targetGroups: NamesOf<Field<C, "targetGroups">>;
        buckets: KeysOf<Field<C, "buckets">> | KeysOf<Field<Field<C, "local">, "buckets">>;
        apis: KeysOf<Field<C, "restApis">> | KeysOf<Field<C, "httpApis">>;
      }
    : StackNames;

/**
 * A stack object written apart from `startEdgeparity()` (a fixture module, a helper), checked as
 * the stack's input and keeping its own names: `export const stack = defineStack({ … })`.
 * An object whose strings TypeScript widened (built by a helper) is still checked for unknown
 * field names, while its values are checked when the stack loads.
 */
export function defineStack<const C extends StackInput>(config: C & ExactConfig<C, StackInput>): C {
  return config;
}

/** The clock a stack runs on: `clock: "manual"` gives a ManualClock (`advance()` callable under strict). */
export type ClockOf<K> = K extends "manual" ? ManualClock : K extends Clock ? K : Clock & Partial<Pick<ManualClock, "advance">>;

/**
 * Refuses (at compile time) fields a stack object does not have, at any depth: `config` is checked
 * against the stack's input type while its own literal names are kept for the endpoint maps.
 */
export type ExactConfig<T, S> = unknown extends S
  ? T
  : [S] extends [T]
    ? T
    : S extends unknown
      ? T extends readonly (infer E)[]
        ? S extends readonly (infer SE)[]
          ? readonly ExactConfig<E, SE>[]
          : T
        : T extends object
          ? S extends object
            ? { [K in keyof T]: string extends K ? T[K] : K extends keyof S ? ExactConfig<T[K], Exclude<S[K], undefined>> : never }
            : T
          : T
      : never;

export interface EdgeparityStack<N extends StackNames = StackNames, C extends Clock = Clock & Partial<Pick<ManualClock, "advance">>, L extends Log = Log> {
  distributions: Record<N["distributions"], DistributionEndpoint>;
  loadBalancers: Record<N["loadBalancers"], LoadBalancerEndpoint>;
  /** Target groups by Name: health (DescribeTargetHealth), CloudWatch counters, register/deregister (alb.md §4, §12). */
  targetGroups: Record<N["targetGroups"], TargetGroupHandle>;
  buckets: Record<N["buckets"], Endpoint & { folder: string }>;
  /**
   * API Gateway REST and HTTP APIs by name: id, kind, stages and the invoke URL of each stage
   * (apigateway.md). A REST and an HTTP API may share a name (they live in separate sections):
   * such a pair is listed as `rest:<name>` and `http:<name>` instead. `apisById` has every API.
   */
  apis: Record<N["apis"] | `rest:${N["apis"]}` | `http:${N["apis"]}`, ApiEndpoint>;
  /** Every API by its id (10 characters, the `<id>.execute-api.localhost` host), which never collides. */
  apisById: Record<string, ApiEndpoint>;
  httpPort: number;
  httpsPort: number;
  /** PEM file of the local CA every HTTPS endpoint chains to. */
  caPath: string;
  caPem: string;
  /** base64 SHA-256 of the served certificate's public key (Chromium: --ignore-certificate-errors-spki-list). */
  spkiHash: string;
  stateDir: string;
  warnings: StackWarning[];
  /** Files and bound folders the stack was read from (absolute); empty for an object config. */
  sources: string[];
  clock: C;
  /** The log: a MemoryLog (`stack.log.lines`) unless `log` was given. */
  log: L;
  /** fetch() that reaches this stack's hosts on loopback without DNS and trusts its CA. */
  fetch(input: RequestInfo, init?: RequestInit): Promise<Response>;
  /**
   * CreateInvalidation (cloudfront.md §12): removes every cached object of the distribution (by name,
   * id or domain) whose path matches — exact, or a prefix when the path ends with `*`. Returns the
   * invalidation with its Id and Status `InProgress`; the removal is done when the promise resolves.
   */
  invalidate(distribution: string, paths: readonly string[], callerReference?: string): Promise<Invalidation>;
  /**
   * TestFunction (cloudfront.md §13.6): runs a CloudFront Function of the current revision (by name
   * or ARN) on an event object and answers what `aws cloudfront test-function` prints: FunctionOutput
   * (a JSON string), ComputeUtilization, FunctionExecutionLogs, FunctionErrorMessage, FunctionSummary.
   */
  testFunction(name: string, event: unknown, options?: { stage?: FunctionStage }): TestResult;
  /**
   * A CloudFront Function's CloudWatch metrics so far (cloudfront.md §16.2), by name or ARN:
   * `FunctionInvocations`, `FunctionValidationErrors`, `FunctionExecutionErrors`, `FunctionThrottles`,
   * and `FunctionComputeUtilization` (average, with `_SampleCount` and `_Maximum`) once it ran.
   */
  functionMetrics(name: string): Record<string, number>;
  /** A distribution's cache contents: keys, TTL left, size, hits (also at `/_edgeparity/cache`). */
  cacheView(distribution: string): ReturnType<CloudFrontLive["cacheView"]>;
  /**
   * A finished request's trace by id (the `X-Edgeparity-Trace` response header, which is the
   * X-Amz-Cf-Id of a CloudFront request): every decision made for it, in order. Needs `trace`.
   */
  trace(id: string): RequestTrace | undefined;
  /** The trace of the request that finished last. Needs `trace`. */
  lastTrace(): RequestTrace | undefined;
  /**
   * One line per distribution on how each of its origins will answer CloudFront now: a bucket's
   * object count and whether its policy lets the distribution read (OAC or not), a load balancer's
   * target health, a bound URL (issue 15; `edgeparity up` prints these at start).
   */
  originHealth(): Record<string, string>;
  /** The undici dispatcher behind `fetch`, for other clients. */
  dispatcher: Agent;
  /** The revision being served: 1 at start, +1 for every successful update(). */
  readonly revision: number;
  /**
   * The parsed stack (AWS shapes with defaults filled in, plus `local:`) the current revision
   * serves, and the folder its relative paths resolve against: what `edgeparity up` diffs and watches.
   */
  readonly model: { revision: number; stack: Stack; baseDir: string };
  /**
   * Serve a new version of the stack (an edited stack file's contents, in the same shapes as
   * `config`). Listening ports, the CA, bucket contents, target commands, target groups' health and
   * stickiness, and cache entries whose distribution and key recipe are unchanged survive; requests in flight finish on the revision they started on. Resolves with the
   * new revision's warnings; throws EdgeparityError (STACK_INVALID, BINDING_MISSING …) listing every
   * problem, and then the old revision keeps serving unchanged.
   */
  update(config: StackInput | string, options?: { baseDir?: string }): Promise<StackWarning[]>;
  close(): Promise<void>;
}

/**
 * Starts a stack in-process on ephemeral ports (by default) with its own state dir. The result's
 * types follow the options: endpoint maps keyed by an object config's names, a ManualClock for
 * `clock: "manual"`, a MemoryLog (with `lines`) unless a `log` is given.
 */
export async function startEdgeparity<
  const C extends StackInput | string | object,
  const K extends StartEdgeparityOptions["clock"] = undefined,
  L extends Log = MemoryLog,
>(
  options: StartEdgeparityOptions<C> & { config: C extends string ? C : ExactConfig<C, StackInput>; clock?: K; log?: L },
): Promise<EdgeparityStack<NamesOfConfig<C>, ClockOf<K>, L>>;
export async function startEdgeparity(options: StartEdgeparityOptions): Promise<EdgeparityStack> {
  const log = options.log ?? new MemoryLog();
  const clock = options.clock === "manual" ? new ManualClock() : options.clock === undefined || options.clock === "system" ? systemClock : options.clock;
  const ownState = options.stateDir === undefined;
  const traceOptions = options.trace === true ? {} : options.trace || undefined;
  const traceScope: TraceScope = { header: traceOptions !== undefined && traceOptions.header !== false };
  const traces = traceOptions ? collectTraces({ scope: traceScope, onTrace: traceOptions.onTrace }) : undefined;
  const mustTrace = (): TraceCollector => {
    if (!traces) throw new EdgeparityError("TRACE_OFF", "traces are kept only for a stack started with `trace: true` (startEdgeparity({ …, trace: true }))");
    return traces;
  };
  const stateDir = options.stateDir ? resolve(options.stateDir) : await mkdtemp(join(tmpdir(), "edgeparity-"));
  const readSources = (config: string | object, baseDir: string | undefined): Promise<StackSources> | StackSources =>
    typeof config === "string"
      ? readStackSources(config, { parameters: options.parameters, variables: options.variables, varFiles: options.varFiles })
      : objectSources(config, "(config object)", resolve(baseDir ?? "."));
  let fileSources = await readSources(options.config, options.baseDir);
  // One process per state dir (a second `edgeparity up` fails here, before any port is bound).
  const lock = await lockStateDir(stateDir);
  // The AWS API's resources (issue 11): a fragment of their own, merged beside the file's sources.
  const api = await ApiState.open(stateDir).catch(async (e: unknown) => {
    await lock.release();
    throw e;
  });
  const apiSource = (fragment: Record<string, unknown>) => fragmentSource(fragment, `the resources created through the AWS API (${api.path})`);
  let loaded;
  try {
    loaded = composeStack(fileSources, [apiSource(api.fragment)]);
  } catch (e) {
    await lock.release();
    throw e;
  }
  for (const w of loaded.warnings) log.warn(`${formatWarningSource(w)}${w.path}: ${w.message}`);
  const stackApi = api.stackApi({
    live: () => running.current.stack,
    revision: () => running.current.number,
    log,
    async serve(fragment) {
      const next = composeStack(fileSources, [apiSource(fragment)]);
      const rev = await running.update(next.stack, next.baseDir);
      warnings = next.warnings;
      sources = next.sources;
      return rev.number;
    },
  });
  const running = await startStack({
    stack: loaded.stack,
    baseDir: loaded.baseDir,
    stateDir,
    caDir: resolve(options.caDir ?? defaultCaDir()),
    host: options.host ?? "127.0.0.1",
    httpPort: options.httpPort ?? 0,
    httpsPort: options.httpsPort ?? 0,
    clock,
    ids: options.ids ?? randomIds,
    log,
    stackApi,
    trace: traceScope,
    ...(options.originHop ? { originHop: options.originHop } : {}),
  }).catch(async (e: unknown) => {
    traces?.close();
    await lock.release();
    throw loaded.locateProblems(e);
  });
  const { httpPort, httpsPort } = running;
  const https = (host: string) => `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}/`;
  const http = (host: string) => `http://${host}${httpPort === 80 ? "" : `:${httpPort}`}/`;
  const endpoint = (host: string): Endpoint => ({ host, url: https(host), httpUrl: http(host) });
  let warnings = loaded.warnings;
  let sources = loaded.sources;
  // The views below follow the revision being served; they are rebuilt once per revision.
  type Views = Pick<EdgeparityStack, "distributions" | "loadBalancers" | "targetGroups" | "buckets" | "apis" | "apisById">;
  let views: { revision: number; views: Views } | undefined;
  const cloudfront = () => running.service<CloudFrontLive>("cloudfront");
  const currentViews = (): Views => {
    const rev = running.current;
    if (views?.revision === rev.number) return views.views;
    const distributions: Record<string, DistributionEndpoint> = {};
    for (const p of cloudfront().plans)
      distributions[p.name] = { id: p.id, enabled: p.enabled, domain: p.domain, aliases: [...p.aliases], url: https(p.domain), httpUrl: http(p.domain) };
    const elbv2 = running.service<Elbv2Live>("elbv2");
    const loadBalancers: Record<string, LoadBalancerEndpoint> = {};
    for (const lb of rev.stack.loadBalancers) {
      const h = elbv2.loadBalancers.get(lb.Name)!;
      loadBalancers[lb.Name] = {
        ...endpoint(loadBalancerHosts(lb.Name, REGION).local),
        id: h.id,
        listeners: h.listeners,
        metrics: h.metrics,
        accessLog: h.accessLog,
      };
    }
    const targetGroups: Record<string, TargetGroupHandle> = Object.fromEntries(elbv2.targetGroups);
    const buckets: Record<string, Endpoint & { folder: string }> = {};
    for (const b of (rev.plans.get("s3") as S3Plan).buckets) buckets[b.name] = { ...endpoint(`${b.name}.s3.localhost`), folder: b.folder };
    const apis: Record<string, ApiEndpoint> = {};
    const apisById: Record<string, ApiEndpoint> = {};
    const apigateway = running.service<ApiGatewayLive>("apigateway");
    const apiList = apigateway.plan.apis;
    for (const a of apiList) {
      const host = a.hosts[0]!;
      const stages: Record<string, string> = {};
      for (const stage of a.stages.keys()) stages[stage] = stage === "$default" ? https(host) : `${https(host)}${stage}/`;
      const view: ApiEndpoint = { ...endpoint(host), name: a.name, id: a.id, kind: a.kind, stages, metrics: () => apigateway.metrics(a.id) };
      apisById[a.id] = view;
      const shared = apiList.some((o) => o !== a && o.name === a.name);
      apis[shared ? `${a.kind}:${a.name}` : a.name] = view;
    }
    views = { revision: rev.number, views: { distributions, loadBalancers, targetGroups, buckets, apis, apisById } };
    return views.views;
  };

  // Made on first use: the programmatic fetch needs all of undici, which `edgeparity up` never
  // loads otherwise (core/http/undici-parts.ts, issue 14: cold start).
  let agent: Agent | undefined;
  const dispatcher = (): Agent =>
    (agent ??= new (loadUndici().Agent)({
      connect: {
        ca: running.ca.caPem,
        // Every served host lives on loopback; no DNS is consulted.
        lookup: (_hostname, opts, cb) => {
          if ((opts as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
          else (cb as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
        },
      },
    }));
  await lock
    .publish({
      host: options.host ?? "127.0.0.1",
      httpPort,
      httpsPort,
      caPath: running.ca.caPath,
      spkiHash: running.ca.spkiHash,
      startedAt: new Date(systemClock.now()).toISOString(),
    })
    .catch(async (e: unknown) => {
      await agent?.close();
      await running.close();
      await lock.release();
      throw e;
    });
  let closed = false;
  return {
    get distributions() {
      return currentViews().distributions;
    },
    get loadBalancers() {
      return currentViews().loadBalancers;
    },
    get targetGroups() {
      return currentViews().targetGroups;
    },
    get buckets() {
      return currentViews().buckets;
    },
    get apis() {
      return currentViews().apis;
    },
    get apisById() {
      return currentViews().apisById;
    },
    get revision() {
      return running.current.number;
    },
    get model() {
      const rev = running.current;
      return { revision: rev.number, stack: rev.stack, baseDir: rev.baseDir };
    },
    async update(config, o) {
      const read = await readSources(config, o?.baseDir ?? options.baseDir);
      // One at a time with API mutations: each composes the other half as last committed.
      return api.serialize(async () => {
        const next = composeStack(read, [apiSource(api.fragment)]);
        await running.update(next.stack, next.baseDir).catch((e: unknown) => {
          throw next.locateProblems(e);
        });
        fileSources = read;
        for (const w of next.warnings) log.warn(`${formatWarningSource(w)}${w.path}: ${w.message}`);
        warnings = next.warnings;
        sources = next.sources;
        return next.warnings;
      });
    },
    httpPort,
    httpsPort,
    get caPath() {
      return running.ca.caPath;
    },
    get caPem() {
      return running.ca.caPem;
    },
    get spkiHash() {
      return running.ca.spkiHash;
    },
    stateDir,
    get warnings() {
      return warnings;
    },
    get sources() {
      return sources;
    },
    clock: clock as EdgeparityStack["clock"],
    log,
    get dispatcher() {
      return dispatcher();
    },
    invalidate: (distribution, paths, callerReference) => cloudfront().invalidate(distribution, paths, callerReference),
    testFunction: (name, event, options) => cloudfront().testFunction(name, event, options?.stage),
    functionMetrics: (name) => cloudfront().functionMetrics(name),
    cacheView: (distribution) => cloudfront().cacheView(distribution),
    fetch: (input, init) => loadUndici().fetch(input, { ...init, dispatcher: dispatcher() }),
    trace: (id) => mustTrace().get(id),
    originHealth() {
      const out: Record<string, string> = {};
      for (const p of cloudfront().plans) {
        if (!p.enabled) continue;
        const sourceArn = `arn:aws:cloudfront::${LOCAL_ACCOUNT_ID}:distribution/${p.id}`;
        const sampleKey = p.defaultRootPath.replace(/^\//, "") || "index.html";
        const parts = [...p.origins.values()].map((o) => {
          const caller = { service: "cloudfront.amazonaws.com", sourceArn, signed: o.oac !== undefined && o.oac.signingBehavior !== "never", sampleKey };
          return `${o.id} → ${running.describeOrigin(o.domainName, caller) ?? `${o.domainName} bound to ${o.http.connectUrl}`}`;
        });
        out[p.name] = parts.join(" | ");
      }
      return out;
    },
    lastTrace: () => mustTrace().last(),
    async close() {
      if (closed) return;
      closed = true;
      traces?.close();
      await agent?.close();
      await running.close();
      await lock.release();
      if (ownState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** `file:line: ` for a warning whose source is known. */
function formatWarningSource(w: ImportWarning): string {
  return w.line === undefined ? `${w.file}: ` : `${w.file}:${w.line}: `;
}
