import { titleCaseHeaderName } from "../../../core/http/header-name-case.js";
import { isDisallowedHeader } from "./disallowed-headers.js";
import { BAD_HEADER_ENTRY, BAD_HEADER_NAME, ValidationFailure } from "./validation-failure.js";

/**
 * Headers as Lambda@Edge sees them (cloudfront.md §14.2): lower-case name → entries in arrival
 * order, each `{ key, value }` with `key` the name as sent. Disallowed headers (§14.4) are left
 * out. On the way back a missing `key` is fine (CloudFront writes the name in Title-Case).
 */
export interface CfHeader {
  key?: string;
  value: string;
}
export type CfHeaders = Record<string, CfHeader[]>;
export type NodeHeaders = Record<string, string | string[]>;

/** From a request's rawHeaders (name, value, name, value…); HTTP/2's `:authority` becomes `host`. */
export function cfHeadersFromRaw(raw: readonly string[]): CfHeaders {
  const out: CfHeaders = {};
  let authority: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.charCodeAt(0) === 58 /* ':' */) {
      if (key === ":authority") authority = raw[i + 1]!;
      continue;
    }
    const name = key.toLowerCase();
    if (isDisallowedHeader(name)) continue;
    (out[name] ??= []).push({ key, value: raw[i + 1]! });
  }
  if (authority !== undefined && out["host"] === undefined) out["host"] = [{ key: "Host", value: authority }];
  return out;
}

/** From a lower-case header record; `casing` gives a name's original spelling, else Title-Case. */
export function cfHeadersFromRecord(headers: Readonly<NodeHeaders>, casing?: ReadonlyMap<string, string>): CfHeaders {
  const out: CfHeaders = {};
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 || isDisallowedHeader(name)) continue;
    const v = headers[name]!;
    const key = casing?.get(name) ?? titleCase(name);
    out[name] = (Array.isArray(v) ? v : [v]).map((value) => ({ key, value }));
  }
  return out;
}

/** The name spellings of a request's rawHeaders, by lower-case name. */
export function casingOf(raw: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) m.set(raw[i]!.toLowerCase(), raw[i]!);
  return m;
}

/** `x-forwarded-for` → `X-Forwarded-For` (core/http/header-name-case.ts). */
export const titleCase = titleCaseHeaderName;

/** Checks a function's headers object (§14.2 shape) and returns it typed; a breach is a 502. */
export function parseCfHeaders(v: unknown): CfHeaders {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new ValidationFailure(BAD_HEADER_ENTRY);
  const out: CfHeaders = {};
  for (const [name, entries] of Object.entries(v as Record<string, unknown>)) {
    if (name !== name.toLowerCase() || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new ValidationFailure(BAD_HEADER_NAME);
    if (!Array.isArray(entries)) throw new ValidationFailure(BAD_HEADER_ENTRY);
    out[name] = entries.map((e: unknown) => {
      const o = e as { key?: unknown; value?: unknown } | null;
      if (o === null || typeof o !== "object" || typeof o.value !== "string" || /[\r\n\0]/.test(o.value)) throw new ValidationFailure(BAD_HEADER_ENTRY);
      if (o.key !== undefined && (typeof o.key !== "string" || o.key.toLowerCase() !== name)) throw new ValidationFailure(BAD_HEADER_NAME);
      return o.key === undefined ? { value: o.value } : { key: o.key, value: o.value };
    });
  }
  return out;
}

/**
 * Back to a Node header record: several entries of one name stay separate for Set-Cookie, are
 * joined with "; " for Cookie (RFC 6265 §5.4) and with ", " otherwise (RFC 9110 §5.3).
 */
export function nodeHeadersFromCf(cf: CfHeaders): NodeHeaders {
  const out: NodeHeaders = {};
  for (const name in cf) {
    const values = cf[name]!.map((e) => e.value);
    if (values.length === 0) continue;
    if (values.length === 1) out[name] = values[0]!;
    else out[name] = name === "set-cookie" ? values : values.join(name === "cookie" ? "; " : ", ");
  }
  return out;
}

/**
 * How CloudFront spells each name on HTTP/1.1 (cloudfront.md §14.2): the entry's `key`, or the
 * name in Title-Case when the function gave none. Only names spelt otherwise than lower-case.
 */
export function wireNamesOfCf(cf: CfHeaders): Map<string, string> {
  const out = new Map<string, string>();
  for (const name in cf) {
    const key = cf[name]![0]?.key ?? titleCaseHeaderName(name);
    if (key !== name) out.set(name, key);
  }
  return out;
}

/** Bytes of the headers as a response would carry them (`Name: value\r\n`), for the size limits of §14.3. */
export function headerBytes(cf: CfHeaders): number {
  let n = 0;
  for (const name in cf) for (const e of cf[name]!) n += Buffer.byteLength(name) + 2 + Buffer.byteLength(e.value) + 2;
  return n;
}
