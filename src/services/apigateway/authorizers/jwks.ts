import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";

/**
 * A JSON Web Key Set as an issuer publishes it at its `jwks_uri` (apigateway.md §10.4): here read
 * from the file bound at `local.jwks.<Issuer>`. Only RSA keys count (API Gateway verifies RSA
 * signatures only), each by its `kid`.
 */
export type JwksKeys = ReadonlyMap<string, KeyObject>;

/** The set's RSA keys by kid, or why the file is not a usable JWKS. */
export function parseJwks(text: string): JwksKeys | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return 'not a JWKS: expected {"keys": [...]}';
  const out = new Map<string, KeyObject>();
  for (const [i, k] of keys.entries()) {
    const jwk = k as { kty?: unknown; kid?: unknown; use?: unknown };
    if (jwk?.kty !== "RSA" || typeof jwk.kid !== "string" || (jwk.use !== undefined && jwk.use !== "sig")) continue;
    try {
      out.set(jwk.kid, createPublicKey({ key: k as JsonWebKey, format: "jwk" }));
    } catch (e) {
      return `keys[${i}] (kid ${jwk.kid}) is not an RSA public key: ${(e as Error).message}`;
    }
  }
  if (out.size === 0) return "no RSA signing key with a kid";
  return out;
}
