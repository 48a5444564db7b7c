import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Clock } from "../../../core/clock.js";
import type { Ids } from "../../../core/ids.js";
import { EXECUTION_LOG_OFF, type ExecutionLog } from "../observe/execution-log.js";

/**
 * One request as API Gateway sees it, read once: header lines in the client's casing (pseudo-headers
 * dropped), the headers API Gateway adds toward the integration (apigateway.md §12), the path split
 * from its query, and the request's ids and time.
 */
export interface ApiRequest {
  method: string;
  /** Raw path as sent, query excluded (without the stage once the stage is selected). */
  rawPath: string;
  /** The path exactly as the client sent it, stage included: what a SigV4 signer signed. */
  sentPath: string;
  /** The request's headers as Node parsed them (`host` from `:authority` on HTTP/2): what a signer signed. */
  headers: IncomingHttpHeaders;
  rawQuery: string;
  /** Header lines in order, client casing, with X-Forwarded-* and X-Amzn-Trace-Id added. */
  headerLines: readonly [string, string][];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  userAgent: string;
  /** Host without port. */
  domainName: string;
  /** x-amzn-RequestId: a UUID. */
  requestId: string;
  /** x-amz-apigw-id / HTTP API requestId: 16 base64 characters (`Mc7UVioPPHcEKPA=`). */
  extendedRequestId: string;
  traceId: string;
  /** The edgeparity trace this request's decisions go to (core/trace.ts): CloudFront's X-Amz-Cf-Id behind a distribution, else requestId. */
  edgeparityTrace: string;
  timeEpoch: number;
  /** `09/Apr/2015:12:34:56 +0000` */
  time: string;
  /** What the request's trace reports (shared by the copies made as the request is scoped). */
  exec: RequestExec;
}

/** Per-request observations for the trace event and the metrics. */
export interface RequestExec {
  log: ExecutionLog;
  stage: string | undefined;
  /** Time spent in the integration (ms on the stack clock), once one ran. */
  integrationMs: number | undefined;
}

/** Headers API Gateway never passes to an integration (apigateway.md §4 [LS header_utils]). */
const DROPPED = new Set([
  "connection",
  "content-length",
  "content-md5",
  "expect",
  "max-forwards",
  "proxy-authenticate",
  "server",
  "te",
  "transfer-encoding",
  "trailer",
  "upgrade",
  "www-authenticate",
  "keep-alive",
  "proxy-connection",
  "http2-settings",
]);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

export function formatRequestTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function readApiRequest(req: IncomingMessage, body: Buffer, secure: boolean, clock: Clock, ids: Ids): ApiRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const raw = req.rawHeaders;
  const lines: [string, string][] = [];
  let xff: string | undefined;
  let host = "";
  let userAgent = "";
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.startsWith(":")) continue;
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    const value = raw[i + 1]!;
    if (lower === "x-forwarded-for") {
      xff = xff === undefined ? value : `${xff}, ${value}`;
      continue;
    }
    // API Gateway sets these itself toward the integration.
    if (lower === "x-forwarded-port" || lower === "x-forwarded-proto" || lower === "x-amzn-trace-id") continue;
    // A SigV4 Authorization header never reaches the integration (apigateway.md §4, DG known issues).
    if (lower === "authorization" && value.startsWith("AWS4-HMAC-SHA256 ")) continue;
    if (lower === "host") host = value;
    if (lower === "user-agent") userAgent = value;
    lines.push([name, value]);
  }
  const sourceIp = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const now = clock.now();
  const id = ids.uuid();
  const hex = id.replace(/-/g, "");
  const traceId = `Root=1-${Math.floor(now / 1000)
    .toString(16)
    .padStart(8, "0")}-${hex.slice(0, 24)}`;
  // The client address is appended to what an upstream (CloudFront) already sent (apigateway.md §12).
  lines.push(["X-Amzn-Trace-Id", traceId]);
  lines.push(["X-Forwarded-For", xff === undefined ? sourceIp : `${xff}, ${sourceIp}`]);
  lines.push(["X-Forwarded-Port", secure ? "443" : "80"]);
  lines.push(["X-Forwarded-Proto", secure ? "https" : "http"]);
  return {
    method: req.method ?? "GET",
    rawPath: q === -1 ? url : url.slice(0, q),
    sentPath: q === -1 ? url : url.slice(0, q),
    headers: req.headers,
    rawQuery: q === -1 ? "" : url.slice(q + 1),
    headerLines: lines,
    body,
    // The client as the first X-Forwarded-For entry when an upstream sent one (CloudFront's viewer).
    sourceIp: xff?.split(",")[0]?.trim() || sourceIp,
    protocol: `HTTP/${req.httpVersionMajor >= 2 ? "2.0" : req.httpVersion}`,
    userAgent,
    domainName: host.replace(/:\d+$/, "").toLowerCase(),
    requestId: id,
    edgeparityTrace: id,
    extendedRequestId: Buffer.from(hex.slice(8, 30), "hex").toString("base64"),
    traceId,
    timeEpoch: now,
    time: formatRequestTime(now),
    exec: { log: EXECUTION_LOG_OFF, stage: undefined, integrationMs: undefined },
  };
}

/** Query pairs in order, decoded as API Gateway decodes them for the event (`+` → space; apigateway.md §2). */
export function decodeQuery(rawQuery: string): [string, string][] {
  const out: [string, string][] = [];
  if (!rawQuery) return out;
  for (const part of rawQuery.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    out.push(eq === -1 ? [decode(part), ""] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return out;
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** `image/png` against BinaryMediaTypes entries (`image/png`, `image/*`, `*\/*`). */
export function matchesMediaType(contentType: string | undefined, types: readonly string[]): boolean {
  if (!contentType || types.length === 0) return false;
  const ct = contentType.split(";")[0]!.trim().toLowerCase();
  const [type, sub] = ct.split("/");
  return types.some((t) => {
    const [tt, ts] = t.trim().toLowerCase().split("/");
    return (tt === "*" || tt === type) && (ts === "*" || ts === sub);
  });
}

export function headerValue(lines: readonly [string, string][], name: string): string | undefined {
  let v: string | undefined;
  for (const [k, val] of lines) if (k.toLowerCase() === name) v = val;
  return v;
}
