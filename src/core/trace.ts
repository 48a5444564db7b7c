import { channel } from "node:diagnostics_channel";

/**
 * Per-request facts go to diagnostics channels; the access log, console and tests subscribe.
 * Publishing is skipped when nobody listens (conventions §5).
 */
/** Its fields may be computed when read (cloudfront/edge/request-log.ts): read them during `publish`, copy what you keep. */
export interface EdgeRequestEvent {
  time: number;
  distributionId: string;
  distributionDomain: string;
  method: string;
  host: string;
  path: string;
  query: string;
  status: number;
  /** The matched behaviour's PathPattern, `*` for the default. */
  behavior: string;
  /** `Hit`, `Miss`, `RefreshHit`, `Error`, `Redirect` … (cloudfront.md §1.2). */
  resultType: string;
  detailedResultType: string;
  originId: string;
  ms: number;
  requestId: string;
  clientIp: string;
  clientPort: number;
  protocol: "http" | "https";
  httpVersion: string;
  bytesSent: number;
  bytesReceived: number;
  userAgent: string;
  referer: string;
  forwardedFor: string;
  contentType: string;
  contentLength: string;
  tlsProtocol: string;
  tlsCipher: string;
  /** Edge functions run for the request, with their compute utilization (0–100, cloudfront.md §13.4). */
  functions?: readonly { name: string; eventType: string; computeUtilization: number; error?: string }[];
}

export interface AlbRequestEvent {
  time: number;
  loadBalancer: string;
  method: string;
  host: string;
  path: string;
  status: number;
  targetStatus: number | undefined;
  target: string;
  targetGroup: string;
  ms: number;
  /** The request's line in ALB's access-log format (alb.md §11). */
  accessLogLine?: string;
}

export const EDGE_REQUEST = channel("edgeparity:cloudfront:request");
export const ALB_REQUEST = channel("edgeparity:elbv2:request");

/** One API Gateway request (apigateway.md §12): what the access log and `--verbose` execution log read. */
export interface ApiGatewayRequestEvent {
  time: number;
  apiId: string;
  apiName: string;
  kind: "rest" | "http";
  stage: string | undefined;
  method: string;
  path: string;
  status: number;
  requestId: string;
  /** Request to response, ms on the stack clock (CloudWatch `Latency`). */
  ms: number;
  /** Integration call, ms (CloudWatch `IntegrationLatency`); undefined when none ran. */
  integrationMs: number | undefined;
  /** REST: the request's execution-log lines in API Gateway's wording (`(<requestId>) …`). */
  executionLog: readonly string[];
}

export const APIGATEWAY_REQUEST = channel("edgeparity:apigateway:request");
/**
 * Per-request decisions (issue 15): one diagnostics channel per decision kind. A producer checks
 * `channel.hasSubscribers` before it builds an event, so a kind nobody listens to costs one
 * property read on the hot path. Events of one request share its trace id: the CloudFront request
 * id (X-Amz-Cf-Id), which CloudFront also sends to its origins (it is one of the headers CloudFront
 * puts in every origin request, with Host and User-Agent: CloudFormation User Guide,
 * AWS::CloudFront::OriginRequestPolicy), so the bucket, load balancer or API
 * behind it files its decisions under the viewer's request. A service answering a viewer directly
 * uses its own request id. The `request` kind closes a trace; `observe/trace/` assembles them.
 */
export type TraceService = "cloudfront" | "s3" | "elbv2" | "apigateway" | "lambda";

export interface TraceEvent {
  traceId: string;
  service: TraceService;
  /** The decision kind (the channel's last name part). */
  kind: TraceKind;
  /** One readable sentence: what was decided and why. */
  message: string;
  /** Further lines under the message (the behaviours that did not match, …). */
  details?: readonly string[];
  /** Machine-readable facts for tests (`{ verdict: "Miss", ttlSource: "max-age" }`). */
  data?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** Published when a service has answered a request (its response ended or the client left). */
export interface TraceRequestEvent extends TraceEvent {
  kind: "request";
  /** True when the request came from a viewer, false when another service of the stack sent it (an origin request). */
  root: boolean;
  /** The stack instance the connection belongs to (ConnectionInfo.trace), so a process with several stacks keeps their traces apart. */
  scope: TraceScope | undefined;
  method: string;
  url: string;
  status: number;
  ms: number;
}

/** Per stack: whether responses carry `X-Edgeparity-Trace` (off by default, `--trace` turns it on). */
export interface TraceScope {
  readonly header: boolean;
}

export const TRACE_HEADER = "x-edgeparity-trace";

const kind = <K extends string>(service: TraceService, k: K) => ({ kind: k, channel: channel(`edgeparity:trace:${service}:${k}`) });

/** Every decision channel by kind; `request` (any service's) closes a trace. */
export const TRACE = {
  request: { kind: "request" as const, channel: channel("edgeparity:trace:request") },
  behavior: kind("cloudfront", "behavior"),
  viewerPolicy: kind("cloudfront", "viewer-policy"),
  cache: kind("cloudfront", "cache"),
  ttl: kind("cloudfront", "ttl"),
  origin: kind("cloudfront", "origin"),
  attempt: kind("cloudfront", "attempt"),
  s3Authorization: kind("s3", "authorization"),
  s3Cors: kind("s3", "cors"),
  albRule: kind("elbv2", "rule"),
  albTarget: kind("elbv2", "target"),
  apiRoute: kind("apigateway", "route"),
  apiAuthorizer: kind("apigateway", "authorizer"),
  apiCors: kind("apigateway", "cors"),
  /** CloudFront Functions and Lambda@Edge invocations (issue 10 adds the producers). */
  function: kind("cloudfront", "function"),
} as const;

export type TraceKind = (typeof TRACE)[keyof typeof TRACE]["kind"];
export type TraceChannelName = keyof typeof TRACE;

/** Publishes a decision; call only after checking `TRACE[name].channel.hasSubscribers`. */
export function publishTrace(
  name: TraceChannelName,
  traceId: string,
  service: TraceService,
  message: string,
  extra?: Pick<TraceEvent, "details" | "data">,
): void {
  const t = TRACE[name];
  const e: TraceEvent = { traceId, service, kind: t.kind, message, ...extra };
  t.channel.publish(e);
}

/** True when a decision of this kind has a listener (check before building the message). */
export function isTraced(name: TraceChannelName): boolean {
  return TRACE[name].channel.hasSubscribers;
}

/**
 * The trace id of a request a service received: the X-Amz-Cf-Id CloudFront sent with its origin
 * request when it came through an origin door, the service's own request id otherwise.
 */
export function traceIdOf(headers: Readonly<Record<string, string | string[] | undefined>>, viaOriginDoor: boolean, own: string): string {
  const cf = viaOriginDoor ? headers["x-amz-cf-id"] : undefined;
  return typeof cf === "string" && cf !== "" ? cf : own;
}
