import * as errors from "../errors.js";
import type { GatewayError } from "../errors.js";
import { headerValue, type ApiRequest } from "../proxy/api-request.js";
import type { JwksKeys } from "./jwks.js";
import { checkJwtTimes, readScopes, stringifyClaims, verifyJwtSignature } from "./jwt-authorizer.js";

/**
 * A REST COGNITO_USER_POOLS authorizer (apigateway.md §10.2): the token is the identity-source
 * header's value (Choice: with or without `Bearer `), signed by a key of one of the ProviderARNs'
 * pools — each pool's issuer is `https://cognito-idp.<region>.amazonaws.com/<poolId>`, its keys
 * the JWKS file bound at `local.jwks.<issuer>` (AWS reads the pool's own) — unexpired on the
 * stack clock. Without method AuthorizationScopes the token must be an ID token; with them an
 * access token carrying one of the scopes (repost.aws "need access token as header in cognito").
 * Every refusal is 401 `{"message":"Unauthorized"}`; the claims reach the integration as
 * `requestContext.authorizer.claims`.
 */
export interface CognitoPool {
  issuer: string;
  keys: JwksKeys;
}

export interface CognitoAuthorizerPlan {
  id: string;
  /** The identity source header, lower-case (`method.request.header.Authorization`). */
  header: string;
  pools: readonly CognitoPool[];
}

export type CognitoResult = { ok: true; claims: Record<string, string> } | { ok: false; error: GatewayError; reason: string };

const refuse = (reason: string): CognitoResult => ({ ok: false, error: errors.restUnauthorized(), reason });

export function authorizeCognito(p: CognitoAuthorizerPlan, r: ApiRequest, scopes: readonly string[] | undefined, nowMs: number): CognitoResult {
  const raw = headerValue(r.headerLines, p.header);
  if (raw === undefined || raw.trim() === "") return refuse("no token");
  const token = raw.replace(/^Bearer\s+/i, "").trim();
  let claims: Record<string, unknown> | undefined;
  let why = "the token's issuer is none of the authorizer's user pools";
  for (const pool of p.pools) {
    const v = verifyJwtSignature(token, pool.keys);
    if (typeof v === "string") why = v;
    else if (v["iss"] === pool.issuer) {
      claims = v;
      break;
    }
  }
  if (!claims) return refuse(why);
  const timing = checkJwtTimes(claims, nowMs);
  if (timing) return refuse(timing);
  if (scopes && scopes.length > 0) {
    if (claims["token_use"] !== "access") return refuse("the method has AuthorizationScopes: an access token is required");
    const have = readScopes(claims);
    if (!scopes.some((s) => have.includes(s))) return refuse(`the token has none of the scopes ${scopes.join(" ")}`);
  } else if (claims["token_use"] !== "id") return refuse("the method has no AuthorizationScopes: an ID token is required");
  return { ok: true, claims: stringifyClaims(claims) };
}
