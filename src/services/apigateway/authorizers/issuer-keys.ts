import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJwks, type JwksKeys } from "./jwks.js";

/**
 * A token issuer's keys as bound at `local.jwks.<Issuer>` (apigateway.md §10.4): AWS fetches
 * `{issuer}/.well-known/openid-configuration`, then its `jwks_uri`. The bound file is either that
 * key set (`{"keys": [...]}`) or the issuer's OpenID discovery document, whose `issuer` must be
 * the authorizer's Issuer exactly (OpenID Connect Discovery §4.3) and whose `jwks_uri` names a
 * local file (relative to the document, or `file:`). Read once, at bind.
 */
export async function readIssuerKeys(issuer: string, path: string): Promise<JwksKeys | string> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return "file not found";
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const jwksUri = (doc as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (jwksUri === undefined) return parseJwks(text);
  const docIssuer = (doc as { issuer?: unknown }).issuer;
  if (docIssuer !== issuer) return `the discovery document's issuer ${JSON.stringify(docIssuer)} is not ${issuer}`;
  if (typeof jwksUri !== "string") return "jwks_uri is not a string";
  if (/^https?:/i.test(jwksUri)) return `jwks_uri ${jwksUri} is remote (no network): point it at a local file, relative to the discovery document`;
  const jwksPath = jwksUri.startsWith("file:") ? fileURLToPath(jwksUri) : resolve(dirname(path), jwksUri);
  const jwks = await readFile(jwksPath, "utf8").catch(() => undefined);
  if (jwks === undefined) return `jwks_uri ${jwksUri}: file not found (${jwksPath})`;
  const keys = parseJwks(jwks);
  return typeof keys === "string" ? `jwks_uri ${jwksUri}: ${keys}` : keys;
}
