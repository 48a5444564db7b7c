import type { LambdaEdgeEventType } from "../compile/plan.js";
import type { EdgeResponse } from "../response/edge-response.js";
import { headerBytes, nodeHeadersFromCf, parseCfHeaders, wireNamesOfCf, type CfHeaders } from "./cf-headers.js";
import { checkHeaderRules } from "./header-rules.js";
import { limitsOf } from "./limits.js";
import { decodeBody } from "./parse-body.js";
import { BAD_BODY, BAD_STATUS, OVERSIZE, ValidationFailure } from "./validation-failure.js";

/**
 * A response a request-event function returns instead of a request (cloudfront.md §14.3): only
 * `status` is required (a string or a number, 200–599); `statusDescription`, `headers`, `body` and
 * `bodyEncoding` are optional. Headers and body together stay within 40 KB (viewer-request) or
 * 1 MB (origin-request); a viewer-request 204 has no body. Its X-Cache is
 * `LambdaGeneratedResponse from cloudfront` [obs, §1.2].
 */
export function parseGeneratedResponse(eventType: LambdaEdgeEventType, result: Record<string, unknown>): EdgeResponse {
  const status = parseStatus(result["status"]);
  const limits = limitsOf(eventType);
  const cf: CfHeaders = result["headers"] === undefined ? {} : parseCfHeaders(result["headers"]);
  checkHeaderRules(eventType, undefined, cf);
  const description = result["statusDescription"];
  if (description !== undefined && typeof description !== "string") throw new ValidationFailure(BAD_STATUS);
  const body = result["body"] === undefined ? Buffer.alloc(0) : decodeBody(result["body"], result["bodyEncoding"], limits);
  if (eventType === "viewer-request" && status === 204 && body.length > 0) throw new ValidationFailure(BAD_BODY);
  if (headerBytes(cf) + body.length > limits.responseBytes) throw new ValidationFailure(OVERSIZE);
  const headers = nodeHeadersFromCf(cf);
  delete headers["transfer-encoding"];
  headers["content-length"] = String(body.length);
  // Choice: CloudFront's own Server header unless the function set one, as on its other answers.
  headers["server"] ??= "CloudFront";
  const r: EdgeResponse = {
    status,
    headers,
    body,
    resultType: "LambdaGeneratedResponse",
    detailedResultType: "LambdaGeneratedResponse",
    generated: false,
    // cloudfront.md §1.3: a viewer-request function's status ≥ 400 is returned as it is.
    bypassCustomErrors: eventType === "viewer-request",
  };
  if (description) r.statusMessage = description;
  // Its names as the function spelt them (`key`, else Title-Case) on HTTP/1.1; an origin-request
  // answer is cached, and cached objects keep lower-case names, so only a viewer-request one.
  if (eventType === "viewer-request") r.headerNames = wireNamesOfCf(cf);
  return r;
}

/** `"302"` or `302`, an integer 200–599 (cloudfront.md §14.2: "status is a string; must be 200–599"). */
export function parseStatus(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{3}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 200 || n > 599) throw new ValidationFailure(BAD_STATUS);
  return n;
}
