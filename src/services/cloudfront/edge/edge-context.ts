import type { IncomingMessage, ServerResponse } from "node:http";
import type { ConnectionInfo } from "../../../core/service.js";
import { hasRequestBody } from "../../../core/http/has-body.js";
import { GoneSignal } from "../../../core/http/gone-signal.js";
import type { CacheState } from "../cache/index.js";
import type { Readable } from "node:stream";
import type { BehaviorPlan, DistributionPlan, OriginPlan } from "../compile/plan.js";
// A leaf file, not the functions door: the door reaches back here (run-function.ts).
import type { FunctionRun } from "../functions/function-run.js";
import type { EdgeResponse, ResponseSource } from "../response/edge-response.js";
import type { EdgeRuntime } from "./edge-runtime.js";

/** What an origin-request function decided: the origin asked (switched or not), and the request's path, query and headers. */
export interface OriginRequestOverride {
  origin: OriginPlan;
  /** Whether `origin` is the behaviour's own (its origin group may fail over) or one the function chose. */
  isSwitched: boolean;
  uri: string;
  query: string;
  headers: Record<string, string | string[]>;
  /** HTTP/1.1 spelling of the names (the function's `key`s, cloudfront.md §14.2). */
  headerNames?: ReadonlyMap<string, string>;
}

/**
 * Everything one viewer request carries through the pipeline. Stages read and write it; only
 * pipeline.ts decides which stage runs next.
 */
export class EdgeContext {
  readonly method: string;
  /** Path exactly as received (no decoding), without the query. */
  readonly viewerPath: string;
  /** Query string without `?`, "" when none (a viewer-request function may change it). */
  query: string;
  hasQuery: boolean;
  /** Path sent toward the origin / used for the cache key: after DefaultRootObject. */
  uri: string;
  behavior: BehaviorPlan | undefined;
  response: EdgeResponse | undefined;
  /** Who handed `response` to the response stages (set by pipeline.ts, cloudfront.md §1.3). */
  responseSource: ResponseSource | undefined = undefined;
  readonly startedAt: number;
  /** An origin a viewer-request function chose or changed (cloudfront.md §10.7); the behaviour's otherwise. */
  originOverride: OriginPlan | undefined = undefined;
  /** HTTP/1.1 spelling of request headers a viewer-request function set (CloudFront Functions §13.2, Lambda@Edge `key`s §14.2), for the origin request. */
  originHeaderNames: ReadonlyMap<string, string> | undefined = undefined;
  /** A viewer-request function changed `req.headers`: a later function event reads them, no longer `rawHeaders`. */
  areRequestHeadersEdited = false;
  /** Edge functions run for this request, with their compute utilization (for the trace). */
  functionRuns: FunctionRun[] = [];
  /** The request's trace id (core/trace.ts): its request id, or the X-Amz-Cf-Id of a distribution in front of this one. */
  traceId: string;
  /** Set by the origin stage: the origin the response came from, for the log. */
  originId = "-";
  /** True for the internal fetch of a custom error page. */
  readonly isErrorPageFetch: boolean;
  /** True for a stale-while-revalidate refresh CloudFront makes on its own (cloudfront.md §4.7). */
  readonly isBackgroundRefresh: boolean;
  /** Set by 40-cache-lookup when a cacheable request goes on to the origin (cloudfront.md §4). */
  cache: CacheState | undefined = undefined;
  /** Set while an origin reads the viewer's body (until its answer is complete): stops forwarding and drains the rest. */
  stopUpload: (() => void) | undefined = undefined;
  /**
   * Set when the access log listens on HTTP/2, where the connection's byte count covers every
   * stream: 99-respond counts this response's body bytes into `sentBodyBytes` (sc-bytes, §16.1).
   */
  isCountingBodyBytes = false;
  sentBodyBytes = 0;
  /** Access log, HTTP/1.x (edge/request-log.ts): the connection and its bytes written before this response. */
  logSocket: { bytesWritten?: number } | undefined = undefined;
  logBytesBefore = 0;
  /** Access log, HTTPS: the connection's TLS protocol and cipher, read when the request began. */
  logTlsProtocol = "-";
  logTlsCipher = "-";
  /** Served stale within stale-while-revalidate: pipeline.ts refreshes the object after responding (§4.7). */
  shouldRefreshInBackground = false;
  /** The body the origin gets instead of reading `req`: a Lambda@Edge function read or replaced it (cloudfront.md §14.2). */
  requestBody: Readable | undefined = undefined;
  /** The origin request an origin-request Lambda@Edge made (cloudfront.md §10.7, §14.3); the origin stage sends it as is. */
  originRequest: OriginRequestOverride | undefined = undefined;
  /** Set by 60-origin-fetch: when the origin request left and when its response headers came (performance.now(), for Server-Timing §6.4). */
  originSentAt: number | undefined = undefined;
  originFirstByteAt: number | undefined = undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse | undefined,
    readonly plan: DistributionPlan,
    readonly runtime: EdgeRuntime,
    /** The viewer connection: protocol and, on HTTPS, the raw ClientHello (JA3/JA4, cloudfront.md §7.4). */
    readonly conn: ConnectionInfo,
    readonly requestId: string,
    readonly clientIp: string,
    readonly clientPort: number,
    overrides?: { method: string; path: string; query: string; isBackgroundRefresh?: boolean },
  ) {
    const url = overrides ? undefined : originForm(req.url ?? "/");
    const q = url === undefined ? -1 : url.indexOf("?");
    this.method = overrides?.method ?? req.method ?? "GET";
    this.viewerPath = overrides?.path ?? (q === -1 ? url! : url!.slice(0, q));
    this.query = overrides?.query ?? (q === -1 ? "" : url!.slice(q + 1));
    this.hasQuery = overrides ? overrides.query !== "" : q !== -1;
    this.uri = this.viewerPath;
    this.traceId = requestId;
    this.startedAt = performance.now();
    this.isBackgroundRefresh = overrides?.isBackgroundRefresh === true;
    this.isErrorPageFetch = overrides !== undefined && !this.isBackgroundRefresh;
  }

  /**
   * The request's wall-clock time (epoch ms), read once for the synchronous first pass: the
   * viewer-request function's frozen Date and the cache lookup's freshness share it (a second
   * read in the same pass says the same to the millisecond). Later steps read the clock afresh.
   */
  requestTime(): number {
    return (this.#requestTime ??= this.runtime.clock.now());
  }
  #requestTime: number | undefined = undefined;

  /** The viewer sent (or is sending) a body, by HTTP/1.x or HTTP/2 framing (core/http/has-body.ts). */
  get hasRequestBody(): boolean {
    return hasRequestBody(this.req);
  }

  /** Content-Length other than 0, or Transfer-Encoding: the body the viewer's headers announce. */
  get announcesRequestBody(): boolean {
    const h = this.req.headers;
    const len = h["content-length"];
    return (len !== undefined && len !== "0") || h["transfer-encoding"] !== undefined;
  }

  /**
   * Aborted when the viewer goes away before its request or our response is complete: the origin
   * request is then aborted too, never finished as a shorter (or empty) upload (issue 8 §9).
   */
  get viewerGone(): GoneSignal<Error> | undefined {
    if (this.#viewerGone === undefined && this.res !== undefined) {
      const ac = new GoneSignal<Error>();
      this.#viewerGone = ac;
      const req = this.req;
      const res = this.res;
      const gone = () => {
        if (!res.writableFinished) ac.abort(new Error("viewer closed the connection"));
      };
      req.once("aborted", gone);
      res.once("close", gone);
      // A viewer body that breaks (HTTP/2 RST_STREAM, length mismatch) must not end as a complete upload.
      req.once("error", () => ac.abort(new Error("viewer request body failed")));
    }
    return this.#viewerGone;
  }
  #viewerGone: GoneSignal<Error> | undefined;

  get protocol(): "http" | "https" {
    return this.conn.protocol;
  }

  get host(): string {
    return (this.req.headers.host ?? (this.req.headers[":authority"] as string | undefined) ?? "").toString();
  }

  get httpVersion(): string {
    return this.req.httpVersion;
  }
}

/**
 * RFC 9112 §3.2.2: an absolute-form target (`GET http://host/api/x`) is matched and forwarded by
 * its path and query, as CloudFront does, never by the raw target (issue 8 §9).
 */
function originForm(target: string): string {
  if (target.charCodeAt(0) === 47 /* '/' */) return target;
  const m = ABSOLUTE_FORM.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest === "" || rest.charCodeAt(0) === 63 /* '?' */ ? `/${rest}` : rest;
}
const ABSOLUTE_FORM = /^https?:\/\/[^/?#]*/i;
