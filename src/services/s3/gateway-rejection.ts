import type { GatewayRejection, HostPolicy } from "../../core/service.js";
import { escapeXml } from "./errors.js";

/**
 * How S3 answers a request the shared gateway cannot hand to the S3 handler (core/service.ts
 * HostPolicy.rejectRequest): S3's own 400 XML error, `Server: AmazonS3`, a request id, and the
 * connection closed. Codes and texts:
 * - unparseable request: `BadRequest` "An error occurred when parsing the HTTP request." (S3's
 *   wire text, quoted in aws/aws-sdk-cpp#1559 and aristidb/aws#205);
 * - head over 8 KiB: `RequestHeaderSectionTooLarge` "Your request header section exceeds the
 *   maximum allowed size." with `<MaxSizeAllowed>8192` (captures in versity/versitygw#2180 and
 *   department-of-veterans-affairs/va.gov-team#89412);
 * - no complete head in time: `RequestTimeout`, S3's idle-socket text.
 */
interface Rejection {
  code: string;
  message: string;
  extra?: Record<string, string>;
}

const REJECTIONS: Record<GatewayRejection, Rejection> = {
  malformed: { code: "BadRequest", message: "An error occurred when parsing the HTTP request." },
  "head-too-large": {
    code: "RequestHeaderSectionTooLarge",
    message: "Your request header section exceeds the maximum allowed size.",
    extra: { MaxSizeAllowed: "8192" },
  },
  timeout: {
    code: "RequestTimeout",
    message: "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.",
  },
  // Choice: a method S3's parser cannot represent is reported as a parse failure (S3's answer unrecorded).
  method: { code: "BadRequest", message: "An error occurred when parsing the HTTP request." },
};

export interface RejectionDeps {
  now(): number;
  /** 32 hex digits (core/ids). */
  hex32(): string;
}

/** The whole raw HTTP/1.1 response; `detail` is the gateway's diagnostic, for logs only (S3 does not echo it). */
export function s3RejectRequest(why: GatewayRejection, _detail: string, deps: RejectionDeps): string {
  const r = REJECTIONS[why];
  const requestId = deps.hex32().slice(0, 16).toUpperCase();
  const hostId = Buffer.from(requestId + requestId).toString("base64");
  let extra = "";
  for (const k in r.extra) extra += `<${k}>${escapeXml(r.extra[k]!)}</${k}>`;
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${r.code}</Code><Message>${escapeXml(r.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  return (
    "HTTP/1.1 400 Bad Request\r\n" +
    `x-amz-request-id: ${requestId}\r\n` +
    `x-amz-id-2: ${hostId}\r\n` +
    "Content-Type: application/xml\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `Date: ${new Date(deps.now()).toUTCString()}\r\n` +
    "Connection: close\r\n" +
    "Server: AmazonS3\r\n" +
    "\r\n" +
    body
  );
}

/** One policy object shared by every S3 host (REST path-style, virtual-hosted, website). */
export function s3HostPolicy(deps: RejectionDeps): HostPolicy {
  return { rejectRequest: (why, detail) => s3RejectRequest(why, detail, deps) };
}
