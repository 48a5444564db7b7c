import type { EventMap, FunctionEvent, ResponseCookieValue } from "./event.js";
import { isDisallowedHeader, READ_ONLY_HEADERS, VIEWER_REQUEST_RESERVED } from "./header-rules.js";
import type { FunctionEventType, FunctionRuntime } from "./function-runtime.js";

/**
 * What a function's return value asks of CloudFront (cloudfront.md §13.3), checked as CloudFront
 * checks it: a request to continue with, or a response (generated in viewer-request, the
 * modified response in viewer-response). A value CloudFront cannot use — not an object, a header
 * that is not `{ value }`, a disallowed or read-only header changed (§14.4), a `uri` without its
 * leading `/`, invalid base64 — is a validation error, never a partial change.
 */
export class FunctionValidationError extends Error {}

/** Names → values, repeats in order; what the edge writes back. */
export type HeaderValues = Map<string, string[]>;

/** What one map looked like in the event, to tell an edited `value` from an edited `multiValue` (§13.2). */
export type MapSnapshot = Map<string, { value: string; multi: string | undefined }>;

export function snapshotMap(map: Readonly<Record<string, { value: string; multiValue?: unknown }>>): MapSnapshot {
  const out: MapSnapshot = new Map();
  for (const name in map) {
    const e = map[name]!;
    out.set(name, { value: e.value, multi: e.multiValue === undefined ? undefined : JSON.stringify(e.multiValue) });
  }
  return out;
}

const fail = (message: string): never => {
  throw new FunctionValidationError(message);
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * §13.2 multiValue rule: an edited `multiValue` wins (its first element is the value); otherwise
 * an edited `value` replaces the first of the repeats.
 */
export function readEventMap(
  map: unknown,
  what: string,
  before: MapSnapshot | undefined,
  withAttributes = false,
): Map<string, { value: string; attributes?: string }[]> {
  const out = new Map<string, { value: string; attributes?: string }[]>();
  if (map === undefined || map === null) return out;
  if (!isObject(map)) fail(`${what} must be an object`);
  for (const name in map as Record<string, unknown>) {
    const e = (map as Record<string, unknown>)[name];
    if (!isObject(e)) fail(`${what}.${name} must be an object with a value`);
    const entry = e as Record<string, unknown>;
    const read = (x: unknown, at: string) => {
      if (!isObject(x) || typeof x.value !== "string") return fail(`${what}.${name}${at}.value must be a string`);
      if (withAttributes && x.attributes !== undefined && typeof x.attributes !== "string") fail(`${what}.${name}${at}.attributes must be a string`);
      return withAttributes ? { value: x.value, attributes: (x.attributes as string | undefined) ?? "" } : { value: x.value };
    };
    const multi = entry.multiValue;
    const was = before?.get(name);
    if (multi !== undefined && multi !== null) {
      if (!Array.isArray(multi)) fail(`${what}.${name}.multiValue must be an array`);
      const values = (multi as unknown[]).map((m, i) => read(m, `.multiValue[${i}]`));
      const multiEdited = was === undefined || was.multi !== JSON.stringify(multi);
      if (!multiEdited && typeof entry.value === "string" && entry.value !== was.value && values.length > 0) {
        values[0] = withAttributes ? { value: entry.value, attributes: values[0]!.attributes ?? "" } : { value: entry.value };
      }
      out.set(name, values);
    } else {
      out.set(name, [read(entry, "")]);
    }
  }
  return out;
}

/** The request a viewer-request function continues with (§13.3), checked against §14.4. */
export interface RequestChanges {
  uri: string;
  query: string;
  headers: HeaderValues;
  cookie: string | undefined;
}

/** The request as the event carried it, taken before the function ran (it edits the event in place). */
export interface RequestSnapshot {
  method: string;
  headers: MapSnapshot;
  cookies: MapSnapshot;
  querystring: MapSnapshot;
  /** The query string as received. */
  query: string;
}

export function snapshotRequest(event: FunctionEvent, query: string): RequestSnapshot {
  const r = event.request;
  return { method: r.method, headers: snapshotMap(r.headers), cookies: snapshotMap(r.cookies), querystring: snapshotMap(r.querystring), query };
}

/** A snapshot as the values it held, repeats in order. */
export function snapshotValues(s: MapSnapshot): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, e] of s) out.set(name, e.multi === undefined ? [e.value] : (JSON.parse(e.multi) as { value: string }[]).map((m) => m.value));
  return out;
}

export function readRequest(out: Record<string, unknown>, snapshots: RequestSnapshot): RequestChanges {
  if (out.method !== undefined && out.method !== snapshots.method) fail("request.method is read-only");
  const uri = out.uri;
  if (typeof uri !== "string" || !uri.startsWith("/")) fail("request.uri must be a string that starts with /");
  const headers = toHeaderValues(readEventMap(out.headers, "request.headers", snapshots.headers));
  checkHeaderEdits("viewer-request", headers, snapshots.headers);
  for (const name of VIEWER_REQUEST_RESERVED)
    if (headers.has(name) && snapshots.headers.get(name)?.value !== headers.get(name)![0])
      fail(`request.headers.${name} cannot be added by a viewer-request function`);
  const cookies = readEventMap(out.cookies, "request.cookies", snapshots.cookies);
  const qs = readEventMap(out.querystring, "request.querystring", snapshots.querystring);
  const query = serializeQuery(qs);
  // An untouched query string goes on exactly as the viewer sent it.
  const sameQuery = query === serializeQuery(new Map([...snapshotValues(snapshots.querystring)].map(([n, vs]) => [n, vs.map((value) => ({ value }))])));
  const cookieParts: string[] = [];
  for (const [name, values] of cookies) for (const v of values) cookieParts.push(`${name}=${v.value}`);
  return { uri: uri as string, query: sameQuery ? snapshots.query : query, headers, cookie: cookieParts.length ? cookieParts.join("; ") : undefined };
}

function serializeQuery(qs: Map<string, { value: string }[]>): string {
  const parts: string[] = [];
  for (const [name, values] of qs) for (const v of values) parts.push(v.value === "" ? name : `${name}=${v.value}`);
  return parts.join("&");
}

function toHeaderValues(m: Map<string, { value: string }[]>): HeaderValues {
  const out: HeaderValues = new Map();
  for (const [name, values] of m) {
    const lower = name.toLowerCase();
    out.set(lower, [...(out.get(lower) ?? []), ...values.map((v) => v.value)]);
  }
  return out;
}

/** §14.4: disallowed headers may not appear; read-only ones may not change, appear or go. */
function checkHeaderEdits(event: FunctionEventType, headers: HeaderValues, before: MapSnapshot): void {
  const readOnly = READ_ONLY_HEADERS[event];
  for (const name of headers.keys()) {
    if (isDisallowedHeader(name)) fail(`header ${name} is not allowed in ${event} functions`);
    if (/[^!#$%&'*+\-.^_`|~0-9a-z]/.test(name)) fail(`header name ${JSON.stringify(name)} is not a valid HTTP field name`);
    for (const v of headers.get(name)!) if (/[\0\r\n]/.test(v)) fail(`header ${name} has a value with a line break or NUL`);
  }
  for (const name of readOnly) {
    const was = before.get(name);
    const now = headers.get(name);
    if (was === undefined && now === undefined) continue;
    if (was === undefined || now === undefined || now[0] !== was.value) fail(`header ${name} is read-only in ${event} functions`);
  }
}

/** A response object from a function (§13.3): generated in viewer-request, the viewer's in viewer-response. */
export interface ResponseChanges {
  status: number;
  statusMessage: string | undefined;
  headers: HeaderValues;
  setCookies: string[];
  /** undefined: keep the body (viewer-response); a Buffer: the new body. */
  body: Buffer | undefined;
}

export function readResponse(
  out: Record<string, unknown>,
  event: FunctionEventType,
  runtime: FunctionRuntime,
  before: { headers: MapSnapshot; cookies: MapSnapshot } | undefined,
): ResponseChanges {
  const status = out.statusCode;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599) fail("response.statusCode must be an integer HTTP status");
  const description = out.statusDescription;
  if (description !== undefined && typeof description !== "string") fail("response.statusDescription must be a string");
  if (typeof description === "string" && /[\r\n]/.test(description)) fail("response.statusDescription must be one line");
  const headers = toHeaderValues(readEventMap(out.headers, "response.headers", before?.headers));
  checkHeaderEdits(event === "viewer-request" ? "viewer-response" : event, headers, before?.headers ?? new Map());
  const cookies = readEventMap(out.cookies, "response.cookies", before?.cookies, true);
  const setCookies: string[] = [];
  for (const [name, values] of cookies)
    for (const v of values as { value: string; attributes?: string }[])
      setCookies.push(v.attributes ? `${name}=${v.value}; ${v.attributes}` : `${name}=${v.value}`);
  // §13.2: body is a string (text) or { encoding: text|base64, data }. Viewer-response bodies are 2.0's.
  let body: Buffer | undefined;
  const b = out.body;
  if (b !== undefined && (event === "viewer-request" || runtime === "cloudfront-js-2.0")) {
    if (typeof b === "string") body = Buffer.from(b, "utf8");
    else if (isObject(b) && typeof b.data === "string") {
      const encoding = b.encoding ?? "text";
      if (encoding === "text") body = Buffer.from(b.data, "utf8");
      else if (encoding === "base64") {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b.data) || b.data.length % 4 !== 0) fail("response.body.data is not valid base64");
        body = Buffer.from(b.data, "base64");
      } else fail('response.body.encoding must be "text" or "base64"');
    } else fail("response.body must be a string or { encoding, data }");
  } else if (event === "viewer-request") body = Buffer.alloc(0);
  return { status: status as number, statusMessage: description as string | undefined, headers, setCookies, body };
}

/** The event's response maps with cookies, as snapshots for the edit rules. */
export function snapshotResponse(headers: EventMap, cookies: Record<string, ResponseCookieValue>): { headers: MapSnapshot; cookies: MapSnapshot } {
  return { headers: snapshotMap(headers), cookies: snapshotMap(cookies) };
}
