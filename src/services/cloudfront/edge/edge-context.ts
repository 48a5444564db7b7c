import type { IncomingMessage, ServerResponse } from "node:http";
import type { CacheState } from "../cache/index.js";
import type { BehaviorPlan, DistributionPlan } from "../compile/plan.js";
import type { EdgeResponse } from "./edge-response.js";
import type { EdgeRuntime } from "./edge-runtime.js";

/**
 * Everything one viewer request carries through the pipeline. Stages read and write it; only
 * pipeline.ts decides which stage runs next.
 */
export class EdgeContext {
  readonly method: string;
  /** Path exactly as received (no decoding), without the query. */
  readonly viewerPath: string;
  /** Query string without `?`, "" when none. */
  readonly query: string;
  readonly hasQuery: boolean;
  /** Path sent toward the origin / used for the cache key: after DefaultRootObject. */
  uri: string;
  behavior: BehaviorPlan | undefined;
  response: EdgeResponse | undefined;
  readonly startedAt: number;
  /** Set by the origin stage: the origin the response came from, for the log. */
  originId = "-";
  /** True for the internal fetch of a custom error page. */
  readonly isErrorPageFetch: boolean;
  /** True for a stale-while-revalidate refresh CloudFront makes on its own (cloudfront.md §4.7). */
  readonly isBackgroundRefresh: boolean;
  /** Set by 40-cache-lookup when a cacheable request goes on to the origin (cloudfront.md §4). */
  cache: CacheState | undefined = undefined;
  /** Served stale within stale-while-revalidate: pipeline.ts refreshes the object after responding (§4.7). */
  shouldRefreshInBackground = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse | undefined,
    readonly plan: DistributionPlan,
    readonly runtime: EdgeRuntime,
    readonly protocol: "http" | "https",
    readonly requestId: string,
    readonly clientIp: string,
    readonly clientPort: number,
    overrides?: { method: string; path: string; query: string; isBackgroundRefresh?: boolean },
  ) {
    const url = overrides ? undefined : (req.url ?? "/");
    const q = url === undefined ? -1 : url.indexOf("?");
    this.method = overrides?.method ?? req.method ?? "GET";
    this.viewerPath = overrides?.path ?? (q === -1 ? url! : url!.slice(0, q));
    this.query = overrides?.query ?? (q === -1 ? "" : url!.slice(q + 1));
    this.hasQuery = overrides ? overrides.query !== "" : q !== -1;
    this.uri = this.viewerPath;
    this.startedAt = performance.now();
    this.isBackgroundRefresh = overrides?.isBackgroundRefresh === true;
    this.isErrorPageFetch = overrides !== undefined && !this.isBackgroundRefresh;
  }

  get host(): string {
    return (this.req.headers.host ?? (this.req.headers[":authority"] as string | undefined) ?? "").toString();
  }

  get httpVersion(): string {
    return this.req.httpVersion;
  }
}
