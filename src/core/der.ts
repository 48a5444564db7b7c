/**
 * A minimal DER (ITU-T X.690) writer and reader: enough to build and read back X.509
 * certificates without a crypto library (gateway/x509-certificate.ts). Writers take the contents
 * already encoded and return whole TLVs; the reader walks one level of a constructed value.
 */

/** Tag, definite length (short or long form, X.690 §8.1.3), contents. */
export function derTlv(tag: number, ...contents: readonly Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

export const derSequence = (...items: readonly Buffer[]): Buffer => derTlv(0x30, ...items);
export const derSet = (...items: readonly Buffer[]): Buffer => derTlv(0x31, ...items);
export const derOctetString = (bytes: Buffer): Buffer => derTlv(0x04, bytes);
export const derNull = (): Buffer => Buffer.from([0x05, 0x00]);
export const derBoolean = (value: boolean): Buffer => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
export const derUtf8String = (text: string): Buffer => derTlv(0x0c, Buffer.from(text, "utf8"));
/** `[n] EXPLICIT` (context-specific, constructed). */
export const derExplicit = (n: number, inner: Buffer): Buffer => derTlv(0xa0 | n, inner);
/** `[n] IMPLICIT` of a primitive type (context-specific, primitive). */
export const derImplicit = (n: number, bytes: Buffer): Buffer => derTlv(0x80 | n, bytes);

/** A BIT STRING of whole bytes (a key, a signature): no unused bits. */
export const derBitString = (bytes: Buffer): Buffer => derTlv(0x03, Buffer.from([0]), bytes);

/**
 * A BIT STRING of named bits (keyUsage, RFC 5280 §4.2.1.3): bit 0 is the first byte's top bit;
 * DER drops trailing zero bits and counts the unused ones (X.690 §11.2.2).
 */
export function derNamedBits(bits: readonly number[]): Buffer {
  const top = Math.max(...bits);
  const bytes = Buffer.alloc((top >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return derTlv(0x03, Buffer.from([7 - (top & 7)]), bytes);
}

/** A non-negative INTEGER from big-endian bytes: leading zeros dropped, a zero prepended when the top bit is set (X.690 §8.3.2). */
export function derUnsignedInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return derTlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** An OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return derTlv(0x06, Buffer.from(out));
}

/** UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5), to the second, in UTC. */
export function derTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-12-01T20:08:48.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  const year = date.getUTCFullYear();
  return year < 2050 ? derTlv(0x17, Buffer.from(`${digits.slice(2)}Z`, "ascii")) : derTlv(0x18, Buffer.from(`${digits}Z`, "ascii"));
}

/** One TLV read at `offset`: its tag, its contents and the whole encoding. */
export interface DerElement {
  tag: number;
  contents: Buffer;
  whole: Buffer;
}

/** The TLV at `offset` of `der` (definite lengths only, as DER has). Throws on a truncated value. */
export function readDer(der: Buffer, offset = 0): DerElement {
  const tag = der[offset]!;
  let len = der[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error("DER: unsupported length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > der.length) throw new Error("DER: truncated value");
  return { tag, contents: der.subarray(offset + head, end), whole: der.subarray(offset, end) };
}

/** The elements inside a constructed value's contents (a SEQUENCE's items). */
export function readDerChildren(contents: Buffer): DerElement[] {
  const out: DerElement[] = [];
  for (let at = 0; at < contents.length;) {
    const e = readDer(contents, at);
    out.push(e);
    at += e.whole.length;
  }
  return out;
}
