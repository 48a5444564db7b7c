import { channel } from "node:diagnostics_channel";

/**
 * Per-request facts go to diagnostics channels; the access log, console and tests subscribe.
 * Publishing is skipped when nobody listens (conventions §5).
 */
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
