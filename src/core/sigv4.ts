import type { IncomingHttpHeaders } from "node:http";
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "./sha256.js";

/**
 * SigV4 verification for the AWS APIs other than S3 (CloudFront, ELBv2, STS …): the canonical
 * request of the AWS General Reference "Create a signed AWS API request" — path segments URI-encoded
 * once more than sent (S3 alone does not), the payload hashed from the body (these clients send no
 * x-amz-content-sha256) — built and signed by @smithy/signature-v4, as S3's verifier
 * (services/s3/auth/sigv4.ts) does with S3's own rules. The answer names the error the services
 * share: IncompleteSignature, InvalidClientTokenId, SignatureDoesNotMatch, RequestExpired.
 */
export interface ApiCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

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

const AUTH_HEADER = /^AWS4-HMAC-SHA256 +Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** AWS General Reference: a signature is valid for 15 minutes around the request time. */
const MAX_SKEW_MS = 15 * 60_000;

/** The texts AWS's Query/REST-XML services answer with (AWS common errors; CloudFront and ELBv2 alike). */
const MESSAGES = {
  InvalidClientTokenId: "The security token included in the request is invalid.",
  SignatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  MissingAuthenticationToken: "Missing Authentication Token",
} as const;

class VerifyingSigner extends SignatureV4 {
  constructor(c: ApiCredential) {
    super({ credentials: c, region: "us-east-1", service: "cloudfront", sha256: Sha256, uriEscapePath: true });
  }
  async signatureFor(r: ApiSignatureInput, signed: readonly string[], scope: string[], longDate: string, payloadHash: string): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const v = r.headers[name];
      headers[name] = (v === undefined ? "" : Array.isArray(v) ? v.join(",") : v).replace(/[ \t]+/g, " ").trim();
    }
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of r.query) {
      const prior = query[k];
      query[k] = prior === undefined ? v : Array.isArray(prior) ? [...prior, v] : [prior, v];
    }
    const canonical = this.createCanonicalRequest({ method: r.method, path: r.rawPath, query, headers, protocol: "http:", hostname: "" }, headers, payloadHash);
    const [date, region, service] = scope as [string, string, string];
    const toSign = await this.createStringToSign(longDate, `${date}/${region}/${service}/aws4_request`, canonical, "AWS4-HMAC-SHA256");
    return this.sign(toSign, {
      signingDate: new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8))),
      signingRegion: region,
      signingService: service,
    });
  }
}

export class ApiSignatureVerifier {
  readonly #signers = new Map<string, VerifyingSigner>();

  constructor(credentials: readonly ApiCredential[]) {
    for (const c of credentials) this.#signers.set(c.accessKeyId, new VerifyingSigner(c));
  }

  async verify(r: ApiSignatureInput): Promise<ApiSignatureVerdict> {
    const authz = r.headers.authorization;
    if (typeof authz === "string") return this.#header(r, authz);
    if (r.query.has("X-Amz-Signature")) return this.#query(r);
    return { ok: false, status: 403, code: "MissingAuthenticationToken", message: MESSAGES.MissingAuthenticationToken };
  }

  async #header(r: ApiSignatureInput, authz: string): Promise<ApiSignatureVerdict> {
    const m = AUTH_HEADER.exec(authz);
    if (!m) return incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authz}`);
    const [, credential, signedHeaders, signature] = m as unknown as [string, string, string, string];
    const longDate = first(r.headers["x-amz-date"]);
    const payloadHash = first(r.headers["x-amz-content-sha256"]) ?? createHash("sha256").update(r.body).digest("hex");
    return this.#check(r, credential, signedHeaders.toLowerCase().split(";"), signature, longDate, payloadHash, undefined);
  }

  async #query(r: ApiSignatureInput): Promise<ApiSignatureVerdict> {
    const credential = r.query.get("X-Amz-Credential");
    const signedHeaders = r.query.get("X-Amz-SignedHeaders");
    const signature = r.query.get("X-Amz-Signature")!;
    const longDate = r.query.get("X-Amz-Date") ?? undefined;
    if (!credential || !signedHeaders || !longDate)
      return incomplete("Query-string authentication requires X-Amz-Credential, X-Amz-SignedHeaders and X-Amz-Date.");
    const query = new URLSearchParams([...r.query].filter(([k]) => k !== "X-Amz-Signature"));
    const expires = Number(r.query.get("X-Amz-Expires") ?? "900");
    return this.#check({ ...r, query }, credential, signedHeaders.toLowerCase().split(";"), signature, longDate, "UNSIGNED-PAYLOAD", expires);
  }

  async #check(
    r: ApiSignatureInput,
    credential: string,
    signed: readonly string[],
    signature: string,
    longDate: string | undefined,
    payloadHash: string,
    expiresSeconds: number | undefined,
  ): Promise<ApiSignatureVerdict> {
    const parts = credential.split("/");
    if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!))
      return incomplete(`Credential should be scoped to a valid region and service: '${credential}'.`);
    const signer = this.#signers.get(parts[0]!);
    if (!signer) return { ok: false, status: 403, code: "InvalidClientTokenId", message: MESSAGES.InvalidClientTokenId };
    const at = longDate === undefined ? NaN : parseAmzDate(longDate);
    if (Number.isNaN(at)) return incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    const expired = expiresSeconds === undefined ? Math.abs(at - r.now) > MAX_SKEW_MS : r.now > at + expiresSeconds * 1000;
    if (expired)
      return {
        ok: false,
        status: 403,
        code: "SignatureDoesNotMatch",
        message: `Signature expired: ${longDate} is now earlier than ${amzDate(r.now - MAX_SKEW_MS)} (${amzDate(r.now)} - 15 min.)`,
      };
    const expected = await signer.signatureFor(r, signed, parts.slice(1, 4), longDate!, payloadHash);
    if (expected !== signature) return { ok: false, status: 403, code: "SignatureDoesNotMatch", message: MESSAGES.SignatureDoesNotMatch };
    return { ok: true, accessKeyId: parts[0]! };
  }
}

function incomplete(message: string): ApiSignatureVerdict {
  return { ok: false, status: 400, code: "IncompleteSignature", message };
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseAmzDate(s: string): number {
  const m = AMZ_DATE.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}
