import { createHash } from "node:crypto";
import {
  canonicalHeaderValues,
  parseAmzDate,
  parseAuthorizationHeader,
  parseCredentialScope,
  scopeString,
  SIGV4_ALGORITHM,
  toAmzDate,
  VerifyingSigner,
  type SigningCredential,
} from "../../../core/sigv4.js";
import * as errors from "../errors.js";
import type { GatewayError } from "../errors.js";
import type { ApiRequest } from "../proxy/api-request.js";
import type { IamCaller } from "../proxy/payload-v1.js";

/**
 * AWS_IAM authorization (REST methods, HTTP API routes; apigateway.md §2, §11): the request must
 * carry a SigV4 `Authorization` header scoped to this region and `execute-api`, dated within five
 * minutes of the stack clock, by one of the local access keys, whose signature we recompute with
 * core/sigv4's signer (the one S3 verifies with) over the request as the client sent it. Failures
 * answer as API Gateway does: unsigned → REST MissingAuthenticationToken / HTTP API Forbidden;
 * a non-SigV4 or incomplete header → IncompleteSignatureException; an unknown key →
 * UnrecognizedClientException; scope, clock or signature wrong → InvalidSignatureException.
 *
 * Divergence from AWS: every local key is the account's root and may invoke everything (no IAM
 * policy evaluation, no resource policy); presigned query-string signatures and session tokens
 * are not checked.
 */
const SERVICE = "execute-api";
/** SigV4's allowed clock difference (5 minutes, as the Signature expired message says). */
const MAX_SKEW_MS = 5 * 60_000;
const REQUIRED_PARTS = ["Credential", "Signature", "SignedHeaders"] as const;

export type IamResult = { ok: true; caller: IamCaller } | { ok: false; error: GatewayError; reason: string };

export class IamVerifier {
  readonly #keys = new Map<string, { credential: SigningCredential; signer: VerifyingSigner }>();
  readonly #accountId: string;
  readonly #region: string;

  constructor(credentials: readonly SigningCredential[], accountId: string, region: string) {
    for (const c of credentials) this.#keys.set(c.accessKeyId, { credential: c, signer: new VerifyingSigner(c, SERVICE, true) });
    this.#accountId = accountId;
    this.#region = region;
  }

  async verify(r: ApiRequest, rest: boolean, nowMs: number): Promise<IamResult> {
    const refuse = (error: GatewayError, reason: string): IamResult => ({ ok: false, error, reason });
    const authz = first(r.headers.authorization);
    if (authz === undefined || authz === "")
      return refuse(rest ? errors.missingAuthenticationToken() : errors.httpForbidden(), "the request is not signed (no Authorization header)");
    if (!authz.startsWith(`${SIGV4_ALGORITHM} `))
      return refuse(errors.incompleteSignature(createHash("sha256").update(authz).digest("base64")), "the Authorization header is not SigV4");
    const parsed = parseAuthorizationHeader(authz);
    if (!parsed) {
      const missing = REQUIRED_PARTS.filter((p) => !authz.includes(`${p}=`));
      const what = missing.length ? missing.map((p) => `Authorization header requires '${p}' parameter. `).join("") : "Authorization header is malformed. ";
      return refuse(errors.iamIncompleteSignature(`${what}Authorization=${authz}`), "the SigV4 Authorization header is incomplete");
    }
    const scope = parseCredentialScope(parsed.credential);
    if (!scope) return refuse(errors.iamIncompleteSignature(`Authorization header requires 'Credential' parameter. Authorization=${authz}`), "bad Credential");
    const key = this.#keys.get(scope.accessKeyId);
    if (!key) return refuse(errors.iamUnrecognizedClient(), `unknown access key ${scope.accessKeyId}`);
    if (scope.region !== this.#region)
      return refuse(errors.iamInvalidSignature(`Credential should be scoped to a valid region, not '${scope.region}'. `), `signed for region ${scope.region}`);
    if (scope.service !== SERVICE)
      return refuse(errors.iamInvalidSignature(`Credential should be scoped to correct service: '${SERVICE}'. `), `signed for service ${scope.service}`);
    const amzDate = first(r.headers["x-amz-date"]);
    const signedAt = amzDate !== undefined ? parseAmzDate(amzDate) : r.headers.date ? Date.parse(r.headers.date) : NaN;
    if (Number.isNaN(signedAt))
      return refuse(
        errors.iamIncompleteSignature(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authz}`),
        "no request date",
      );
    const longDate = amzDate ?? toAmzDate(signedAt);
    if (signedAt < nowMs - MAX_SKEW_MS)
      return refuse(
        errors.iamInvalidSignature(`Signature expired: ${longDate} is now earlier than ${toAmzDate(nowMs - MAX_SKEW_MS)} (${toAmzDate(nowMs)} - 5 min.)`),
        "signature expired",
      );
    if (signedAt > nowMs + MAX_SKEW_MS)
      return refuse(
        errors.iamInvalidSignature(
          `Signature not yet current: ${longDate} is still later than ${toAmzDate(nowMs + MAX_SKEW_MS)} (${toAmzDate(nowMs)} + 5 min.)`,
        ),
        "signature not yet current",
      );
    const headers: Record<string, string> = {};
    for (const name of parsed.signedHeaders) {
      const v = r.headers[name];
      headers[name] = v === undefined ? "" : Array.isArray(v) ? v.join(",") : v;
    }
    // The body as received is what counts (an x-amz-content-sha256 header is only a signed header here).
    const payloadHash = createHash("sha256").update(r.body).digest("hex");
    const canonicalRequest = key.signer.canonicalRequest(r.method, r.sentPath, signedQuery(r.rawQuery), canonicalHeaderValues(headers), payloadHash);
    const stringToSign = await key.signer.stringToSign(longDate, scopeString(scope), canonicalRequest);
    const expected = await key.signer.signWithScope(stringToSign, scope);
    if (expected !== parsed.signature) return refuse(errors.iamSignatureDoesNotMatch(canonicalRequest, stringToSign), "the signature does not match");
    // Choice: a local key is the account's root user (s3.md §7 treats test/test as the account too).
    return {
      ok: true,
      caller: { accessKey: scope.accessKeyId, accountId: this.#accountId, principalId: this.#accountId, userArn: `arn:aws:iam::${this.#accountId}:root` },
    };
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The query as a signer saw it: decoded names → every value (smithy encodes them again). */
function signedQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    (out[name] ??= []).push(eq === -1 ? "" : decode(part.slice(eq + 1)));
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
