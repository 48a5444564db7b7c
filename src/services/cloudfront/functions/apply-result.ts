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
  const m = map as Record<string, unknown>;
  for (const name of Object.keys(m)) {
    const entry = m[name] as Record<string, unknown> | null | undefined;
    if (entry === null || typeof entry !== "object") fail(`${what}.${name} must be an object with a value`);
    const multi = entry!.multiValue;
    if (multi === undefined || multi === null) {
      out.set(name, [readValue(entry, what, name, "", withAttributes)]);
      continue;
    }
    if (!Array.isArray(multi)) fail(`${what}.${name}.multiValue must be an array`);
    const values = (multi as unknown[]).map((x, i) => readValue(x, what, name, `.multiValue[${i}]`, withAttributes));
    const was = before?.get(name);
    const multiEdited = was === undefined || was.multi !== JSON.stringify(multi);
    if (!multiEdited && typeof entry!.value === "string" && entry!.value !== was.value && values.length > 0) {
      values[0] = withAttributes ? { value: entry!.value, attributes: values[0]!.attributes ?? "" } : { value: entry!.value };
    }
    out.set(name, values);
  }
  return out;
}

function readValue(x: unknown, what: string, name: string, at: string, withAttributes: boolean): { value: string; attributes?: string } {
  const e = x as { value?: unknown; attributes?: unknown } | null;
  if (e === null || typeof e !== "object" || typeof e.value !== "string") return fail(`${what}.${name}${at}.value must be a string`);
  if (!withAttributes) return { value: e.value };
  if (e.attributes !== undefined && typeof e.attributes !== "string") fail(`${what}.${name}${at}.attributes must be a string`);
  return { value: e.value, attributes: (e.attributes as string | undefined) ?? "" };
}

/** The request a viewer-request function continues with (§13.3), checked against §14.4. */
export interface RequestChanges {
  uri: string;
  query: string;
  headers: HeaderValues;
  cookie: string | undefined;
  isCookieEdited: boolean;
}

/** The request as the event carried it, taken before the function ran (it edits the event in place). */
export interface RequestSnapshot {
  method: string;
  headers: MapSnapshot;
  cookies: MapSnapshot;
  querystring: MapSnapshot;
  /** The query string as received. */
  query: string;
  /** The event's querystring and cookies maps serialized as readRequest serializes the function's. */
  querySerialized: string;
  cookieSerialized: string | undefined;
}

export function snapshotRequest(event: FunctionEvent, query: string): RequestSnapshot {
  const r = event.request;
  const querystring = snapshotMap(r.querystring);
  const cookies = snapshotMap(r.cookies);
  return {
    method: r.method,
    headers: snapshotMap(r.headers),
    cookies,
    querystring,
    query,
    querySerialized: querystring.size === 0 ? "" : serializeQuery(readEventMap(r.querystring, "", querystring)),
    cookieSerialized: cookies.size === 0 ? undefined : serializeCookies(readEventMap(r.cookies, "", cookies)),
  };
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
  const cookie = serializeCookies(readEventMap(out.cookies, "request.cookies", snapshots.cookies));
  const query = serializeQuery(readEventMap(out.querystring, "request.querystring", snapshots.querystring));
  // An untouched query string goes on exactly as the viewer sent it.
  return {
    uri: uri as string,
    query: query === snapshots.querySerialized ? snapshots.query : query,
    headers,
    cookie,
    isCookieEdited: cookie !== snapshots.cookieSerialized,
  };
}

function serializeCookies(cookies: Map<string, { value: string }[]>): string | undefined {
  if (cookies.size === 0) return undefined;
  const parts: string[] = [];
  for (const [name, values] of cookies) for (const v of values) parts.push(`${name}=${v.value}`);
  return parts.join("; ");
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
    let list = out.get(lower);
    if (list === undefined) out.set(lower, (list = []));
    for (const v of values) list.push(v.value);
  }
  return out;
}

const NOT_TOKEN = /[^!#$%&'*+\-.^_`|~0-9a-z]/;
const BREAKS = /[\0\r\n]/;

/** §14.4: disallowed headers may not appear; read-only ones may not change, appear or go. */
function checkHeaderEdits(event: FunctionEventType, headers: HeaderValues, before: MapSnapshot): void {
  const readOnly = READ_ONLY_HEADERS[event];
  for (const [name, values] of headers) {
    if (isDisallowedHeader(name)) fail(`header ${name} is not allowed in ${event} functions`);
    if (NOT_TOKEN.test(name)) fail(`header name ${JSON.stringify(name)} is not a valid HTTP field name`);
    for (const v of values) if (BREAKS.test(v)) fail(`header ${name} has a value with a line break or NUL`);
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
