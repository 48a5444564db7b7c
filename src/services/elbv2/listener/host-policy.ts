import type { Clock } from "../../../core/clock.js";
import type { GatewayRejection, HostPolicy } from "../../../core/service.js";
import { albRawResponse } from "../errors.js";

/**
 * How a load balancer's host is answered where no listener handler can run (the shared gateway
 * and the listener's own port alike): ALB's error pages for requests the HTTP/1.1 parser
 * refuses, the protocols its listeners speak, HTTP/2 per `routing.http2.enabled` and the idle
 * timeout (alb.md §1, §7.5, §8, §9). One set of functions, so both doors answer identically.
 */
export interface HostPolicySettings {
  /** Protocols of the load balancer's listeners. */
  protocols: readonly ("http" | "https")[];
  /** routing.http2.enabled. */
  http2: boolean;
  /** idle_timeout.timeout_seconds × 1000. */
  idleTimeoutMs: number;
  /** routing.http.response.server.enabled of the listener the gateway uses (alb.md §7.6). */
  server: boolean;
}

/**
 * ALB's status for a request its parser refused (alb.md §7.5, §8.1): a head over the limits and
 * any malformed request are 400 (ALB has no 431); a stalled head is 408 (§9); a Transfer-Encoding
 * other than chunked is 501; a method token the parser cannot read is a Severe `BadMethod`
 * desync classification, blocked with 400 (§9).
 */
export function rejectionStatus(why: GatewayRejection, detail: string): number {
  if (why === "timeout") return 408;
  if (why === "malformed" && /TRANSFER_ENCODING/i.test(detail)) return 501;
  return 400;
}

/** The raw HTTP/1.1 answer to a refused request, closing the connection. */
export function rejectRequest(why: GatewayRejection, detail: string, server: boolean, now: number): string {
  return albRawResponse(rejectionStatus(why, detail), { server, now });
}

export function buildHostPolicy(s: HostPolicySettings, clock: Clock): HostPolicy {
  return {
    rejectRequest: (why, detail) => rejectRequest(why, detail, s.server, clock.now()),
    http2: s.http2,
    protocols: [...new Set(s.protocols)],
    idleTimeoutMs: s.idleTimeoutMs,
  };
}

/** A Node HTTP/1.1 parser error code (`clientError`) as a gateway rejection reason. */
export function rejectionFor(code: string | undefined): GatewayRejection {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return "timeout";
  if (code === "HPE_HEADER_OVERFLOW") return "head-too-large";
  if (code === "HPE_INVALID_METHOD") return "method";
  return "malformed";
}
