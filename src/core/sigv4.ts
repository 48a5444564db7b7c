import { createHash, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import { Sha256 } from "./sha256.js";
import { deriveSigV4aPublicKey, SIGV4A_ALGORITHM, verifySigV4aSignature } from "./sigv4a-key.js";

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
export { LOCAL_CREDENTIALS } from "./account.js";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
const AUTH_HEADER = /^AWS4-HMAC-SHA256 +Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
/** SigV4A: the signature is a DER-encoded ECDSA signature in hex, of varying length. */
const AUTH_HEADER_V4A = /^AWS4-ECDSA-P256-SHA256 +Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$/;
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

/**
 * SigV4A's scope has no region (`AKID/20261201/cloudfront-keyvaluestore/aws4_request`): the
 * regions are the signed `X-Amz-Region-Set` header instead. `region` is then "".
 */
export function parseSigV4aCredentialScope(s: string): CredentialScope | undefined {
  const parts = s.split("/");
  if (parts.length !== 4 || parts[3] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) return undefined;
  return { accessKeyId: parts[0]!, date: parts[1]!, region: "", service: parts[2]! };
}

export const scopeString = (s: CredentialScope) =>
  s.region === "" ? `${s.date}/${s.service}/aws4_request` : `${s.date}/${s.region}/${s.service}/aws4_request`;

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

type SmithySigV4 = typeof import("@smithy/signature-v4");
const requireOnFirstUse = createRequire(import.meta.url);
let smithy: SmithySigV4 | undefined;
/**
 * @smithy/signature-v4, loaded by the first signature made or checked: evaluating it (and the
 * @smithy/core parts it pulls in) took ~13 ms of CPU of every start, also of stacks that never
 * see a signed request (issue 14: cold start). Synchronous, so callers stay as they were.
 */
export function smithySigV4(): SmithySigV4 {
  return (smithy ??= requireOnFirstUse("@smithy/signature-v4") as SmithySigV4);
}

/** smithy's signer class with its protected canonical-request and string-to-sign steps made public. */
function exposedSigner(S: SmithySigV4) {
  return class extends S.SignatureV4 {
    canonical(request: Parameters<InstanceType<SmithySigV4["SignatureV4"]>["presign"]>[0], headers: Record<string, string>, payloadHash: string): string {
      return this.createCanonicalRequest(request, headers, payloadHash);
    }
    toSign(longDate: string, scope: string, canonicalRequest: string, algorithm: string): Promise<string> {
      return this.createStringToSign(longDate, scope, canonicalRequest, algorithm);
    }
  };
}
let ExposedSigner: ReturnType<typeof exposedSigner> | undefined;

/**
 * smithy's signer with its canonical-request and string-to-sign steps exposed for verification,
 * made on first use (see smithySigV4).
 * `uriEscapePath`: S3 signs the path as sent; every other service URI-encodes it once more.
 */
export class VerifyingSigner {
  readonly #options: ConstructorParameters<SmithySigV4["SignatureV4"]>[0];
  #signer: InstanceType<ReturnType<typeof exposedSigner>> | undefined;
  constructor(c: SigningCredential, service: string, uriEscapePath: boolean) {
    this.#options = {
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
      region: "us-east-1",
      service,
      sha256: Sha256,
      uriEscapePath,
    };
  }
  get #smithy(): InstanceType<ReturnType<typeof exposedSigner>> {
    return (this.#signer ??= new (ExposedSigner ??= exposedSigner(smithySigV4()))(this.#options));
  }
  canonicalRequest(method: string, path: string, query: Record<string, string[]>, headers: Record<string, string>, payloadHash: string): string {
    return this.#smithy.canonical({ method, path, query, headers, protocol: "http:", hostname: "" }, headers, payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string, algorithm: string = SIGV4_ALGORITHM): Promise<string> {
    return this.#smithy.toSign(longDate, scope, canonicalRequest, algorithm);
  }
  /** The hex signature of a string to sign under the scope's signing key. */
  signWithScope(stringToSign: string, scope: CredentialScope): Promise<string> {
    return this.#smithy.sign(stringToSign, { signingDate: dateOfScope(scope.date), signingRegion: scope.region, signingService: scope.service });
  }
}

function dateOfScope(d: string): Date {
  return new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8))));
}

/**
 * SigV4 verification for the AWS APIs other than S3 (CloudFront, ELBv2, STS …): the canonical
 * request of the AWS General Reference "Create a signed AWS API request" — path segments URI-encoded
 * once more than sent (S3 alone does not), the payload hashed from the body (these clients send no
 * x-amz-content-sha256). The answer names the error those services share: IncompleteSignature,
 * InvalidClientTokenId, SignatureDoesNotMatch, MissingAuthenticationToken. SigV4A
 * (`AWS4-ECDSA-P256-SHA256`, the CloudFront KeyValueStore SDK's signer) shares the canonical request
 * and string-to-sign shape; its scope has no region and its signature is ECDSA over the string to
 * sign, checked against the public key derived from the same local secret (sigv4a-key.ts).
 */
export interface ApiSignatureInput {
  method: string;
  /** As sent (percent-encoded), no query. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  now: number;
}

export type ApiSignatureVerdict =
  | { ok: true; accessKeyId: string }
  | {
      ok: false;
      status: 400 | 403;
      code: "IncompleteSignature" | "InvalidClientTokenId" | "SignatureDoesNotMatch" | "RequestExpired" | "MissingAuthenticationToken";
      message: string;
    };

/** AWS General Reference: a signature is valid for 15 minutes around the request time. */
const MAX_SKEW_MS = 15 * 60_000;

/** The texts AWS's Query/REST-XML services answer with (AWS common errors; CloudFront and ELBv2 alike). */
const MESSAGES = {
  InvalidClientTokenId: "The security token included in the request is invalid.",
  SignatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  MissingAuthenticationToken: "Missing Authentication Token",
} as const;

export class ApiSignatureVerifier {
  readonly #signers = new Map<string, { signer: VerifyingSigner; publicKey: () => KeyObject }>();

  constructor(credentials: readonly SigningCredential[]) {
    for (const c of credentials) {
      let key: KeyObject | undefined;
      // The SigV4A key pair is derived once per credential, on first use (an EC point multiplication).
      this.#signers.set(c.accessKeyId, {
        signer: new VerifyingSigner(c, "api", true),
        publicKey: () => (key ??= deriveSigV4aPublicKey(c.accessKeyId, c.secretAccessKey)),
      });
    }
  }

  async verify(r: ApiSignatureInput): Promise<ApiSignatureVerdict> {
    const authz = r.headers.authorization;
    if (typeof authz === "string") return this.#header(r, authz);
    if (r.query.has("X-Amz-Signature")) return this.#query(r);
    return { ok: false, status: 403, code: "MissingAuthenticationToken", message: MESSAGES.MissingAuthenticationToken };
  }

  async #header(r: ApiSignatureInput, authz: string): Promise<ApiSignatureVerdict> {
    const algorithm = authz.startsWith(`${SIGV4A_ALGORITHM} `) ? SIGV4A_ALGORITHM : SIGV4_ALGORITHM;
    const parsed = algorithm === SIGV4A_ALGORITHM ? parseSigV4aHeader(authz) : parseAuthorizationHeader(authz);
    if (!parsed) return incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authz}`);
    const longDate = first(r.headers["x-amz-date"]);
    const bodyHash = createHash("sha256").update(r.body).digest("hex");
    const declared = first(r.headers["x-amz-content-sha256"]);
    // A declared payload hash is signed in place of the body's: it must be the body's (the body is read whole here).
    if (declared !== undefined && /^[0-9a-f]{64}$/i.test(declared) && declared.toLowerCase() !== bodyHash)
      return { ok: false, status: 403, code: "SignatureDoesNotMatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    const payloadHash = declared ?? bodyHash;
    return this.#check(r, algorithm, parsed.credential, parsed.signedHeaders, parsed.signature, longDate, payloadHash, undefined);
  }

  async #query(r: ApiSignatureInput): Promise<ApiSignatureVerdict> {
    const credential = r.query.get("X-Amz-Credential");
    const signedHeaders = r.query.get("X-Amz-SignedHeaders");
    const signature = r.query.get("X-Amz-Signature")!;
    const longDate = r.query.get("X-Amz-Date") ?? undefined;
    const algorithm = r.query.get("X-Amz-Algorithm") === SIGV4A_ALGORITHM ? SIGV4A_ALGORITHM : SIGV4_ALGORITHM;
    if (!credential || !signedHeaders || !longDate)
      return incomplete("Query-string authentication requires X-Amz-Credential, X-Amz-SignedHeaders and X-Amz-Date.");
    const query = new URLSearchParams([...r.query].filter(([k]) => k !== "X-Amz-Signature"));
    const expires = Number(r.query.get("X-Amz-Expires") ?? "900");
    return this.#check({ ...r, query }, algorithm, credential, signedHeaders.toLowerCase().split(";"), signature, longDate, "UNSIGNED-PAYLOAD", expires);
  }

  async #check(
    r: ApiSignatureInput,
    algorithm: typeof SIGV4_ALGORITHM | typeof SIGV4A_ALGORITHM,
    credential: string,
    signed: readonly string[],
    signature: string,
    longDate: string | undefined,
    payloadHash: string,
    expiresSeconds: number | undefined,
  ): Promise<ApiSignatureVerdict> {
    const isV4a = algorithm === SIGV4A_ALGORITHM;
    const scope = isV4a ? parseSigV4aCredentialScope(credential) : parseCredentialScope(credential);
    if (!scope) return incomplete(`Credential should be scoped to a valid region and service: '${credential}'.`);
    const known = this.#signers.get(scope.accessKeyId);
    if (!known) return { ok: false, status: 403, code: "InvalidClientTokenId", message: MESSAGES.InvalidClientTokenId };
    const at = longDate === undefined ? NaN : parseAmzDate(longDate);
    if (Number.isNaN(at)) return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    const expired = expiresSeconds === undefined ? Math.abs(at - r.now) > MAX_SKEW_MS : r.now > at + expiresSeconds * 1000;
    if (expired)
      return {
        ok: false,
        status: 403,
        code: "SignatureDoesNotMatch",
        message: `Signature expired: ${longDate} is now earlier than ${toAmzDate(r.now - MAX_SKEW_MS)} (${toAmzDate(r.now)} - 15 min.)`,
      };
    // SigV4A names its regions in a header the signature covers (IAM User Guide, SigV4a).
    if (isV4a && expiresSeconds === undefined && !signed.includes("x-amz-region-set"))
      return incomplete("SigV4A requests must sign the X-Amz-Region-Set header.");
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const v = r.headers[name];
      headers[name] = v === undefined ? "" : Array.isArray(v) ? v.join(",") : v;
    }
    const query: Record<string, string[]> = {};
    for (const [k, v] of r.query) (query[k] ??= []).push(v);
    const { signer } = known;
    const canonical = signer.canonicalRequest(r.method, r.rawPath, query, canonicalHeaderValues(headers), payloadHash);
    const stringToSign = await signer.stringToSign(longDate!, scopeString(scope), canonical, algorithm);
    const matches = isV4a ? verifySigV4aSignature(known.publicKey(), stringToSign, signature) : (await signer.signWithScope(stringToSign, scope)) === signature;
    if (!matches) return { ok: false, status: 403, code: "SignatureDoesNotMatch", message: MESSAGES.SignatureDoesNotMatch };
    return { ok: true, accessKeyId: scope.accessKeyId };
  }
}

function parseSigV4aHeader(v: string): { credential: string; signedHeaders: string[]; signature: string } | undefined {
  const m = AUTH_HEADER_V4A.exec(v);
  if (!m) return undefined;
  return { credential: m[1]!, signedHeaders: m[2]!.toLowerCase().split(";"), signature: m[3]! };
}

function incomplete(message: string): ApiSignatureVerdict {
  return { ok: false, status: 400, code: "IncompleteSignature", message };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
