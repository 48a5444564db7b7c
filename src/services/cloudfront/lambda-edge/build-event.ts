import { STATUS_CODES } from "node:http";
import type { LambdaEdgeEventType, OriginPlan } from "../compile/plan.js";
import type { EdgeContext } from "../edge/edge-context.js";
import type { EdgeResponse } from "../response/edge-response.js";
import { cfHeadersFromRecord, type CfHeaders } from "./cf-headers.js";
import type { CfBody, CfConfig, CfEvent, CfOrigin, CfRequest } from "./event-shape.js";
import type { ExposedBody } from "./request-body.js";
import { viewerHeaders } from "./viewer-headers.js";

/**
 * Builds the event a Lambda@Edge function gets (cloudfront.md §14.2): `config` names the
 * distribution, the event type and the request id (X-Amz-Cf-Id); `request` is what the viewer
 * sent (viewer events, after a viewer-request function's changes) or what goes to the origin
 * (origin events: CloudFront's origin-bound headers, the forwarded query string, the origin);
 * response events add `response` with the status as a string.
 */
export function buildConfig(ctx: EdgeContext, eventType: LambdaEdgeEventType): CfConfig {
  return { distributionDomainName: ctx.plan.domain, distributionId: ctx.plan.id, eventType, requestId: ctx.requestId };
}

/** The viewer's request as the pipeline now holds it (a viewer-request function may have changed uri, query, headers). */
export function viewerRequest(ctx: EdgeContext, body: ExposedBody | undefined): CfRequest {
  const r: CfRequest = { clientIp: ctx.clientIp, headers: viewerHeaders(ctx.req), method: ctx.method, querystring: ctx.query, uri: ctx.uri };
  if (body) r.body = exposedBody(body);
  return r;
}

export function exposedBody(b: ExposedBody): CfBody {
  return { inputTruncated: b.inputTruncated, action: "read-only", encoding: "base64", data: b.data.toString("base64") };
}

/** The request toward `origin`: its headers (without the origin's custom headers, which `origin` carries), path and query. */
export function originRequest(
  ctx: EdgeContext,
  origin: OriginPlan,
  scheme: "http" | "https",
  headers: CfHeaders,
  query: string,
  body: ExposedBody | undefined,
): CfRequest {
  const r: CfRequest = { clientIp: ctx.clientIp, headers, method: ctx.method, querystring: query, uri: ctx.uri, origin: originOf(origin, scheme) };
  if (body) r.body = exposedBody(body);
  return r;
}

/** §10.7's origin object for a configured origin. Choice: sslProtocols is CloudFront's default ["TLSv1.2"]. */
export function originOf(o: OriginPlan, scheme: "http" | "https"): CfOrigin {
  const customHeaders = cfHeadersFromRecord(
    Object.fromEntries(o.customHeaders.map(([n, v]) => [n.toLowerCase(), v])),
    new Map(o.customHeaders.map(([n]) => [n.toLowerCase(), n])),
  );
  if (o.isS3)
    return {
      s3: {
        // OAC is not shown in this object (cloudfront.md §10.7); OAI is not emulated.
        authMethod: "none",
        customHeaders,
        domainName: o.domainName,
        path: o.originPath,
        region: /\.s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(o.domainName)?.[1] ?? "us-east-1",
      },
    };
  return {
    custom: {
      customHeaders,
      domainName: o.domainName,
      keepaliveTimeout: o.keepAliveMs / 1000,
      path: o.originPath,
      port: o.ports[scheme],
      protocol: scheme,
      readTimeout: o.readTimeoutMs / 1000,
      sslProtocols: ["TLSv1.2"],
    },
  };
}

export function responseOf(r: EdgeResponse): { status: string; statusDescription: string; headers: CfHeaders } {
  return { status: String(r.status), statusDescription: r.statusMessage ?? STATUS_CODES[r.status] ?? "", headers: cfHeadersFromRecord(r.headers) };
}

export function toEvent(config: CfConfig, request: CfRequest, response?: ReturnType<typeof responseOf>): CfEvent {
  return { Records: [{ cf: response ? { config, request, response } : { config, request } }] };
}
