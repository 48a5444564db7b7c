import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "./sha256.js";

/**
 * The SigV4 pieces every verifying service shares (S3's auth, API Gateway's AWS_IAM methods): the
 * Authorization header and credential-scope grammar, `x-amz-date` parsing, and a signer that
 * exposes @smithy/signature-v4's canonical-request and string-to-sign steps so a service can
 * recompute what the client signed and quote it in its error. What each service answers on
 * failure, and how it builds the canonical URI, stays with the service.
 */
export interface SigningCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The access keys every local service accepts unless told otherwise (s3.md §7: test/test, as LocalStack). */
export const LOCAL_CREDENTIALS: readonly SigningCredential[] = [{ accessKeyId: "test", secretAccessKey: "test" }];

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
const AUTH_HEADER = /^AWS4-HMAC-SHA256 +Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface CredentialScope {
  accessKeyId: string;
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` → its three parts, or undefined. */
export function parseAuthorizationHeader(v: string): { credential: string; signedHeaders: string[]; signature: string } | undefined {
  const m = AUTH_HEADER.exec(v);
  if (!m) return undefined;
  return { credential: m[1]!, signedHeaders: m[2]!.toLowerCase().split(";"), signature: m[3]! };
}

/** `AKID/20261201/us-east-1/s3/aws4_request` → its parts, or undefined when malformed. */
export function parseCredentialScope(s: string): CredentialScope | undefined {
  const parts = s.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) return undefined;
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

export const scopeString = (s: CredentialScope) => `${s.date}/${s.region}/${s.service}/aws4_request`;

/** `20261201T101500Z` → epoch ms (NaN when not ISO 8601 basic format). */
export function parseAmzDate(s: string): number {
  const m = AMZ_DATE.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** smithy trims and collapses values itself; it only needs names lower-case (they are). */
export function canonicalHeaderValues(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) out[k] = h[k]!.replace(/[ \t]+/g, " ").trim();
  return out;
}

/**
 * smithy's signer with its canonical-request and string-to-sign steps exposed for verification.
 * `uriEscapePath`: S3 signs the path as sent; every other service URI-encodes it once more.
 */
export class VerifyingSigner extends SignatureV4 {
  constructor(c: SigningCredential, service: string, uriEscapePath: boolean) {
    super({ credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, region: "us-east-1", service, sha256: Sha256, uriEscapePath });
  }
  canonicalRequest(method: string, path: string, query: Record<string, string[]>, headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest({ method, path, query, headers, protocol: "http:", hostname: "" }, headers, payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, SIGV4_ALGORITHM);
  }
  /** The hex signature of a string to sign under the scope's signing key. */
  signWithScope(stringToSign: string, scope: CredentialScope): Promise<string> {
    return this.sign(stringToSign, { signingDate: dateOfScope(scope.date), signingRegion: scope.region, signingService: scope.service });
  }
}

function dateOfScope(d: string): Date {
  return new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))));
}
