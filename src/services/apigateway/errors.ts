/**
 * API Gateway's own answers (apigateway.md §11), byte for byte: REST gateway responses are
 * `{"message":"…"}` JSON with `x-amzn-ErrorType`; HTTP APIs answer `{"message":"…"}` without an
 * error type. Messages with a space after the colon are spelled so because AWS spells them so.
 */
export interface GatewayError {
  status: number;
  body: string;
  errorType?: string;
  contentType: string;
  /** Extra response headers (the JWT authorizer's `www-authenticate`). */
  headers?: readonly [string, string][];
}

const rest = (status: number, errorType: string, body: string): GatewayError => ({ status, body, errorType, contentType: "application/json" });
const http = (status: number, message: string): GatewayError => ({ status, body: JSON.stringify({ message }), contentType: "application/json" });

/** REST: no resource or method matches (MISSING_AUTHENTICATION_TOKEN, [aws-snap]). */
export const missingAuthenticationToken = () => rest(403, "MissingAuthenticationTokenException", '{"message":"Missing Authentication Token"}');
/**
 * REST: the same no-match case when the request carries a non-SigV4 Authorization header
 * (apigateway.md §2 [obs]): the header value, SHA-256, base64, is quoted in the message.
 */
export const incompleteSignature = (hashB64: string) =>
  rest(
    403,
    "IncompleteSignatureException",
    JSON.stringify({
      message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashB64}'.`,
    }),
  );
/**
 * AWS_IAM methods and routes (apigateway.md §11 INVALID_SIGNATURE): a SigV4 header that lacks a
 * part or a date. REST bodies carry `x-amzn-ErrorType`; HTTP APIs answer the same message without it.
 */
export const iamIncompleteSignature = (message: string) => rest(403, "IncompleteSignatureException", JSON.stringify({ message }));
/** AWS_IAM: the access key is not one the gateway knows ([obs] message of every SigV4 service). */
export const iamUnrecognizedClient = () => rest(403, "UnrecognizedClientException", '{"message":"The security token included in the request is invalid."}');
/** AWS_IAM: scope, date or signature wrong (INVALID_SIGNATURE). */
export const iamInvalidSignature = (message: string) => rest(403, "InvalidSignatureException", JSON.stringify({ message }));
/**
 * AWS_IAM: the recomputed signature differs; execute-api quotes the canonical request and the
 * string to sign it expected ([obs] mhart/aws4#33, a real execute-api answer).
 */
export const iamSignatureDoesNotMatch = (canonicalRequest: string, stringToSign: string) =>
  iamInvalidSignature(
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." +
      `\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
  );
/** REST: an unknown stage, or a Host that names no API (Choice: apigateway.md §1/§12 bodies UNCONFIRMED). */
export const restForbidden = () => rest(403, "ForbiddenException", '{"message":"Forbidden"}');
/** REST: a malformed Lambda proxy response or a function error (apigateway.md §4.1). */
export const restBadGateway = () => rest(502, "InternalServerErrorException", '{"message": "Internal server error"}');
/** REST: a configuration the gateway cannot execute (API_CONFIGURATION_ERROR / non-emulated integrations). */
export const restInternalError = () => rest(500, "InternalServerErrorException", '{"message": "Internal server error"}');
/** REST: integration timeout (INTEGRATION_TIMEOUT, apigateway.md §7 [obs]). */
export const restTimeout = () => rest(504, "InternalServerErrorException", '{"message": "Endpoint request timed out"}');
/** REST: the HTTP backend could not be reached (INTEGRATION_FAILURE; Choice: 502 as LocalStack models it). */
export const restNetworkError = () => rest(502, "InternalServerErrorException", '{"message": "Network error communicating with endpoint"}');

/** REST: no identity, a token the IdentityValidationExpression refuses, or an authorizer that failed with "Unauthorized" (UNAUTHORIZED, §10.1). */
export const restUnauthorized = () => rest(401, "UnauthorizedException", '{"message":"Unauthorized"}');
/**
 * REST ACCESS_DENIED (apigateway.md §10.1, §11 [obs]): the authorizer's policy denies the method
 * ARN. AWS spells this body's key `Message`, capital M, unlike every other gateway response.
 */
export const restExplicitDeny = () => rest(403, "AccessDeniedException", '{"Message":"User is not authorized to access this resource with an explicit deny"}');
/** REST ACCESS_DENIED when no statement allows the method ARN (apigateway.md §10.1; wording UNCONFIRMED there, widely quoted). */
export const restImplicitDeny = () => rest(403, "AccessDeniedException", '{"Message":"User is not authorized to access this resource"}');
/** REST AUTHORIZER_CONFIGURATION_ERROR: the authorizer threw, timed out or returned no valid policy (§10.1 [obs]). */
export const restAuthorizerConfigurationError = () => rest(500, "AuthorizerConfigurationException", '{"message":null}');

/** REST INVALID_API_KEY: a method with ApiKeyRequired and no, an unknown, a disabled or an unplanned key (apigateway.md §8). */
export const restInvalidApiKey = () => rest(403, "ForbiddenException", '{"message":"Forbidden"}');
/** REST QUOTA_EXCEEDED: the key's usage-plan quota for the period is used up (apigateway.md §8 [obs]). */
export const restLimitExceeded = () => rest(429, "LimitExceededException", '{"message":"Limit Exceeded"}');

/** REST: a throttle bucket is empty (THROTTLED, apigateway.md §8). */
export const restTooManyRequests = () => rest(429, "TooManyRequestsException", '{"message":"Too Many Requests"}');
export const httpTooManyRequests = () => http(429, "Too Many Requests");

/**
 * HTTP API JWT authorizer refusal (apigateway.md §10.4, DG http-api-troubleshooting-jwt): 401 with
 * `www-authenticate: Bearer scope="" error="invalid_token" error_description="<why>"`.
 */
export const httpJwtUnauthorized = (description: string | undefined): GatewayError => ({
  ...http(401, "Unauthorized"),
  headers: [["www-authenticate", description === undefined ? "Bearer" : `Bearer scope="" error="invalid_token" error_description="${description}"`]],
});
/** HTTP API JWT: a valid token without the route's scopes (Choice: 403 Forbidden with RFC 6750's insufficient_scope challenge; UNCONFIRMED). */
export const httpJwtInsufficientScope = (scopes: readonly string[]): GatewayError => ({
  ...http(403, "Forbidden"),
  headers: [["www-authenticate", `Bearer scope="${scopes.join(" ")}" error="insufficient_scope" error_description="expected scopes: [${scopes.join(" ")}]"`]],
});
export const httpNotFound = () => http(404, "Not Found");
/** HTTP API Lambda authorizer: a missing identity source, or a function that failed with "Unauthorized" (apigateway.md §10.3). */
export const httpUnauthorized = () => http(401, "Unauthorized");
export const httpForbidden = () => http(403, "Forbidden");
export const httpInternalError = () => http(500, "Internal Server Error");
/** HTTP API integration timeout (Choice: 503 Service Unavailable, apigateway.md §7 UNCONFIRMED). */
export const httpServiceUnavailable = () => http(503, "Service Unavailable");
export const httpBadGateway = () => http(502, "Bad Gateway");

/** Both APIs: a request body over 10 MB (apigateway.md §7 [obs]: plain text). */
export const payloadTooLarge = (): GatewayError => ({ status: 413, body: "HTTP content length exceeded 10485760 bytes.", contentType: "text/plain" });
