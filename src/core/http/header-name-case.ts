/**
 * HTTP/1.1 field-name spelling. Names are case-insensitive (RFC 9110 §5.1) and kept lower-case
 * inside; where AWS writes a particular spelling on the wire (CloudFront writes the names an edge
 * function set with each hyphen-separated word capitalised, cloudfront.md §13.2, §14.2), a map
 * from the lower-case name to that spelling is applied when the message is written.
 */

/** `x-forwarded-for` → `X-Forwarded-For`. */
export function titleCaseHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Spellings already worked out: header names repeat from request to request (bounded, so odd names cannot grow it). */
const SPELLED = new Map<string, string>();
const SPELLED_CAP = 2048;

/** The Title-Case spelling of each name (HTTP/2 pseudo-headers and names without letters to raise are left out). */
export function titleCaseNames(names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of names) {
    if (name.charCodeAt(0) === 58) continue;
    let spelled = SPELLED.get(name);
    if (spelled === undefined) {
      spelled = titleCaseHeaderName(name);
      if (SPELLED.size < SPELLED_CAP) SPELLED.set(name, spelled);
    }
    if (spelled !== name) out.set(name, spelled);
  }
  return out;
}

const ONE_NAME = new Map<string, ReadonlyMap<string, string>>();
const NO_SPELLING: ReadonlyMap<string, string> = new Map();

/** titleCaseNames of one name, shared (read-only): the usual edge-function edit sets one header on every request. */
export function titleCaseNameOf(name: string): ReadonlyMap<string, string> {
  let m = ONE_NAME.get(name);
  if (m === undefined) {
    const spelled = titleCaseNames([name]);
    m = spelled.size === 0 ? NO_SPELLING : spelled;
    if (ONE_NAME.size < SPELLED_CAP) ONE_NAME.set(name, m);
  }
  return m;
}

/** A copy of `headers` with each name `spelling` knows written its way; the others as they are. */
export function withWireNames<V>(headers: Readonly<Record<string, V>>, spelling: ReadonlyMap<string, string>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const name in headers) out[spelling.get(name) ?? name] = headers[name]!;
  return out;
}
