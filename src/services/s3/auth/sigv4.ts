import type { IncomingHttpHeaders } from "node:http";
import { createHmac } from "node:crypto";
import { Sha256 } from "../../../core/sha256.js";
import {
  canonicalHeaderValues,
  parseAmzDate,
  parseAuthorizationHeader,
  parseCredentialScope as parseCredential,
  scopeString,
  toAmzDate,
  smithySigV4,
  VerifyingSigner,
  type CredentialScope as Scope,
} from "../../../core/sigv4.js";
import { decodeHeaderText } from "../header-text.js";
import {
  authorizationHeaderMalformed,
  authorizationQueryParametersError,
  headersNotSigned,
  invalidAccessKeyId,
  invalidArgument,
  invalidRequest,
  postCredentialRegionWrong,
  postSignatureDoesNotMatch,
  requestExpired,
  requestTimeTooSkewed,
  signatureDoesNotMatch,
  type S3Error,
} from "../errors.js";

/**
 * SigV4 verification for S3 (s3.md §7): parse the Authorization header or the X-Amz-* query
 * parameters, check the scope, the clock skew / expiry and unsigned x-amz-* headers, then let
 * @smithy/signature-v4 build the canonical request and signature we compare against.
 */
export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
  /** Who signing with this key is, for bucket policies (s3.md §8). Default: the account. */
  principal?: { service: string; sourceArn: string };
}

export interface SignedRequestInput {
  method: string;
  /** The request path as sent (percent-encoded). */
  rawPath: string;
  /** Decoded query parameters, every value of each name. */
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  now: number;
  region: string;
}

/** The SigV4 fields of a browser POST form (s3.md §7.3), all present. */
export interface PostSignatureInput {
  algorithm: string;
  credential: string;
  date: string;
  signature: string;
  /** The base64 policy exactly as sent: it is what was signed. */
  policy: string;
  region: string;
}

export type AuthResult =
  { kind: "anonymous" } | { kind: "signed"; credential: Credential; payloadHash: string; presigned: boolean } | { kind: "error"; error: S3Error };

const ANONYMOUS: AuthResult = { kind: "anonymous" };
const MAX_SKEW_MS = 900_000;
const MAX_PRESIGN_SECONDS = 604_800;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PRESIGN_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"] as const;
const MISSING_QUERY_PARAMS =
  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
// Headers a signer never signs, yet clients and CloudFront send; S3 does not require them signed.
const EXEMPT_UNSIGNED = new Set(["x-amz-cf-id"]);

export class SigV4Verifier {
  readonly #signers = new Map<string, { credential: Credential; signer: VerifyingSigner }>();

  constructor(credentials: readonly Credential[]) {
    for (const c of credentials) this.#signers.set(c.accessKeyId, { credential: c, signer: new VerifyingSigner(c, "s3", false) });
  }

  /**
   * True for a request with no signature of any kind (no Authorization header, no SigV4 or SigV2
   * query parameters): it is anonymous, known without a promise (issue 14, the S3 GET path).
   */
  static isUnsigned(r: Pick<SignedRequestInput, "headers" | "query">): boolean {
    const q = r.query;
    return (
      r.headers.authorization === undefined &&
      !q["X-Amz-Algorithm"] &&
      !q["X-Amz-Credential"] &&
      !q["X-Amz-Signature"] &&
      !q["AWSAccessKeyId"] &&
      !q["Signature"]
    );
  }

  async authenticate(r: SignedRequestInput): Promise<AuthResult> {
    if (SigV4Verifier.isUnsigned(r)) return ANONYMOUS;
    const authz = r.headers.authorization;
    if (authz !== undefined) return this.#headerAuth(r, authz);
    if (r.query["X-Amz-Algorithm"] || r.query["X-Amz-Credential"] || r.query["X-Amz-Signature"]) return this.#queryAuth(r);
    if (r.query["AWSAccessKeyId"] || r.query["Signature"]) {
      return {
        kind: "error",
        error: { status: 403, code: "AccessDenied", message: "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters" },
      };
    }
    return ANONYMOUS;
  }

  async #headerAuth(r: SignedRequestInput, authz: string): Promise<AuthResult> {
    const m = parseAuthorizationHeader(authz);
    if (!m) {
      if (authz.startsWith("AWS ")) return fail(invalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."));
      return fail(
        authorizationHeaderMalformed(
          "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.",
        ),
      );
    }
    const { credential: credentialStr, signedHeaders: signed, signature } = m;
    const scope = parseCredential(credentialStr);
    if (!scope)
      return fail(
        authorizationHeaderMalformed(
          `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
        ),
      );
    const entry = this.#signers.get(scope.accessKeyId);
    if (!entry) return fail(invalidAccessKeyId(scope.accessKeyId));
    if (scope.region !== r.region)
      return fail(
        authorizationHeaderMalformed(`The authorization header is malformed; the region '${scope.region}' is wrong; expecting '${r.region}'`, r.region),
      );
    const longDate = headerValue(r.headers["x-amz-date"]);
    const requestTime = longDate !== undefined ? parseAmzDate(longDate) : r.headers.date ? Date.parse(r.headers.date) : NaN;
    if (Number.isNaN(requestTime)) return fail({ status: 403, code: "AccessDenied", message: "AWS authentication requires a valid Date or x-amz-date header" });
    if (Math.abs(requestTime - r.now) > MAX_SKEW_MS) return fail(requestTimeTooSkewed(longDate ?? String(r.headers.date), isoSeconds(r.now)));
    const payloadHash = headerValue(r.headers["x-amz-content-sha256"]);
    if (payloadHash === undefined) return fail(invalidRequest("Missing required header for this request: x-amz-content-sha256"));
    const unsigned = unsignedAmzHeaders(r.headers, signed);
    if (unsigned.length) return fail(headersNotSigned(unsigned));
    return this.#compare(entry, r, scope, longDate ?? toAmzDate(requestTime), signed, r.query, payloadHash, signature, false);
  }

  async #queryAuth(r: SignedRequestInput): Promise<AuthResult> {
    const q: Record<string, string> = {};
    for (const p of PRESIGN_PARAMS) {
      const v = r.query[p]?.[0];
      if (v === undefined) return fail(authorizationQueryParametersError(MISSING_QUERY_PARAMS));
      q[p] = v;
    }
    if (q["X-Amz-Algorithm"] !== "AWS4-HMAC-SHA256") return fail(authorizationQueryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"'));
    const scope = parseCredential(q["X-Amz-Credential"]!);
    if (!scope)
      return fail(
        authorizationQueryParametersError(
          `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
        ),
      );
    const longDate = q["X-Amz-Date"]!;
    const signedAt = parseAmzDate(longDate);
    if (Number.isNaN(signedAt)) return fail(authorizationQueryParametersError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`));
    const expiresStr = q["X-Amz-Expires"]!;
    const expires = Number(expiresStr);
    if (!/^-?\d+$/.test(expiresStr)) return fail(authorizationQueryParametersError("X-Amz-Expires should be a number"));
    if (expires < 0) return fail(authorizationQueryParametersError("X-Amz-Expires must be non-negative"));
    if (expires > MAX_PRESIGN_SECONDS)
      return fail(authorizationQueryParametersError("X-Amz-Expires must be less than a week (in seconds) that is 7 days or 604800 seconds"));
    const entry = this.#signers.get(scope.accessKeyId);
    if (!entry) return fail(invalidAccessKeyId(scope.accessKeyId));
    if (scope.region !== r.region)
      return fail(
        authorizationQueryParametersError(`Error parsing the X-Amz-Credential parameter; the region '${scope.region}' is wrong; expecting '${r.region}'`),
      );
    const signed = signedHeaderList(q["X-Amz-SignedHeaders"]!);
    const unsigned = unsignedAmzHeaders(r.headers, signed);
    if (unsigned.length) return fail(headersNotSigned(unsigned));
    const payloadHash = r.query["X-Amz-Content-Sha256"]?.[0] ?? "UNSIGNED-PAYLOAD";
    const result = await this.#compare(entry, r, scope, longDate, signed, r.query, payloadHash, q["X-Amz-Signature"]!, true);
    if (result.kind !== "signed") return result;
    // Checked after the signature, as LocalStack does (s3.md §7.2; AWS order unconfirmed).
    const expiresAt = signedAt + expires * 1000;
    if (r.now > expiresAt) return fail(requestExpired(expiresStr, isoSeconds(expiresAt), isoSeconds(r.now)));
    return result;
  }

  /** A POST form's signature: hex HMAC-SHA256 of the base64 policy with the scope's signing key (s3.md §7.3). */
  async verifyPostPolicy(p: PostSignatureInput): Promise<AuthResult> {
    // Choice: S3's answer to another algorithm is unrecorded; the presigned-URL wording, as InvalidArgument.
    if (p.algorithm !== "AWS4-HMAC-SHA256") return fail(invalidArgument('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', "X-Amz-Algorithm", p.algorithm));
    const scope = parseCredential(p.credential);
    // Choice: the malformed-credential text is versitygw's, modelled on S3's presigned-URL message.
    if (!scope)
      return fail(
        invalidArgument('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".', "X-Amz-Credential", p.credential),
      );
    if (scope.accessKeyId === "")
      return fail(invalidArgument("a non-empty Access Key (AKID) must be provided in the credential.", "X-Amz-Credential", p.credential));
    // "formated" is S3's spelling (wire capture, michaeldyrynda/s3upload#1).
    if (!AMZ_DATE.test(p.date)) return fail(invalidArgument("X-Amz-Date must be formated via ISO8601 Long format", "X-Amz-Date", p.date));
    const entry = this.#signers.get(scope.accessKeyId);
    if (!entry) return fail(invalidAccessKeyId(scope.accessKeyId));
    if (scope.region !== p.region) return fail(postCredentialRegionWrong(p.credential, scope.region, p.region));
    const key = await smithySigV4().getSigningKey(Sha256, entry.credential, scope.date, scope.region, scope.service);
    const expected = createHmac("sha256", key).update(p.policy, "utf8").digest("hex");
    if (expected !== p.signature) return fail(postSignatureDoesNotMatch({ accessKeyId: scope.accessKeyId, policy: p.policy, signatureProvided: p.signature }));
    return { kind: "signed", credential: entry.credential, payloadHash: "UNSIGNED-PAYLOAD", presigned: false };
  }

  async #compare(
    entry: { credential: Credential; signer: VerifyingSigner },
    r: SignedRequestInput,
    scope: Scope,
    longDate: string,
    signed: string[],
    query: Record<string, string[]>,
    payloadHash: string,
    provided: string,
    presigned: boolean,
  ): Promise<AuthResult> {
    // Header text as S3 reads it (UTF-8 bytes, header-text.ts), so smithy encodes it once. `host` is
    // req.headers.host only: the gateway sets it from :authority for HTTP/2 (core/service.ts).
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const v = r.headers[name];
      headers[name] = decodeHeaderText(v === undefined ? "" : Array.isArray(v) ? v.join(",") : v);
    }
    const canonicalUri = canonicalPath(r.rawPath);
    const canonicalRequest = entry.signer.canonicalRequest(r.method, canonicalUri, query, canonicalHeaderValues(headers), payloadHash);
    const stringToSign = await entry.signer.stringToSign(longDate, scopeString(scope), canonicalRequest);
    const expected = await entry.signer.signWithScope(stringToSign, scope);
    if (expected !== provided) {
      return fail(signatureDoesNotMatch({ accessKeyId: scope.accessKeyId, stringToSign, signatureProvided: provided, canonicalRequest }));
    }
    return { kind: "signed", credential: entry.credential, payloadHash, presigned };
  }
}

function fail(error: S3Error): AuthResult {
  return { kind: "error", error };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function signedHeaderList(s: string): string[] {
  return s.toLowerCase().split(";");
}

function unsignedAmzHeaders(headers: IncomingHttpHeaders, signed: readonly string[]): string[] {
  const out: string[] = [];
  for (const name in headers) {
    if (name.startsWith("x-amz-") && !EXEMPT_UNSIGNED.has(name) && !signed.includes(name)) out.push(name);
  }
  return out;
}

const UNRESERVED_EXTRA = /[!'()*]/g;
/** S3's canonical URI: each path byte URI-encoded once, `/` kept, no dot-segment normalisation (s3.md §7.1). */
export function canonicalPath(rawPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    decoded = rawPath;
  }
  return encodeURIComponent(decoded)
    .replace(UNRESERVED_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%2F", "/");
}

/** `2026-01-01T00:00:00Z` (s3.md §7.2 error fields). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
