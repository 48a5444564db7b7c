import type { LambdaEdgeEventType } from "../compile/plan.js";
import type { EdgeResponse } from "../response/edge-response.js";
import { parseCfHeaders, type CfHeaders } from "./cf-headers.js";
import type { CfOrigin, CfRequest } from "./event-shape.js";
import { parseGeneratedResponse } from "./generated-response.js";
import { checkHeaderRules } from "./header-rules.js";
import { limitsOf } from "./limits.js";
import { decodeBody } from "./parse-body.js";
import { parseOrigin } from "./parse-origin.js";
import { BAD_BODY, BAD_REQUEST, ValidationFailure } from "./validation-failure.js";

/**
 * What a viewer-request or origin-request function returned (cloudfront.md §14.3): an object with
 * `status` is a generated response; anything else must be the request, possibly changed — `uri`
 * (from `/`, no spaces, control characters or `#`), `querystring` (same, without `?`), `headers`
 * (§14.4 rules against what the function was shown), `body` with action "replace" (IncludeBody
 * only), and on origin-request `origin` (§10.7). The method cannot change (Choice: a 502).
 */
export type RequestResult =
  | { kind: "response"; response: EdgeResponse }
  | { kind: "request"; uri: string; querystring: string; headers: CfHeaders; body: Buffer | undefined; origin: CfOrigin | undefined };

/** cloudfront.md §11.2: URI and query string together under 8,192 characters. */
const MAX_URL = 8192;
const BAD_URI_CHAR = /[\s#\p{Cc}]/u;

export function parseRequestResult(eventType: LambdaEdgeEventType, sent: CfRequest, result: Record<string, unknown>, includeBody: boolean): RequestResult {
  if (result["status"] !== undefined) return { kind: "response", response: parseGeneratedResponse(eventType, result) };
  const uri = result["uri"];
  const querystring = result["querystring"] ?? "";
  if (typeof uri !== "string" || !uri.startsWith("/") || BAD_URI_CHAR.test(uri) || uri.includes("?")) throw new ValidationFailure(BAD_REQUEST);
  if (typeof querystring !== "string" || BAD_URI_CHAR.test(querystring) || querystring.startsWith("?")) throw new ValidationFailure(BAD_REQUEST);
  if (uri.length + querystring.length >= MAX_URL) throw new ValidationFailure(BAD_REQUEST);
  if (result["method"] !== undefined && result["method"] !== sent.method) throw new ValidationFailure(BAD_REQUEST);
  const headers = parseCfHeaders(result["headers"]);
  checkHeaderRules(eventType, sent.headers, headers);
  let body: Buffer | undefined;
  const b = result["body"] as Record<string, unknown> | undefined;
  if (includeBody && b !== undefined) {
    if (b === null || typeof b !== "object") throw new ValidationFailure(BAD_BODY);
    if (b["action"] === "replace") body = decodeBody(b["data"], b["encoding"], limitsOf(eventType));
    else if (b["action"] !== "read-only") throw new ValidationFailure(BAD_BODY);
  }
  let origin: CfOrigin | undefined;
  if (eventType === "origin-request" && result["origin"] !== undefined && JSON.stringify(result["origin"]) !== JSON.stringify(sent.origin))
    origin = parseOrigin(result["origin"]);
  return { kind: "request", uri, querystring, headers, body, origin };
}
