import type { ApiAnswer } from "../../../core/service.js";

/**
 * The CloudFront KeyValueStore API's errors (API Reference, "Amazon CloudFront KeyValueStore" →
 * each action's Errors; the SDK model's error shapes): restJson1, so the code is the
 * `x-amzn-ErrorType` header and the body is `{"Message": …}`. Operations throw a `KvsApiError`;
 * the router is the one catch point that writes it. The messages are edgeparity's own words
 * (AWS's exact texts are UNCONFIRMED); codes and statuses are the model's.
 */
export class KvsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 404: no such store (or key). */
export const resourceNotFound = (message: string) => new KvsApiError(404, "ResourceNotFoundException", message);
/** 400: the input breaks a constraint of the model or of the store's item limits. */
export const validationError = (message: string) => new KvsApiError(400, "ValidationException", message);
/** 409 "Resource is not in expected state": the If-Match ETag is not the store's current one. */
export const conflict = (message: string) => new KvsApiError(409, "ConflictException", message);
/** 403: not allowed (here: writes to a store bound to a stack file). */
export const accessDeniedException = (message: string) => new KvsApiError(403, "AccessDeniedException", message);
/** 402 "Limit exceeded": the store's total size, or an UpdateKeys batch, over its quota. */
export const serviceQuotaExceeded = (message: string) => new KvsApiError(402, "ServiceQuotaExceededException", message);

export function kvsErrorAnswer(e: KvsApiError): ApiAnswer {
  return {
    status: e.status,
    headers: { "content-type": "application/json", "x-amzn-errortype": e.code },
    body: JSON.stringify({ Message: e.message }),
  };
}
