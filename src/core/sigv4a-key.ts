import { createECDH, createHmac, createPublicKey, verify, type KeyObject } from "node:crypto";

/**
 * SigV4A's key pair (AWS General Reference / IAM User Guide "Create a signed AWS API request",
 * "Deriving a signing key for SigV4a"): the ECDSA P-256 private scalar is derived from the secret
 * access key alone — no date, region or service — so one key pair signs for a region set.
 * Steps: the KDF key is "AWS4A" + secret; NIST SP 800-108's counter-mode KDF with HMAC-SHA256
 * yields one 256-bit block, PRF(key, [i=1]₃₂ ‖ label ‖ 0x00 ‖ context ‖ [L=256]₃₂), the label
 * being the algorithm name and the context the access key id followed by one counter byte; the
 * block read as a big-endian integer c is accepted when c ≤ n − 2 (n: the P-256 group order) and
 * the private key is c + 1, otherwise the counter byte goes up (1 … 254) and the KDF runs again.
 * edgeparity only verifies, so it keeps the public key (computed with node:crypto's ECDH).
 */
export const SIGV4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256";

/** The order n of the P-256 base point (NIST SP 800-186 §3.2.1.3). */
const P256_N = BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
const KDF_OUTPUT_BITS = 256;

function uint32BE(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The private scalar d, as 32 big-endian bytes. */
export function deriveSigV4aPrivateKey(accessKeyId: string, secretAccessKey: string): Buffer {
  const kdfKey = Buffer.from(`AWS4A${secretAccessKey}`, "utf8");
  const label = Buffer.from(SIGV4A_ALGORITHM, "utf8");
  const id = Buffer.from(accessKeyId, "utf8");
  for (let counter = 1; counter < 255; counter++) {
    const fixedInput = Buffer.concat([uint32BE(1), label, Buffer.from([0]), id, Buffer.from([counter]), uint32BE(KDF_OUTPUT_BITS)]);
    const c = BigInt(`0x${createHmac("sha256", kdfKey).update(fixedInput).digest("hex")}`);
    if (c <= P256_N - 2n) return Buffer.from((c + 1n).toString(16).padStart(64, "0"), "hex");
  }
  // Each try fails with probability ~2^-32; 254 failures in a row do not happen.
  throw new Error("SigV4A key derivation found no valid P-256 scalar");
}

/** The public key of a credential's SigV4A key pair. */
export function deriveSigV4aPublicKey(accessKeyId: string, secretAccessKey: string): KeyObject {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(deriveSigV4aPrivateKey(accessKeyId, secretAccessKey));
  const point = ecdh.getPublicKey(); // 0x04 ‖ X ‖ Y
  return createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
    format: "jwk",
  });
}

/** Whether `signatureHex` (a DER-encoded ECDSA signature, hex) signs SHA-256(stringToSign) under `key`. */
export function verifySigV4aSignature(key: KeyObject, stringToSign: string, signatureHex: string): boolean {
  if (!/^(?:[0-9a-f]{2})+$/i.test(signatureHex)) return false;
  try {
    return verify("sha256", Buffer.from(stringToSign, "utf8"), { key, dsaEncoding: "der" }, Buffer.from(signatureHex, "hex"));
  } catch {
    // A malformed DER structure is a signature that does not match, not our failure.
    return false;
  }
}
