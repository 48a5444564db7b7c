import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Agent, RequestInfo, RequestInit, Response } from "undici";
import { loadUndici } from "./core/http/undici-parts.js";
import { ManualClock, systemClock, type Clock } from "./core/clock.js";
import { randomIds, type Ids } from "./core/ids.js";
import { MemoryLog, type Log } from "./core/log.js";
import { REGION, startStack } from "./engine/start-stack.js";
import type { ApiGatewayLive, CloudFrontLive, Elbv2Live, S3Plan } from "./services/index.js";
import { lockStateDir } from "./engine/state-dir-lock.js";
import { defaultCaDir } from "./gateway/local-ca.js";
import { importObject, importStack, type ImportWarning } from "./importers/index.js";
import type { Stack, StackInput } from "./model/stack.js";
import { loadBalancerHosts, type Invalidation, type ListenerEndpoint, type LoadBalancerHandle, type TargetGroupHandle } from "./services/index.js";

export { EdgeparityError, type EdgeparityErrorCode } from "./core/errors.js";
export { ManualClock, type Clock } from "./core/clock.js";
export type { Log } from "./core/log.js";
export type { StackInput } from "./model/stack.js";
export type { ImportWarning } from "./importers/index.js";
/** A load warning: file, line (when known), field path and message. */
export type StackWarning = ImportWarning;
export type { ListenerEndpoint, TargetGroupHandle, TargetHealth } from "./services/index.js";
export type { Invalidation } from "./services/index.js";

export interface StartEdgeparityOptions {
  /** A stack file or folder path, or the stack itself as an object (AWS shapes + `local:`). */
  config: string | object;
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
  /** Default: kept in memory (`stack.log`). */
  log?: Log;
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
  id: string;
  kind: "rest" | "http";
  /** Stage name → invoke URL (`https://<id>.execute-api.localhost:<port>/<stage>/`; HTTP APIs' `$default` has no stage in the path). */
  stages: Record<string, string>;
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

export interface EdgeparityStack {
  distributions: Record<string, DistributionEndpoint>;
  loadBalancers: Record<string, LoadBalancerEndpoint>;
  /** Target groups by Name: health (DescribeTargetHealth), CloudWatch counters, register/deregister (alb.md §4, §12). */
  targetGroups: Record<string, TargetGroupHandle>;
  buckets: Record<string, Endpoint & { folder: string }>;
  /** API Gateway REST and HTTP APIs by name: id, kind, stages and the invoke URL of each stage (apigateway.md). */
  apis: Record<string, ApiEndpoint>;
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
  clock: Clock & Partial<Pick<ManualClock, "advance">>;
  log: Log;
  /** fetch() that reaches this stack's hosts on loopback without DNS and trusts its CA. */
  fetch(input: RequestInfo, init?: RequestInit): Promise<Response>;
  /**
   * CreateInvalidation (cloudfront.md §12): removes every cached object of the distribution (by name,
   * id or domain) whose path matches — exact, or a prefix when the path ends with `*`. Returns the
   * invalidation with its Id and Status `InProgress`; the removal is done when the promise resolves.
   */
  invalidate(distribution: string, paths: readonly string[], callerReference?: string): Promise<Invalidation>;
  /** A distribution's cache contents: keys, TTL left, size, hits (also at `/_edgeparity/cache`). */
  cacheView(distribution: string): ReturnType<CloudFrontLive["cacheView"]>;
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

/** Starts a stack in-process on ephemeral ports (by default) with its own state dir. */
export async function startEdgeparity(options: StartEdgeparityOptions): Promise<EdgeparityStack> {
  const log = options.log ?? new MemoryLog();
  const clock = options.clock === "manual" ? new ManualClock() : options.clock === undefined || options.clock === "system" ? systemClock : options.clock;
  const ownState = options.stateDir === undefined;
  const stateDir = options.stateDir ? resolve(options.stateDir) : await mkdtemp(join(tmpdir(), "edgeparity-"));
  const loaded =
    typeof options.config === "string"
      ? await importStack(options.config, { parameters: options.parameters })
      : importObject(options.config, "(config object)", resolve(options.baseDir ?? "."));
  for (const w of loaded.warnings) log.warn(`${formatWarningSource(w)}${w.path}: ${w.message}`);
  // One process per state dir (a second `edgeparity up` fails here, before any port is bound).
  const lock = await lockStateDir(stateDir);
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
  }).catch(async (e: unknown) => {
    await lock.release();
    throw e;
  });
  const { httpPort, httpsPort } = running;
  const https = (host: string) => `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}/`;
  const http = (host: string) => `http://${host}${httpPort === 80 ? "" : `:${httpPort}`}/`;
  const endpoint = (host: string): Endpoint => ({ host, url: https(host), httpUrl: http(host) });
  let warnings = loaded.warnings;
  let sources = loaded.sources;
  // The views below follow the revision being served; they are rebuilt once per revision.
  type Views = Pick<EdgeparityStack, "distributions" | "loadBalancers" | "targetGroups" | "buckets" | "apis">;
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
    for (const a of running.service<ApiGatewayLive>("apigateway").plan.apis) {
      const host = a.hosts[0]!;
      const stages: Record<string, string> = {};
      for (const stage of a.stages.keys()) stages[stage] = stage === "$default" ? https(host) : `${https(host)}${stage}/`;
      apis[a.name] = { ...endpoint(host), id: a.id, kind: a.kind, stages };
    }
    views = { revision: rev.number, views: { distributions, loadBalancers, targetGroups, buckets, apis } };
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
    get revision() {
      return running.current.number;
    },
    get model() {
      const rev = running.current;
      return { revision: rev.number, stack: rev.stack, baseDir: rev.baseDir };
    },
    async update(config, o) {
      const next =
        typeof config === "string"
          ? await importStack(config, { parameters: options.parameters })
          : importObject(config, "(config object)", resolve(o?.baseDir ?? options.baseDir ?? "."));
      await running.update(next.stack, next.baseDir);
      for (const w of next.warnings) log.warn(`${formatWarningSource(w)}${w.path}: ${w.message}`);
      warnings = next.warnings;
      sources = next.sources;
      return next.warnings;
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
    cacheView: (distribution) => cloudfront().cacheView(distribution),
    fetch: (input, init) => loadUndici().fetch(input, { ...init, dispatcher: dispatcher() }),
    async close() {
      if (closed) return;
      closed = true;
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
