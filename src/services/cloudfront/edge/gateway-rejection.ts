import type { GatewayRejection } from "../../../core/service.js";
import type { DistributionPlan } from "../compile/plan.js";
import { errorPageBody } from "../errors.js";

/**
 * The whole HTTP/1.1 response CloudFront gives a request the shared gateway must answer itself
 * (core/service.ts HostPolicy): its own error page (cloudfront.md §9.3) with `Server: CloudFront`,
 * `X-Cache: Error from cloudfront`, the distribution's Via and POP, a fresh `X-Amz-Cf-Id`, and
 * `Connection: close`. An oversized head is 413 (§11.2); an unparseable request is 400 "Bad request."
 * Choice: a head that never completes gets 408 and an unparseable method 400 (AWS documents neither).
 */
const STATUS: Record<GatewayRejection, [number, string]> = {
  malformed: [400, "Bad Request"],
  "head-too-large": [413, "Request Entity Too Large"],
  timeout: [408, "Request Timeout"],
  method: [400, "Bad Request"],
};

export function gatewayRejection(why: GatewayRejection, plan: DistributionPlan, requestId: string, now: number): string {
  const [status, reason] = STATUS[why];
  const body = errorPageBody(status, "Bad request.", requestId);
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    "Server: CloudFront\r\n" +
    `Date: ${new Date(now).toUTCString()}\r\n` +
    "Content-Type: text/html\r\n" +
    `Content-Length: ${Buffer.byteLength(body, "latin1")}\r\n` +
    "Connection: close\r\n" +
    "X-Cache: Error from cloudfront\r\n" +
    `Via: ${plan.via}\r\n` +
    `X-Amz-Cf-Pop: ${plan.pop}\r\n` +
    `X-Amz-Cf-Id: ${requestId}\r\n` +
    "\r\n" +
    body
  );
}
