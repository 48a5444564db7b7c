import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Agent, fetch as undiciFetch, type RequestInfo, type RequestInit, type Response } from "undici";
import { ManualClock, systemClock, type Clock } from "./core/clock.js";
import { randomIds, type Ids } from "./core/ids.js";
import { MemoryLog, type Log } from "./core/log.js";
import { startStack, type RunningStack } from "./engine/start-stack.js";
import type { Invalidation } from "./services/cloudfront/index.js";
import { importDocument, loadStackFile } from "./importers/load-stack-file.js";
import type { StackWarning } from "./model/parse-stack.js";
import { loadBalancerHosts, type ListenerEndpoint, type LoadBalancerHandle, type TargetGroupHandle } from "./services/elbv2/index.js";

export { EdgeparityError, type EdgeparityErrorCode } from "./core/errors.js";
export { ManualClock, type Clock } from "./core/clock.js";
export type { Log } from "./core/log.js";
export type { StackInput } from "./model/stack.js";
export type { StackWarning } from "./model/parse-stack.js";
export type { ListenerEndpoint, TargetGroupHandle, TargetHealth } from "./services/elbv2/index.js";
export type { Invalidation } from "./services/cloudfront/index.js";

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
  /** State (CA, bucket objects, cache spill). Default: a fresh temporary folder, removed on close(). */
  stateDir?: string;
  /** `"manual"` gives a clock that only moves with `stack.clock.advance(ms)`, for TTL tests. */
  clock?: "system" | "manual" | Clock;
  ids?: Ids;
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
  httpPort: number;
  httpsPort: number;
  /** PEM file of the local CA every HTTPS endpoint chains to. */
  caPath: string;
  caPem: string;
  /** base64 SHA-256 of the served certificate's public key (Chromium: --ignore-certificate-errors-spki-list). */
  spkiHash: string;
  stateDir: string;
  warnings: StackWarning[];
  clock: Clock & Partial<Pick<ManualClock, "advance">>;
  log: Log;
  /** fetch() that reaches this stack's hosts on loopback without DNS and trusts its CA. */
  fetch(input: RequestInfo, init?: RequestInit): Promise<Response>;
  /**
   * CreateInvalidation (cloudfront.md §12): removes every cached object of the distribution (by name,
   * id or domain) whose path matches — exact, or a prefix when the path ends with `*`. Returns the
   * invalidation with its Id and Status `InProgress`; the removal is done when the call returns.
   */
  invalidate(distribution: string, paths: readonly string[], callerReference?: string): Invalidation;
  /** A distribution's cache contents: keys, TTL left, size, hits (also at `/_edgeparity/cache`). */
  cacheView(distribution: string): ReturnType<RunningStack["cloudfront"]["cacheView"]>;
  /** The undici dispatcher behind `fetch`, for other clients. */
  dispatcher: Agent;
  close(): Promise<void>;
}

/** Starts a stack in-process on ephemeral ports (by default) with its own state dir. */
export async function startEdgeparity(options: StartEdgeparityOptions): Promise<EdgeparityStack> {
  const log = options.log ?? new MemoryLog();
  const clock = options.clock === "manual" ? new ManualClock() : options.clock === undefined || options.clock === "system" ? systemClock : options.clock;
  const ownState = options.stateDir === undefined;
  const stateDir = options.stateDir ? resolve(options.stateDir) : await mkdtemp(join(tmpdir(), "edgeparity-"));
  let loaded;
  if (typeof options.config === "string") {
    loaded = await loadStackFile(options.config);
  } else {
    const baseDir = resolve(options.baseDir ?? ".");
    loaded = { ...importDocument(options.config, "(config object)"), baseDir };
  }
  for (const w of loaded.warnings) log.warn(`${w.path}: ${w.message}`);
  const running = await startStack({
    stack: loaded.stack,
    baseDir: loaded.baseDir,
    stateDir,
    host: options.host ?? "127.0.0.1",
    httpPort: options.httpPort ?? 0,
    httpsPort: options.httpsPort ?? 0,
    clock,
    ids: options.ids ?? randomIds,
    log,
  });
  const { httpPort, httpsPort } = running;
  const https = (host: string) => `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}/`;
  const http = (host: string) => `http://${host}${httpPort === 80 ? "" : `:${httpPort}`}/`;
  const endpoint = (host: string): Endpoint => ({ host, url: https(host), httpUrl: http(host) });

  const distributions: Record<string, DistributionEndpoint> = {};
  for (const p of running.plans)
    distributions[p.name] = { id: p.id, enabled: p.enabled, domain: p.domain, aliases: [...p.aliases], url: https(p.domain), httpUrl: http(p.domain) };
  const loadBalancers: Record<string, LoadBalancerEndpoint> = {};
  for (const lb of loaded.stack.loadBalancers) {
    const h = running.elbv2.loadBalancers.get(lb.Name)!;
    loadBalancers[lb.Name] = {
      ...endpoint(loadBalancerHosts(lb.Name, running.bindings.region).local),
      id: h.id,
      listeners: h.listeners,
      metrics: h.metrics,
      accessLog: h.accessLog,
    };
  }
  const targetGroups: Record<string, TargetGroupHandle> = Object.fromEntries(running.elbv2.targetGroups);
  const buckets: Record<string, Endpoint & { folder: string }> = {};
  for (const b of running.bindings.buckets) buckets[b.name] = { ...endpoint(`${b.name}.s3.localhost`), folder: b.folder };

  const dispatcher = new Agent({
    connect: {
      ca: running.ca.caPem,
      // Every served host lives on loopback; no DNS is consulted.
      lookup: (_hostname, opts, cb) => {
        if ((opts as { all?: boolean }).all) (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
        else (cb as (e: null, a: string, f: number) => void)(null, "127.0.0.1", 4);
      },
    },
  });
  let closed = false;
  return {
    distributions,
    loadBalancers,
    targetGroups,
    buckets,
    httpPort,
    httpsPort,
    caPath: running.ca.caPath,
    caPem: running.ca.caPem,
    spkiHash: running.ca.spkiHash,
    stateDir,
    warnings: loaded.warnings,
    clock: clock as EdgeparityStack["clock"],
    log,
    dispatcher,
    invalidate: (distribution, paths, callerReference) => running.cloudfront.invalidate(distribution, paths, callerReference),
    cacheView: (distribution) => running.cloudfront.cacheView(distribution),
    fetch: (input, init) => undiciFetch(input, { ...init, dispatcher }),
    async close() {
      if (closed) return;
      closed = true;
      await dispatcher.close();
      await running.close();
      if (ownState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
