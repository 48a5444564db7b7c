import type { SignatureV4 } from "@smithy/signature-v4";
import { smithySigV4 } from "../../../../../core/sigv4.js";
import type { OacSigning } from "../../../compile/plan.js";
import { Sha256 } from "../../../../../core/sha256.js";

/**
 * Origin Access Control (cloudfront.md §10.4): SigV4-signs the S3 origin request as the
 * `cloudfront.amazonaws.com` service principal. `always` replaces a viewer Authorization,
 * `no-override` keeps one, `never` does not sign. The payload is sent unsigned (bodies stream).
 */

const signers = new WeakMap<OacSigning, SignatureV4>();

function signerFor(oac: OacSigning): SignatureV4 {
  let s = signers.get(oac);
  if (!s) {
    s = new (smithySigV4().SignatureV4)({
      credentials: { accessKeyId: oac.accessKeyId, secretAccessKey: oac.secretAccessKey },
      region: oac.region,
      service: "s3",
      sha256: Sha256,
      uriEscapePath: false,
    });
    signers.set(oac, s);
  }
  return s;
}

const UNRESERVED_EXTRA = /[!'()*]/g;
/** S3 canonical URI: every byte encoded once, `/` kept (s3.md §7.1). */
function canonicalPath(rawPath: string): string {
  let decoded = rawPath;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    // leave as sent
  }
  return encodeURIComponent(decoded)
    .replace(UNRESERVED_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%2F", "/");
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll("+", " "));
  } catch {
    return s;
  }
}

/** Adds Authorization, x-amz-date and x-amz-content-sha256 to `headers` in place. */
export async function signOac(oac: OacSigning, method: string, pathAndQuery: string, headers: Record<string, string | string[]>, now: number): Promise<void> {
  if (oac.signingBehavior === "never") return;
  if (oac.signingBehavior === "no-override" && headers["authorization"] !== undefined) return;
  delete headers["authorization"];
  const qi = pathAndQuery.indexOf("?");
  const path = qi === -1 ? pathAndQuery : pathAndQuery.slice(0, qi);
  const query: Record<string, string[]> = {};
  if (qi !== -1) {
    for (const part of pathAndQuery.slice(qi + 1).split("&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      (query[decode(eq === -1 ? part : part.slice(0, eq))] ??= []).push(eq === -1 ? "" : decode(part.slice(eq + 1)));
    }
  }
  headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  const flat: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k]!;
    const s = Array.isArray(v) ? v.join(", ") : v;
    headers[k] = s;
    flat[k.toLowerCase()] = s;
  }
  const signed = await signerFor(oac).sign(
    { method, protocol: "http:", hostname: String(flat["host"] ?? ""), path: canonicalPath(path), query, headers: flat },
    { signingDate: new Date(now) },
  );
  headers["authorization"] = signed.headers["authorization"]!;
  headers["x-amz-date"] = signed.headers["x-amz-date"]!;
}
