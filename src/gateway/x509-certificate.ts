import { createHash, sign, type KeyObject } from "node:crypto";
import { isIPv4 } from "node:net";
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicit,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derTime,
  derUnsignedInteger,
  derUtf8String,
  readDer,
  readDerChildren,
} from "../core/der.js";

/**
 * X.509 v3 certificates (RFC 5280) built as DER and signed with node:crypto, for the local CA:
 * assemble the TBSCertificate → sign it with the issuer's key (ECDSA P-256 with SHA-256 for a new
 * CA, PKCS#1 v1.5 with SHA-256 for an RSA CA made by an older edgeparity) → wrap it with the
 * algorithm and signature → PEM. No certificate library: node-forge cannot sign with ECDSA, and
 * its RSA took most of a cold start with a new CA (issue 14).
 */
export interface CertificateFields {
  serial: Buffer;
  /** The issuer's Name, as DER (for a leaf: the CA certificate's subject, byte for byte). */
  issuer: Buffer;
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** The subject's key, as SubjectPublicKeyInfo DER. */
  subjectPublicKeyInfo: Buffer;
  /** Extension DERs (see the `*Extension` helpers). */
  extensions: readonly Buffer[];
}

const OID = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  sha256WithRsaEncryption: "1.2.840.113549.1.1.11",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** The certificate, signed by `issuerKey` (an EC or RSA private key), as PEM. */
export function signCertificate(fields: CertificateFields, issuerKey: KeyObject): string {
  // ecdsa-with-SHA256 has no parameters (RFC 5758 §3.2); sha256WithRSAEncryption has NULL (RFC 4055 §5).
  const algorithm =
    issuerKey.asymmetricKeyType === "ec" ? derSequence(derOid(OID.ecdsaWithSha256)) : derSequence(derOid(OID.sha256WithRsaEncryption), derNull());
  const tbs = derSequence(
    derExplicit(0, derUnsignedInteger(Buffer.from([2]))), // v3
    derUnsignedInteger(fields.serial),
    algorithm,
    fields.issuer,
    derSequence(derTime(fields.notBefore), derTime(fields.notAfter)),
    fields.subject,
    fields.subjectPublicKeyInfo,
    derExplicit(3, derSequence(...fields.extensions)),
  );
  // ECDSA signatures come back as the DER Ecdsa-Sig-Value the certificate carries (RFC 5480 §2.2 / 3279 §2.2.3).
  const der = derSequence(tbs, algorithm, derBitString(sign("sha256", tbs, issuerKey)));
  return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`;
}

/** A Name of one attribute per RDN, in order (`CN`, `O`), as UTF8String (RFC 5280 §4.1.2.4). */
export function x509Name(attributes: readonly { commonName?: string; organizationName?: string }[]): Buffer {
  return derSequence(
    ...attributes.flatMap((a) =>
      Object.entries(a).map(([k, v]) => derSet(derSequence(derOid(OID[k as "commonName" | "organizationName"]), derUtf8String(String(v))))),
    ),
  );
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return derSequence(derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(value));
}

/** basicConstraints (RFC 5280 §4.2.1.9): cA TRUE for the CA; a leaf's is empty (cA's default FALSE is not encoded in DER). */
export const basicConstraintsExtension = (ca: boolean, critical: boolean): Buffer =>
  extension(OID.basicConstraints, critical, ca ? derSequence(derBoolean(true)) : derSequence());

/** keyUsage bits (RFC 5280 §4.2.1.3): digitalSignature 0, keyEncipherment 2, keyCertSign 5, cRLSign 6. Always critical. */
export const keyUsageExtension = (bits: readonly number[]): Buffer => extension(OID.keyUsage, true, derNamedBits(bits));

export const serverAuthExtension = (): Buffer => extension(OID.extKeyUsage, false, derSequence(derOid(OID.serverAuth)));

export const subjectKeyIdentifierExtension = (keyId: Buffer): Buffer => extension(OID.subjectKeyIdentifier, false, derOctetString(keyId));

export const authorityKeyIdentifierExtension = (keyId: Buffer): Buffer => extension(OID.authorityKeyIdentifier, false, derSequence(derImplicit(0, keyId)));

/** subjectAltName of DNS names and IP addresses (RFC 5280 §4.2.1.6: dNSName [2], iPAddress [7]). */
export function subjectAltNameExtension(hosts: readonly string[]): Buffer {
  const names = hosts.map((h) => (isIpAddress(h) ? derImplicit(7, ipBytes(h)) : derImplicit(2, Buffer.from(h, "ascii"))));
  return extension(OID.subjectAltName, false, derSequence(...names));
}

export const isIpAddress = (h: string): boolean => isIPv4(h) || h.includes(":");

/** 4 or 16 bytes of an IPv4 / IPv6 address (`::` and a dotted IPv4 tail included). */
function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split(".").map(Number));
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16) || 0, i * 2));
  return out;
}

/**
 * The key identifier of a SubjectPublicKeyInfo: SHA-1 of the subjectPublicKey BIT STRING's bytes
 * (RFC 5280 §4.2.1.2, method 1; what node-forge wrote for the RSA CAs of older versions too).
 */
export function keyIdentifier(subjectPublicKeyInfo: Buffer): Buffer {
  const [, bits] = readDerChildren(readDer(subjectPublicKeyInfo).contents);
  return createHash("sha1").update(bits!.contents.subarray(1)).digest();
}

/** What issuing under a CA needs from its certificate: its subject Name (DER) and its key identifier. */
export function issuerOf(certPem: string): { subject: Buffer; keyId: Buffer } {
  const der = Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const [tbs] = readDerChildren(readDer(der).contents);
  const items = readDerChildren(tbs!.contents);
  // version [0] is present in every v3 certificate: serial, signature, issuer, validity, subject, spki, …
  const at = items[0]!.tag === 0xa0 ? 1 : 0;
  const subject = items[at + 4]!.whole;
  const spki = items[at + 5]!.whole;
  // Prefer the CA's own subjectKeyIdentifier, so a leaf's authorityKeyIdentifier always matches it.
  const extensions = items.find((e) => e.tag === 0xa3);
  for (const ext of extensions ? readDerChildren(readDer(extensions.contents).contents) : []) {
    const [id, ...rest] = readDerChildren(ext.contents);
    if (id!.contents.equals(derOid(OID.subjectKeyIdentifier).subarray(2))) return { subject, keyId: readDer(rest.at(-1)!.contents).contents };
  }
  return { subject, keyId: keyIdentifier(spki) };
}
