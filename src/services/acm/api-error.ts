/**
 * An ACM API error (JSON 1.1: `__type` + `message`, HTTP 400 unless said), with AWS's codes
 * (ACM API Reference, "Errors" of each action, and "Common Errors").
 */
export class AcmApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const acmErrors = {
  notFound: (arn: string) => new AcmApiError("ResourceNotFoundException", `Could not find certificate ${arn}.`),
  invalidArn: (arn: string) => new AcmApiError("InvalidArnException", `String '${arn}' is not a valid ARN.`),
  validation: (message: string) => new AcmApiError("ValidationException", message),
  invalidDomain: (domain: string) => new AcmApiError("InvalidDomainValidationOptionsException", `The domain name '${domain}' is not valid.`),
  inUse: (arn: string) => new AcmApiError("ResourceInUseException", `Certificate ${arn} in account is in use.`),
  invalidTag: (message: string) => new AcmApiError("InvalidTagException", message),
  invalidParameter: (message: string) => new AcmApiError("InvalidParameterException", message),
  requestInProgress: (arn: string) => new AcmApiError("RequestInProgressException", `Certificate ${arn} is still being validated.`),
};
