import { isoTime } from "./iso-time.js";
import { ALB_REQUEST, EDGE_REQUEST, type AlbRequestEvent, type EdgeRequestEvent } from "../../core/trace.js";

/** Access-log subscribers: a short human line, or CloudFront's standard log fields (cloudfront.md §16.1). */
export type LogFormat = "text" | "cloudfront";

export const CLOUDFRONT_LOG_HEADER =
  "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";

export function formatTextLine(e: EdgeRequestEvent): string {
  // Each edge function run: `function=<name>/<event type> compute=<utilization>` (cloudfront.md §13.4).
  const runs = e.functions;
  const fns =
    runs === undefined ? "" : runs.map((f) => ` function=${f.name}/${f.eventType} compute=${f.computeUtilization}${f.error ? " error" : ""}`).join("");
  const query = e.query;
  return `${isoTime(e.time)} ${e.method} ${e.host} ${e.path}${query ? `?${query}` : ""} ${e.status} behavior=${e.behavior} x-cache=${e.resultType} origin=${e.originId}${fns} ${e.ms.toFixed(1)}ms`;
}

export function formatAlbTextLine(e: AlbRequestEvent): string {
  return `${isoTime(e.time)} [alb ${e.loadBalancer}] ${e.method} ${e.host} ${e.path} ${e.status} target-group=${e.targetGroup} target=${e.target} ${e.ms.toFixed(1)}ms`;
}

/** Values are URL-encoded, missing ones are `-` (cloudfront.md §16.1). */
const enc = (v: string | number | undefined) => (v === undefined || v === "" ? "-" : encodeURIComponent(String(v)).replace(/%2F/g, "/").replace(/%3A/g, ":"));

export function formatCloudFrontLine(e: EdgeRequestEvent): string {
  const iso = isoTime(e.time);
  const secs = (e.ms / 1000).toFixed(3);
  return [
    iso.slice(0, 10),
    iso.slice(11, 19),
    e.distributionId ? "LOC50-C1" : "-",
    e.bytesSent,
    e.clientIp,
    e.method,
    e.distributionDomain,
    enc(e.path),
    e.status === 0 ? "000" : e.status,
    enc(e.referer === "-" ? "" : e.referer),
    enc(e.userAgent === "-" ? "" : e.userAgent),
    e.query ? e.query.replace(/[\s]/g, (c) => encodeURIComponent(c)) : "-",
    "-",
    e.resultType,
    e.requestId,
    e.host.replace(/:\d+$/, ""),
    e.protocol,
    e.bytesReceived,
    secs,
    e.forwardedFor,
    e.tlsProtocol,
    e.tlsCipher,
    e.resultType,
    `HTTP/${e.httpVersion}`,
    "-",
    "-",
    e.clientPort,
    secs,
    e.detailedResultType,
    e.contentType,
    e.contentLength,
    "-",
    "-",
  ].join("\t");
}

/** Subscribes to the request channels; returns an unsubscribe function. */
export function subscribeAccessLog(format: LogFormat, write: (line: string) => void): () => void {
  const onEdge = (m: unknown) => write(`${format === "cloudfront" ? formatCloudFrontLine(m as EdgeRequestEvent) : formatTextLine(m as EdgeRequestEvent)}\n`);
  // In the AWS formats a load balancer's request is its own access-log line: ALB's 29 fields (alb.md §11).
  const onAlb = (m: unknown) => {
    const e = m as AlbRequestEvent;
    write(`${format === "cloudfront" && e.accessLogLine !== undefined ? e.accessLogLine : formatAlbTextLine(e)}\n`);
  };
  if (format === "cloudfront") write(`${CLOUDFRONT_LOG_HEADER}\n`);
  EDGE_REQUEST.subscribe(onEdge);
  ALB_REQUEST.subscribe(onAlb);
  return () => {
    EDGE_REQUEST.unsubscribe(onEdge);
    ALB_REQUEST.unsubscribe(onAlb);
  };
}
