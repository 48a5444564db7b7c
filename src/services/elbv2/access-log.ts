import type { IncomingMessage } from "node:http";

/**
 * One access-log line in ALB's format (alb.md §11): 29 space-separated fields, quoted where AWS
 * quotes them, `-` for absent values. Byte counts are approximated from header and body sizes.
 */
export interface AccessLogFields {
  type: string;
  time: number;
  elb: string;
  client: string;
  target: string;
  requestSeconds: number;
  targetSeconds: number;
  responseSeconds: number;
  elbStatus: number;
  targetStatus: string;
  receivedBytes: number;
  sentBytes: number;
  request: string;
  userAgent: string;
  sslCipher: string;
  sslProtocol: string;
  targetGroupArn: string;
  traceId: string;
  domainName: string;
  matchedRulePriority: string;
  requestCreationTime: number;
  actionsExecuted: string;
  redirectUrl: string;
  errorReason: string;
  classification: string;
  classificationReason: string;
}

/** ISO 8601 with microseconds, as ALB writes it: `2018-07-02T22:23:00.186641Z`. */
export function isoMicros(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(Math.floor((ms % 1) * 1000)).padStart(3, "0")}Z`;
}

const q = (s: string) => `"${s === "" ? "-" : s.replaceAll('"', '\\"')}"`;
const secs = (s: number) => (s < 0 ? "-1" : s.toFixed(3));

export function formatAccessLogLine(f: AccessLogFields): string {
  return [
    f.type,
    isoMicros(f.time),
    f.elb,
    f.client,
    f.target || "-",
    secs(f.requestSeconds),
    secs(f.targetSeconds),
    secs(f.responseSeconds),
    f.elbStatus,
    f.targetStatus || "-",
    f.receivedBytes,
    f.sentBytes,
    q(f.request),
    q(f.userAgent.slice(0, 8192)),
    f.sslCipher || "-",
    f.sslProtocol || "-",
    f.targetGroupArn || "-",
    q(f.traceId),
    q(f.domainName),
    q(""),
    f.matchedRulePriority,
    isoMicros(f.requestCreationTime),
    q(f.actionsExecuted),
    q(f.redirectUrl),
    q(f.errorReason),
    q(f.target),
    q(f.targetStatus),
    q(f.classification),
    q(f.classificationReason),
  ].join(" ");
}

/** Approximate bytes of a request head plus body (alb.md §11 received_bytes). */
export function requestBytes(req: IncomingMessage): number {
  let n = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i++) n += raw[i]!.length + 2;
  return n + Number(req.headers["content-length"] ?? 0);
}
