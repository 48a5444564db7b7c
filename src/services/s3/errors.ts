/** S3's error documents as named factories, status, code and text verbatim (s3.md §5). */
export interface S3Error {
  status: number;
  code: string;
  message: string;
  /** Code-specific elements, in AWS's order, between Message and RequestId. */
  extra?: Record<string, string>;
  /** Extra response headers (e.g. Last-Modified on 405 for delete markers). */
  headers?: Record<string, string>;
}

/** XML declaration, `\n`, then one single-line `<Error>` (s3.md §5). */
export function s3ErrorXml(e: S3Error, requestId: string, hostId: string): string {
  let extra = "";
  for (const k in e.extra) extra += `<${k}>${escapeXml(e.extra[k]!)}</${k}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${escapeXml(e.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
}

const XML_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" };
const XML_SPECIAL = /[<>&'"]/g;
export function escapeXml(s: string): string {
  return s.replace(XML_SPECIAL, (c) => XML_ESCAPES[c]!);
}

const err = (status: number, code: string, message: string, extra?: Record<string, string>): S3Error =>
  extra ? { status, code, message, extra } : { status, code, message };

export const accessDenied = (): S3Error => err(403, "AccessDenied", "Access Denied");
export const noSuchKey = (key: string): S3Error => err(404, "NoSuchKey", "The specified key does not exist.", { Key: key });
export const noSuchBucket = (bucket: string): S3Error => err(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
export const noSuchUpload = (uploadId: string): S3Error =>
  err(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", {
    UploadId: uploadId,
  });
export const methodNotAllowed = (method: string, resourceType: "OBJECT" | "BUCKET" | "SERVICE" = "OBJECT"): S3Error =>
  err(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", { Method: method, ResourceType: resourceType });
export const notImplemented = (header?: string, additionalMessage?: string): S3Error =>
  err(
    501,
    "NotImplemented",
    "A header you provided implies functionality that is not implemented",
    header ? { Header: header, ...(additionalMessage ? { additionalMessage } : {}) } : undefined,
  );
export const invalidRange = (size: number, range: string): S3Error =>
  err(416, "InvalidRange", "The requested range is not satisfiable", { ActualObjectSize: String(size), RangeRequested: range });
export const preconditionFailed = (condition: string): S3Error =>
  err(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { Condition: condition });
export const badDigest = (expectedHex: string, calculatedB64: string): S3Error =>
  err(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", { ExpectedDigest: expectedHex, CalculatedDigest: calculatedB64 });
export const badChecksum = (algorithm: string): S3Error =>
  err(400, "BadDigest", `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
export const invalidDigest = (value: string): S3Error => err(400, "InvalidDigest", "The Content-MD5 you specified was invalid.", { "Content-MD5": value });
export const malformedXml = (): S3Error =>
  err(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
export const invalidBucketName = (bucket: string): S3Error => err(400, "InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucket });
export const bucketNotEmpty = (bucket: string): S3Error => err(409, "BucketNotEmpty", "The bucket you tried to delete is not empty", { BucketName: bucket });
export const bucketAlreadyOwnedByYou = (bucket: string): S3Error =>
  err(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", { BucketName: bucket });
export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  err(400, "InvalidArgument", message, name !== undefined ? { ArgumentName: name, ArgumentValue: value ?? "" } : undefined);
export const invalidRequest = (message: string): S3Error => err(400, "InvalidRequest", message);
export const invalidAccessKeyId = (akid: string): S3Error =>
  err(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", { AWSAccessKeyId: akid });
export const signatureDoesNotMatch = (d: { accessKeyId: string; stringToSign: string; signatureProvided: string; canonicalRequest: string }): S3Error =>
  err(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
    AWSAccessKeyId: d.accessKeyId,
    StringToSign: d.stringToSign,
    SignatureProvided: d.signatureProvided,
    StringToSignBytes: hexBytes(d.stringToSign),
    CanonicalRequest: d.canonicalRequest,
    CanonicalRequestBytes: hexBytes(d.canonicalRequest),
  });
export const requestTimeTooSkewed = (requestTime: string, serverTime: string): S3Error =>
  err(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", {
    RequestTime: requestTime,
    ServerTime: serverTime,
    MaxAllowedSkewMilliseconds: "900000",
  });
export const requestExpired = (expiresSeconds: string, expires: string, serverTime: string): S3Error =>
  err(403, "AccessDenied", "Request has expired", { "X-Amz-Expires": expiresSeconds, Expires: expires, ServerTime: serverTime });
export const headersNotSigned = (names: string[]): S3Error =>
  err(403, "AccessDenied", "There were headers present in the request which were not signed", { HeadersNotSigned: names.join(", ") });
export const authorizationQueryParametersError = (message: string): S3Error => err(400, "AuthorizationQueryParametersError", message);
export const authorizationHeaderMalformed = (message: string, region?: string): S3Error =>
  err(400, "AuthorizationHeaderMalformed", message, region ? { Region: region } : undefined);
export const contentSha256Mismatch = (client: string, computed: string): S3Error =>
  err(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", {
    ClientComputedContentSHA256: client,
    S3ComputedContentSHA256: computed,
  });
export const noSuchCorsConfiguration = (bucket: string): S3Error =>
  err(404, "NoSuchCORSConfiguration", "The CORS configuration does not exist", { BucketName: bucket });
export const noSuchBucketPolicy = (bucket: string): S3Error => err(404, "NoSuchBucketPolicy", "The bucket policy does not exist", { BucketName: bucket });
export const noSuchWebsiteConfiguration = (bucket: string): S3Error =>
  err(404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", { BucketName: bucket });
export const malformedPolicy = (message: string): S3Error => err(400, "MalformedPolicy", message);
export const entityTooSmall = (proposed: number, partNumber: number, etag: string): S3Error =>
  err(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", {
    ProposedSize: String(proposed),
    MinSizeAllowed: "5242880",
    PartNumber: String(partNumber),
    ETag: etag,
  });
export const entityTooLarge = (proposed: number, max: number): S3Error =>
  err(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", { ProposedSize: String(proposed), MaxSizeAllowed: String(max) });
export const invalidPart = (uploadId: string, partNumber: number, etag: string): S3Error =>
  err(
    400,
    "InvalidPart",
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { UploadId: uploadId, PartNumber: String(partNumber), ETag: etag },
  );
export const invalidPartOrder = (uploadId: string): S3Error =>
  err(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", { UploadId: uploadId });
export const missingContentLength = (): S3Error => err(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
// Choice: AWS text unconfirmed (s3.md §2.2); MinIO's wording.
export const keyTooLong = (): S3Error => err(400, "KeyTooLongError", "Your key is too long");
export const incompleteBody = (): S3Error => err(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header");
export const internalError = (): S3Error => err(500, "InternalError", "We encountered an internal error. Please try again.");
export const corsForbidden = (message: string, method: string, resourceType: "OBJECT" | "BUCKET"): S3Error =>
  err(403, "AccessForbidden", message, { Method: method, ResourceType: resourceType });
export const corsOriginMissing = (): S3Error => err(400, "BadRequest", "Insufficient information. Origin request header needed.");

// Browser POST uploads (s3.md §7.3). Wire captures of S3's answers, where the spec is silent, are
// cited at each use in rest/post-object.ts and auth/post-policy.ts.
export const invalidPolicyDocument = (message: string): S3Error => err(400, "InvalidPolicyDocument", `Invalid Policy: ${message}`);
export const policyExpired = (): S3Error => err(403, "AccessDenied", "Invalid according to Policy: Policy expired.");
export const policyConditionFailed = (condition: string): S3Error =>
  err(403, "AccessDenied", `Invalid according to Policy: Policy Condition failed: ${condition}`);
export const policyExtraInputFields = (names: readonly string[]): S3Error =>
  err(403, "AccessDenied", `Invalid according to Policy: Extra input fields: ${names.join(", ")}`);
export const postFieldMissing = (name: string): S3Error =>
  invalidArgument(`Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, name, "");
export const postNotMultipart = (): S3Error =>
  err(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
    Condition: "Bucket POST must be of the enclosure-type multipart/form-data",
  });
export const malformedPostRequest = (): S3Error => err(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.");
// "preceeding" and "was" are S3's own wording, as captured on the wire.
export const maxPostPreDataLengthExceeded = (limit: number): S3Error =>
  err(400, "MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.", {
    MaxPostPreDataLengthBytes: String(limit),
  });
export const postEntityTooSmall = (proposed: number, min: number): S3Error =>
  err(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", { ProposedSize: String(proposed), MinSizeAllowed: String(min) });
export const postCredentialRegionWrong = (credential: string, region: string, expected: string): S3Error =>
  err(400, "InvalidArgument", `the region '${region}' is wrong; expecting '${expected}'`, {
    ArgumentName: "X-Amz-Credential",
    ArgumentValue: credential,
    Region: expected,
  });
/** A POST signature signs the base64 policy itself: no canonical request (s3.md §7.3). */
export const postSignatureDoesNotMatch = (d: { accessKeyId: string; policy: string; signatureProvided: string }): S3Error =>
  err(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", {
    AWSAccessKeyId: d.accessKeyId,
    StringToSign: d.policy,
    SignatureProvided: d.signatureProvided,
    StringToSignBytes: hexBytes(d.policy),
  });

/** `AWS4` → `41 57 53 34` (s3.md §7.1). */
function hexBytes(s: string): string {
  const b = Buffer.from(s, "utf8");
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) out.push(b[i]!.toString(16).padStart(2, "0"));
  return out.join(" ");
}

// Tagging (s3.md §4.1, §10). "Object tags cannot be greater than 10" is S3's wire text (boto/boto3#1213);
// the InvalidTag texts are versitygw's captures of S3 (versity/versitygw#1232).
export const tooManyObjectTags = (): S3Error => err(400, "BadRequest", "Object tags cannot be greater than 10");
export const invalidTag = (message: string): S3Error => err(400, "InvalidTag", message);
export const noSuchTagSet = (bucket: string): S3Error => err(404, "NoSuchTagSet", "The TagSet does not exist", { BucketName: bucket });
/** ACLs are disabled (Object Ownership BucketOwnerEnforced, the default since April 2023; s3.md §4.7). */
export const accessControlListNotSupported = (): S3Error => err(400, "AccessControlListNotSupported", "The bucket does not allow ACLs");
/** An operation of the S3 API the emulator does not implement: answered, never dispatched elsewhere (s3.md §4.1). */
export const operationNotImplemented = (): S3Error => err(501, "NotImplemented", "A header you provided implies functionality that is not implemented");
