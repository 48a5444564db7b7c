/**
 * Node hands header values over as latin1 strings (one char per byte). S3 reads header bytes as
 * UTF-8, both for the SigV4 canonical request and for what it stores, so a UTF-8 client's `é`
 * (bytes C3 A9) must become "é" again, not "Ã©" (which SigV4 would UTF-8-encode a second time).
 * Bytes that are not valid UTF-8 keep their latin1 reading: that is what Node clients send for
 * U+0080–U+00FF (one byte each) while signing the character's UTF-8 form.
 */
const NON_ASCII = /[\u0080-\uffff]/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function decodeHeaderText(latin1: string): string {
  if (!NON_ASCII.test(latin1)) return latin1;
  for (let i = 0; i < latin1.length; i++) if (latin1.charCodeAt(i) > 0xff) return latin1; // not a wire string
  try {
    return UTF8.decode(Buffer.from(latin1, "latin1"));
  } catch {
    return latin1;
  }
}

/** The wire form of a text value (its UTF-8 bytes as a latin1 string), for values that arrive elsewhere (query, form). */
export function encodeHeaderText(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

/**
 * A stored metadata value as S3 returns it: ASCII as is, anything else UTF-8 then RFC 2047
 * base64 (`=?UTF-8?B?…?=`), so the header stays US-ASCII (UG UsingMetadata, "User-defined object metadata").
 */
export function mailSafeHeaderValue(text: string): string {
  return NON_ASCII.test(text) ? `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=` : text;
}
