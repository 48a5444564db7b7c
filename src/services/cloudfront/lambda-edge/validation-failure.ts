/**
 * A function result CloudFront refuses (cloudfront.md §14.6: 502 LambdaValidationError); the
 * message is the line CloudFront's error page shows.
 */
export class ValidationFailure extends Error {}

/** Observed texts of the 502 page for a result that is not a JSON object (cloudfront.md §9.3). */
export const NOT_PARSABLE = "The Lambda function returned invalid JSON: The JSON output is not parsable.";
export const NOT_AN_OBJECT = "The Lambda function returned invalid JSON: The JSON output must be an object type.";
/** Choice: observed for a body over the limit; used for every malformed or oversized body. */
export const BAD_BODY = "The Lambda function result failed validation: The body is not a string, is not an object, or exceeds the maximum size.";
/** Choice: the texts for a malformed header entry, status or URI. */
export const BAD_HEADER_ENTRY =
  "The Lambda function returned an invalid entry in the headers object: Each header entry must contain a value field and the value must be a string.";
export const BAD_HEADER_NAME = "The Lambda function returned an invalid entry in the headers object: The header name must be lowercase and match its key.";
export const BAD_STATUS = "The Lambda function result failed validation: The status code is invalid.";
export const BAD_REQUEST = "The Lambda function result failed validation: The request is invalid.";
export const BAD_ORIGIN = "The Lambda function result failed validation: The origin is invalid.";
export const OVERSIZE = "The Lambda function result failed validation: The function returned a response that exceeds the maximum size.";
