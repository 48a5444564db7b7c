import type { LambdaEdgeEventType } from "../compile/plan.js";
import { headerBytes, parseCfHeaders, type CfHeaders } from "./cf-headers.js";
import type { CfResponse } from "./event-shape.js";
import { parseStatus } from "./generated-response.js";
import { checkHeaderRules } from "./header-rules.js";
import { limitsOf } from "./limits.js";
import { decodeBody } from "./parse-body.js";
import { BAD_STATUS, OVERSIZE, ValidationFailure } from "./validation-failure.js";

/**
 * What an origin-response or viewer-response function returned (cloudfront.md §14.3): the
 * response, possibly changed. `status` (origin-response only: a viewer-response function cannot
 * change it, DG "Restrictions on Lambda@Edge"), `statusDescription`, `headers` (§14.4 rules), and
 * `body`: the origin's body is not shown; a body set replaces it (empty removes it), no body keeps it.
 */
export interface ResponseResult {
  status: number;
  statusDescription: string | undefined;
  headers: CfHeaders;
  /** Undefined: keep the body as it is. */
  body: Buffer | undefined;
  /** A viewer-response function tried to change the status (ignored). */
  ignoredStatus: number | undefined;
}

export function parseResponseResult(eventType: LambdaEdgeEventType, sent: CfResponse, result: Record<string, unknown>): ResponseResult {
  const original = Number(sent.status);
  let status = result["status"] === undefined ? original : parseStatus(result["status"]);
  let ignoredStatus: number | undefined;
  // Choice: the change is ignored (the DG says the function "cannot modify" it, not that it fails).
  if (eventType === "viewer-response" && status !== original) {
    ignoredStatus = status;
    status = original;
  }
  const description = result["statusDescription"];
  if (description !== undefined && typeof description !== "string") throw new ValidationFailure(BAD_STATUS);
  const headers = parseCfHeaders(result["headers"]);
  checkHeaderRules(eventType, sent.headers, headers);
  const limits = limitsOf(eventType);
  const body = result["body"] === undefined ? undefined : decodeBody(result["body"], result["bodyEncoding"], limits);
  if (body !== undefined && headerBytes(headers) + body.length > limits.responseBytes) throw new ValidationFailure(OVERSIZE);
  return { status, statusDescription: description === sent.statusDescription ? undefined : (description as string | undefined), headers, body, ignoredStatus };
}
