import { errorPage } from "../errors.js";
import type { EdgeResponse } from "../response/edge-response.js";

/**
 * CloudFront's answers when a CloudFront Function fails (cloudfront.md §13.4). An execution error
 * (a throw, a runaway stopped, code that cannot run) is the observed 503 page. A return value
 * CloudFront cannot use is a validation error: 502 by the edge-function rule of §14.4 (the status
 * for CloudFront Functions specifically, and the page's sentence, are UNCONFIRMED).
 */
export const FUNCTION_EXECUTION_ERROR_MESSAGE = "The CloudFront function associated with the CloudFront distribution is invalid or could not run.";
export const FUNCTION_VALIDATION_ERROR_MESSAGE = "The CloudFront function associated with the CloudFront distribution returned an invalid value.";

const page = (status: number, message: string, requestId: string, detailed: string): EdgeResponse => ({
  ...errorPage(status, message, requestId, detailed),
  bypassCustomErrors: true,
});

export const functionExecutionError = (requestId: string) => page(503, FUNCTION_EXECUTION_ERROR_MESSAGE, requestId, "FunctionExecutionError");
export const functionValidationError = (requestId: string) => page(502, FUNCTION_VALIDATION_ERROR_MESSAGE, requestId, "FunctionValidationError");
