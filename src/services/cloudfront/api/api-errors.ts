import { EdgeparityError } from "../../../core/errors.js";
import type { ApiAnswer } from "../../../core/service.js";
import { CLOUDFRONT_XMLNS } from "./xml.js";

/**
 * CloudFront API errors (API Reference, each operation's "Errors" and "Common Errors"): code,
 * HTTP status and text as AWS documents them. Operations throw a `CloudFrontApiError`; the router
 * is the one catch point that writes it as `<ErrorResponse>`.
 */
export class CloudFrontApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const err = (status: number, code: string, message: string) => new CloudFrontApiError(status, code, message);

export const noSuchDistribution = () => err(404, "NoSuchDistribution", "The specified distribution does not exist.");
export const noSuchInvalidation = () => err(404, "NoSuchInvalidation", "The specified invalidation does not exist.");
export const noSuchCachePolicy = () => err(404, "NoSuchCachePolicy", "The cache policy does not exist.");
export const noSuchOriginRequestPolicy = () => err(404, "NoSuchOriginRequestPolicy", "The origin request policy does not exist.");
export const noSuchResponseHeadersPolicy = () => err(404, "NoSuchResponseHeadersPolicy", "The response headers policy does not exist.");
export const noSuchFunctionExists = () => err(404, "NoSuchFunctionExists", "The function does not exist.");
export const functionAlreadyExists = () => err(409, "FunctionAlreadyExists", "A function with the same name already exists in this AWS account.");
export const functionInUse = () => err(409, "FunctionInUse", "Cannot delete the function because it's attached to one or more cache behaviors.");
export const functionSizeLimitExceeded = (message: string) => err(413, "FunctionSizeLimitExceeded", message);
export const entityNotFound = () => err(404, "EntityNotFound", "The key value store entity was not found.");
export const entityAlreadyExists = () =>
  err(409, "EntityAlreadyExists", "The key value store entity already exists. You must provide a unique key value store name.");
export const cannotDeleteEntityWhileInUse = () => err(409, "CannotDeleteEntityWhileInUse", "The key value store entity cannot be deleted while it is in use.");
export const noSuchOriginAccessControl = () => err(404, "NoSuchOriginAccessControl", "The origin access control does not exist.");
export const noSuchPublicKey = () => err(404, "NoSuchPublicKey", "The specified public key doesn't exist.");
export const noSuchResource = () => err(404, "NoSuchResource", "A resource that was specified is not valid.");
export const invalidIfMatchVersion = () => err(400, "InvalidIfMatchVersion", "The If-Match version is missing or not valid.");
export const preconditionFailed = () => err(412, "PreconditionFailed", "The precondition in one or more of the request fields evaluated to false.");
export const distributionNotDisabled = () => err(409, "DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.");
export const distributionAlreadyExists = (id: string) =>
  err(
    409,
    "DistributionAlreadyExists",
    `The caller reference that you are using to create a distribution is associated with another distribution. Already exists: ${id}`,
  );
export const illegalUpdate = (message: string) => err(400, "IllegalUpdate", message);
// API Reference, CreateDistribution errors; the wording is what CloudFront answers for each case.
export const invalidViewerCertificate = () =>
  err(
    400,
    "InvalidViewerCertificate",
    "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.",
  );
export const aliasNotCovered = () =>
  err(
    400,
    "InvalidViewerCertificate",
    "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted certificate that validates your authorization to use the domain name.",
  );
export const illegalDelete = (message: string) => err(400, "IllegalDelete", message);
export const invalidArgument = (message: string) => err(400, "InvalidArgument", message);
export const malformedInput = (message: string) => err(400, "MalformedInput", message);
export const inconsistentQuantities = (message: string) => err(400, "InconsistentQuantities", message);
export const accessDenied = (message: string) => err(403, "AccessDenied", message);
export const alreadyExists = (code: string, message: string) => err(409, code, message);
export const inUse = (code: string, message: string) => err(409, code, message);

/** Codes whose documented status is not 400 (everything else a stack check names is a 400). */
const STATUS_OF: Record<string, number> = {
  NoSuchOrigin: 404,
  NoSuchCachePolicy: 404,
  NoSuchOriginRequestPolicy: 404,
  NoSuchResponseHeadersPolicy: 404,
  NoSuchOriginAccessControl: 404,
  NoSuchFunctionExists: 404,
  NoSuchRealtimeLogConfig: 404,
  NoSuchFieldLevelEncryptionConfig: 404,
  NoSuchContinuousDeploymentPolicy: 404,
  CNAMEAlreadyExists: 409,
};

/**
 * A refused revision as the API error a CloudFront call gets: the stack checks write each problem
 * as `  <field path>: <Code>: message` (model/parse-stack.ts), the same text a stack file gets;
 * the first problem's code becomes the error's (`NoSuchOrigin`, `TooManyCacheBehaviors` …), a
 * problem without one is InvalidArgument, a Quantity/Items mismatch InconsistentQuantities. The
 * message keeps the field path, as "InvalidArgument with the field" asks.
 */
export function stackProblemError(e: unknown, prefix: string): CloudFrontApiError {
  if (!(e instanceof EdgeparityError)) throw e;
  // STACK_INVALID opens with `<source>: the stack is not valid:`; BINDING_MISSING is the problems alone.
  const all = e.message.split("\n");
  const lines = (all[0]!.endsWith("the stack is not valid:") ? all.slice(1) : all).map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.includes(prefix)) ?? lines[0] ?? e.message;
  // `web.json:12: distributions.x.Origins…: …`: the source prefix means nothing to an API caller.
  const text = line.replace(/^[^\s:]+:\d+: /, "").replace(prefix, "");
  const m = /^([^\s:]*): ([A-Z][A-Za-z0-9]+): (.*)$/s.exec(text);
  if (m) return err(STATUS_OF[m[2]!] ?? 400, m[2]!, `${m[3]} (${m[1]})`);
  if (/Quantity is \d+ but Items has/.test(text)) return inconsistentQuantities(`The value of Quantity and the size of Items don't match: ${text}`);
  return invalidArgument(text);
}

/** The `<ErrorResponse>` document CloudFront answers an error with. */
export function errorAnswer(e: CloudFrontApiError, requestId: string): ApiAnswer {
  const body = `<?xml version="1.0"?>\n<ErrorResponse xmlns="${CLOUDFRONT_XMLNS}"><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${e.message.replace(/[<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"))}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, headers: { "content-type": "text/xml" }, body };
}
