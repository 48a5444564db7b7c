import { verify, type KeyObject } from "node:crypto";
import * as errors from "../errors.js";
import type { GatewayError } from "../errors.js";
import { decodeQuery, headerValue, type ApiRequest } from "../proxy/api-request.js";
import type { JwksKeys } from "./jwks.js";

/**
 * An HTTP API JWT authorizer (apigateway.md §10.4, DG http-api-jwt-authorizer): the token from the
 * identity source (with or without `Bearer `), an RSA signature (RS256/384/512) by a key of the
 * issuer's JWKS matched by `kid`, `iss` = Issuer, `aud` in Audience (`client_id` only when there is
 * no `aud`), `exp` in the future, `nbf` and `iat` in the past, all on the stack clock; then the
 * route's AuthorizationScopes against `scope` / `scp`. A refused token is 401 with the
 * `www-authenticate` challenge AWS sends; missing scopes are 403.
 */
export interface JwtAuthorizerPlan {
  id: string;
  source: { kind: "header" | "querystring"; name: string };
  issuer: string;
  audience: readonly string[];
  keys: JwksKeys;
}

export type JwtResult = { ok: true; claims: Record<string, string>; scopes: string[] | null } | { ok: false; error: GatewayError; reason: string };

const ALGORITHMS: Readonly<Record<string, string>> = { RS256: "sha256", RS384: "sha384", RS512: "sha512" };

const refuse = (description: string): JwtResult => ({ ok: false, error: errors.httpJwtUnauthorized(description), reason: description });

export function authorizeJwt(p: JwtAuthorizerPlan, r: ApiRequest, scopes: readonly string[] | undefined, nowMs: number): JwtResult {
  let raw: string | undefined;
  if (p.source.kind === "header") raw = headerValue(r.headerLines, p.source.name.toLowerCase());
  else for (const [k, v] of decodeQuery(r.rawQuery)) if (k === p.source.name) raw = v;
  // Choice: a missing token gets the bare challenge (apigateway.md §10.4: its header is UNCONFIRMED).
  if (raw === undefined || raw.trim() === "") return { ok: false, error: errors.httpJwtUnauthorized(undefined), reason: "no token" };
  const token = raw.replace(/^Bearer\s+/i, "").trim();
  const verified = verifyJwtSignature(token, p.keys);
  if (typeof verified === "string") return refuse(verified);
  const claims = verified;
  if (claims["iss"] !== p.issuer) return refuse("the token does not have a valid issuer");
  // aud wins when present; client_id is read only without it (DG http-api-troubleshooting-jwt).
  const aud = claims["aud"] !== undefined ? claims["aud"] : claims["client_id"];
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.some((a) => typeof a === "string" && p.audience.includes(a))) return refuse("the token does not have a valid audience");
  const timing = checkJwtTimes(claims, nowMs);
  if (timing) return refuse(timing);
  const tokenScopes = readScopes(claims);
  if (scopes && scopes.length > 0 && !scopes.some((s) => tokenScopes.includes(s)))
    return { ok: false, error: errors.httpJwtInsufficientScope(scopes), reason: `the token has none of the scopes ${scopes.join(" ")}` };
  return { ok: true, claims: stringifyClaims(claims), scopes: scopes && scopes.length > 0 ? tokenScopes : null };
}

/** A compact JWS → its claims when an RSA key of the set with the token's `kid` signed it, else why not. */
export function verifyJwtSignature(token: string, keys: JwksKeys): Record<string, unknown> | string {
  const parts = token.split(".");
  if (parts.length !== 3) return "the token is malformed";
  const header = decodeSegment(parts[0]!);
  const claims = decodeSegment(parts[1]!);
  if (!header || !claims) return "the token is malformed";
  const alg = ALGORITHMS[String(header["alg"])];
  if (!alg) return `signing method ${String(header["alg"])} is invalid`;
  const key: KeyObject | undefined = typeof header["kid"] === "string" ? keys.get(header["kid"]) : undefined;
  if (!key) return "the token's signing key is not in the issuer's key set";
  const signature = Buffer.from(parts[2]!, "base64url");
  let valid = false;
  try {
    valid = verify(alg, Buffer.from(`${parts[0]}.${parts[1]}`), key, signature);
  } catch {
    // A signature node:crypto cannot even parse is as invalid as a wrong one.
  }
  return valid ? claims : "the token's signature is invalid";
}

/** `exp` required and in the future, `nbf` / `iat` not in the future (seconds, on the stack clock); else why not. */
export function checkJwtTimes(claims: Record<string, unknown>, nowMs: number): string | undefined {
  const now = nowMs / 1000;
  if (typeof claims["exp"] !== "number" || claims["exp"] <= now) return "the token has expired";
  if (claims["nbf"] !== undefined && (typeof claims["nbf"] !== "number" || claims["nbf"] > now)) return "the token is not valid yet";
  if (claims["iat"] !== undefined && (typeof claims["iat"] !== "number" || claims["iat"] > now)) return "the token was issued in the future";
  return undefined;
}

function decodeSegment(s: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `scope` is a space-separated string; `scp` a list or a string (Okta, Azure AD spell it so). */
export function readScopes(claims: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const c of [claims["scope"], claims["scp"]]) {
    if (typeof c === "string") out.push(...c.split(" ").filter(Boolean));
    else if (Array.isArray(c)) for (const x of c) if (typeof x === "string") out.push(x);
  }
  return out;
}

/** Claims as the integration sees them: strings; arrays as `[a b]` (apigateway.md §10.4, UNCONFIRMED). */
export function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims))
    out[k] =
      typeof v === "string"
        ? v
        : Array.isArray(v)
          ? `[${v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" ")}]`
          : typeof v === "object"
            ? JSON.stringify(v)
            : String(v);
  return out;
}
