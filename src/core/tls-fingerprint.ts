import { createHash } from "node:crypto";

/**
 * JA3 and JA4 fingerprints of a TLS ClientHello, as CloudFront sends them in
 * CloudFront-Viewer-JA3-Fingerprint / -JA4-Fingerprint (cloudfront.md §7.4). Pure functions of
 * the raw bytes the gateway captured (ConnectionInfo.clientHello): one or more TLS records of type
 * handshake carrying the ClientHello message.
 *
 * JA3 (Salesforce): MD5 of `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`,
 * decimal values joined by `-`, GREASE values (RFC 8701) removed, extensions in wire order.
 * JA4 (FoxIO, technical_details/JA4.md): `t` + TLS version (highest supported_versions, else the
 * hello's version) + `d`/`i` (SNI or not) + 2-digit cipher and extension counts + first/last
 * character of the first ALPN, `_` + 12 hex of SHA-256 over the sorted cipher list, `_` + 12 hex of
 * SHA-256 over the sorted extensions without SNI and ALPN, then `_` and the signature algorithms in
 * wire order.
 */
export interface ClientHelloFields {
  /** legacy_version of the ClientHello (0x0303 for TLS 1.2 and 1.3). */
  version: number;
  ciphers: number[];
  /** Extension types in wire order. */
  extensions: number[];
  /** supported_groups (10). */
  groups: number[];
  /** ec_point_formats (11). */
  pointFormats: number[];
  /** signature_algorithms (13), wire order. */
  signatureAlgorithms: number[];
  /** supported_versions (43). */
  supportedVersions: number[];
  /** First ALPN protocol name (16), raw bytes; undefined when absent. */
  firstAlpn: Buffer | undefined;
  hasSni: boolean;
}

/** RFC 8701: 0x?a?a with equal bytes. */
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

/** Reads the ClientHello out of its record(s); undefined when the bytes are not one. */
export function parseClientHello(records: Buffer): ClientHelloFields | undefined {
  // Join handshake fragments: a large hello (post-quantum key shares) spans several records.
  const parts: Buffer[] = [];
  for (let i = 0; i + 5 <= records.length;) {
    if (records[i] !== 22) return undefined;
    const len = records.readUInt16BE(i + 3);
    parts.push(records.subarray(i + 5, i + 5 + len));
    i += 5 + len;
  }
  const hs = Buffer.concat(parts);
  if (hs.length < 4 || hs[0] !== 1) return undefined;
  const end = Math.min(hs.length, 4 + hs.readUIntBE(1, 3));
  let p = 4;
  const need = (n: number) => {
    if (p + n > end) throw new RangeError("truncated ClientHello");
  };
  try {
    need(34);
    const version = hs.readUInt16BE(p);
    p += 34;
    need(1);
    p += 1 + hs[p]!;
    need(2);
    const cipherLen = hs.readUInt16BE(p);
    p += 2;
    need(cipherLen);
    const ciphers: number[] = [];
    for (let i = 0; i < cipherLen; i += 2) ciphers.push(hs.readUInt16BE(p + i));
    p += cipherLen;
    need(1);
    p += 1 + hs[p]!;
    const out: ClientHelloFields = {
      version,
      ciphers,
      extensions: [],
      groups: [],
      pointFormats: [],
      signatureAlgorithms: [],
      supportedVersions: [],
      firstAlpn: undefined,
      hasSni: false,
    };
    if (p + 2 > end) return out;
    const extEnd = Math.min(end, p + 2 + hs.readUInt16BE(p));
    p += 2;
    while (p + 4 <= extEnd) {
      const type = hs.readUInt16BE(p);
      const len = hs.readUInt16BE(p + 2);
      const data = hs.subarray(p + 4, Math.min(extEnd, p + 4 + len));
      p += 4 + len;
      out.extensions.push(type);
      if (type === 0) out.hasSni = true;
      else if (type === 10) out.groups = u16List(data, 2);
      else if (type === 11) out.pointFormats = [...data.subarray(1, 1 + (data[0] ?? 0))];
      else if (type === 13) out.signatureAlgorithms = u16List(data, 2);
      else if (type === 43) out.supportedVersions = u16List(data, 1);
      else if (type === 16 && data.length >= 3) out.firstAlpn = data.subarray(3, 3 + data[2]!);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** A list of 16-bit values after a length prefix of `prefix` bytes. */
function u16List(data: Buffer, prefix: 1 | 2): number[] {
  if (data.length < prefix) return [];
  const len = prefix === 2 ? data.readUInt16BE(0) : data[0]!;
  const out: number[] = [];
  for (let i = prefix; i + 1 < Math.min(data.length, prefix + len); i += 2) out.push(data.readUInt16BE(i));
  return out;
}

/** The JA3 string before hashing. */
export function ja3Text(h: ClientHelloFields): string {
  const list = (v: number[]) => v.filter((x) => !isGrease(x)).join("-");
  return `${h.version},${list(h.ciphers)},${list(h.extensions)},${list(h.groups)},${h.pointFormats.join("-")}`;
}

export function ja3(h: ClientHelloFields): string {
  return createHash("md5").update(ja3Text(h)).digest("hex");
}

const VERSION_LABELS: Record<number, string> = { 0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2" };
const hex4 = (v: number) => v.toString(16).padStart(4, "0");
const sha12 = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 12);
const count2 = (n: number) => String(Math.min(n, 99)).padStart(2, "0");

/** JA4's three parts before hashing (`JA4_r`), for tests and debugging. */
export function ja4Raw(h: ClientHelloFields): { a: string; ciphers: string; extensions: string } {
  const ciphers = h.ciphers.filter((v) => !isGrease(v));
  const extensions = h.extensions.filter((v) => !isGrease(v));
  const versions = h.supportedVersions.filter((v) => !isGrease(v));
  const version = versions.length > 0 ? Math.max(...versions) : h.version;
  const a = `t${VERSION_LABELS[version] ?? "00"}${h.hasSni ? "d" : "i"}${count2(ciphers.length)}${count2(extensions.length)}${alpnChars(h.firstAlpn)}`;
  const sortedCiphers = ciphers.map(hex4).sort().join(",");
  const sortedExt = extensions
    .filter((v) => v !== 0x0000 && v !== 0x0010)
    .map(hex4)
    .sort()
    .join(",");
  const sigs = h.signatureAlgorithms.map(hex4).join(",");
  return { a, ciphers: sortedCiphers, extensions: sigs === "" ? sortedExt : `${sortedExt}_${sigs}` };
}

export function ja4(h: ClientHelloFields): string {
  const r = ja4Raw(h);
  const b = r.ciphers === "" ? "000000000000" : sha12(r.ciphers);
  const c = r.extensions === "" || r.extensions.startsWith("_") ? "000000000000" : sha12(r.extensions);
  return `${r.a}_${b}_${c}`;
}

/** First and last character of the first ALPN value; their hex digits when not alphanumeric; `00` when none. */
function alpnChars(alpn: Buffer | undefined): string {
  if (alpn === undefined || alpn.length === 0) return "00";
  const first = alpn[0]!;
  const last = alpn[alpn.length - 1]!;
  const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first) + String.fromCharCode(last);
  const hex = alpn.toString("hex");
  return hex[0]! + hex[hex.length - 1]!;
}
