import type { EventMap, FunctionEvent, ResponseCookieValue } from "./event.js";
import { isDisallowedHeader, READ_ONLY_HEADERS, VIEWER_REQUEST_RESERVED } from "./header-rules.js";
import type { FunctionEventType, FunctionRuntime } from "./function-runtime.js";
import { HeaderList } from "./header-list.js";
import { indexNames, searchInPlace } from "./named-slots.js";

/**
 * What a function's return value asks of CloudFront (cloudfront.md §13.3), checked as CloudFront
 * checks it: a request to continue with, or a response (generated in viewer-request, the
 * modified response in viewer-response). A value CloudFront cannot use — not an object, a header
 * that is not `{ value }`, a disallowed or read-only header changed (§14.4), a `uri` without its
 * leading `/`, invalid base64 — is a validation error, never a partial change.
 */
export class FunctionValidationError extends Error {}

/** Names → values, repeats in order; what the edge writes back. */
export type HeaderValues = HeaderList;

/** One repeat of a name as the event carried it. */
interface Repeat {
  value: string;
  attributes?: string;
}

/**
 * One name of an event map as the function got it: its entry object (an untouched entry is the
 * same object with the same value and repeats, which is how most of a map is told unchanged in a
 * few comparisons), its value, and a copy of its repeats, to tell an edited `value` from an
 * edited `multiValue` (§13.2).
 */
interface Original {
  entry: unknown;
  value: string;
  multi: unknown;
  repeats: Repeat[] | undefined;
}

/**
 * What one map looked like in the event, kept as parallel arrays in the map's own key order (no
 * object per name, no Map until a changed map needs lookups by name): a function that leaves a
 * map alone — the usual case — is told by walking its keys in the same order (for…in order of an
 * object's string keys is their insertion order, so the same object with the same keys walks the
 * same way; anything else falls back to lookups by name, which are always right).
 */
export class MapSnapshot {
  /** Per name, STRIDE slots: name, entry, value, multiValue, a copy of its repeats (one array: one allocation per map). */
  #slots: unknown[] = NO_SLOTS;
  #index: Map<string, number> | undefined;

  get size(): number {
    return this.#slots.length / STRIDE;
  }

  add(name: string, e: { value: string; multiValue?: readonly Repeat[] }): void {
    const multi = e.multiValue;
    const repeats = multi === undefined ? undefined : multi.map((r) => ({ ...r }));
    // The first name makes a list of exactly its slots (a push into an empty list reserves 17).
    if (this.#slots === NO_SLOTS) this.#slots = [name, e, e.value, multi, repeats];
    else this.#slots.push(name, e, e.value, multi, repeats);
  }

  nameAt(i: number): string {
    return this.#slots[i * STRIDE] as string;
  }

  /** The name's place, or -1. `hint`: where it is expected (the walk's position); checked first. */
  indexOf(name: string, hint = -1): number {
    const slots = this.#slots;
    if (hint >= 0 && hint * STRIDE < slots.length && slots[hint * STRIDE] === name) return hint;
    const at = searchInPlace(slots, STRIDE, name);
    if (at !== undefined) return at;
    return (this.#index ??= indexNames(slots, STRIDE)).get(name) ?? -1;
  }

  get(name: string): Original | undefined {
    const i = this.indexOf(name);
    return i === -1 ? undefined : this.at(i);
  }

  at(i: number): Original {
    const s = this.#slots;
    const o = i * STRIDE;
    return { entry: s[o + 1], value: s[o + 2] as string, multi: s[o + 3], repeats: s[o + 4] as Repeat[] | undefined };
  }

  /** The entry at place i is the event's own, untouched. */
  isUntouchedAt(i: number, entry: unknown): boolean {
    const s = this.#slots;
    const o = i * STRIDE;
    if (entry !== s[o + 1]) return false;
    const e = entry as { value: unknown; multiValue?: unknown };
    const multi = s[o + 3];
    return e.value === s[o + 2] && e.multiValue === multi && (multi === undefined || isSameMulti(multi as unknown[], s[o + 4] as Repeat[]));
  }

  /** The values as the event had them (readEventMap's shape for an untouched map). */
  valuesAt(i: number): { value: string }[] {
    const s = this.#slots;
    const o = i * STRIDE;
    return (s[o + 4] as Repeat[] | undefined) ?? [{ value: s[o + 2] as string }];
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.nameAt(i);
  }
}

const STRIDE = 5;
const NO_SLOTS: unknown[] = Object.freeze([]) as unknown as unknown[];
const EMPTY_SNAPSHOT = new MapSnapshot();

export function snapshotMap(map: Readonly<Record<string, { value: string; multiValue?: readonly Repeat[] }>>): MapSnapshot {
  let out: MapSnapshot | undefined;
  for (const name in map) (out ??= new MapSnapshot()).add(name, map[name]!);
  return out ?? EMPTY_SNAPSHOT;
}

/** The `multiValue` a function returned holds what the event's did (by value and attributes). */
function isSameMulti(multi: readonly unknown[], repeats: readonly Repeat[] | undefined): boolean {
  if (repeats === undefined || multi.length !== repeats.length) return false;
  for (let i = 0; i < multi.length; i++) {
    const m = multi[i] as Repeat | null;
    if (m === null || typeof m !== "object" || m.value !== repeats[i]!.value || m.attributes !== repeats[i]!.attributes) return false;
  }
  return true;
}

/** Whether the function left a map exactly as the event had it: same names, untouched entries. The common case, checked first. */
function isMapUntouched(map: unknown, before: MapSnapshot): boolean {
  if (map === undefined || map === null) return before.size === 0;
  if (!isObject(map)) return false;
  const m = map as Record<string, unknown>;
  let i = 0;
  for (const name in m) {
    const at = before.indexOf(name, i);
    if (at === -1 || !before.isUntouchedAt(at, m[name])) return false;
    i++;
  }
  return i === before.size;
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
  for (const name of Object.keys(m)) out.set(name, readEntry(m[name], what, name, before?.get(name), withAttributes));
  return out;
}

/** One entry of a map the function returned: its values, by the multiValue rule of §13.2. */
function readEntry(x: unknown, what: string, name: string, was: Original | undefined, withAttributes: boolean): Repeat[] {
  const entry = x as Record<string, unknown> | null | undefined;
  if (entry === null || typeof entry !== "object") fail(`${what}.${name} must be an object with a value`);
  const multi = entry!.multiValue;
  if (multi === undefined || multi === null) return [readValue(entry, what, name, "", withAttributes)];
  if (!Array.isArray(multi)) fail(`${what}.${name}.multiValue must be an array`);
  const values = (multi as unknown[]).map((x, i) => readValue(x, what, name, `.multiValue[${i}]`, withAttributes));
  const multiEdited = was === undefined || !isSameMulti(multi as unknown[], was.repeats);
  if (!multiEdited && typeof entry!.value === "string" && entry!.value !== was.value && values.length > 0) {
    values[0] = withAttributes ? { value: entry!.value, attributes: values[0]!.attributes ?? "" } : { value: entry!.value };
  }
  return values;
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
  /** What the function did to the headers it saw (lower-case names); undefined: nothing. */
  headerEdits: HeaderEdits | undefined;
  cookie: string | undefined;
  isCookieEdited: boolean;
}

/** Headers set (added or changed, with all their values) and removed. */
export interface HeaderEdits {
  set: HeaderValues;
  removed: string[];
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

/** A snapshot's map as readEventMap reads an untouched one. */
function snapshotValues(before: MapSnapshot): Map<string, { value: string }[]> {
  const out = new Map<string, { value: string }[]>();
  for (let i = 0; i < before.size; i++) out.set(before.nameAt(i), before.valuesAt(i));
  return out;
}

/**
 * Reads the request the function returned. Maps it left untouched (the same entries, the usual
 * case for cookies and the query string) cost a few comparisons and no checks: only what it
 * changed is read and checked.
 */
export function readRequest(out: Record<string, unknown>, snapshots: RequestSnapshot): RequestChanges {
  if (out.method !== undefined && out.method !== snapshots.method) fail("request.method is read-only");
  const uri = out.uri;
  if (typeof uri !== "string" || !uri.startsWith("/")) fail("request.uri must be a string that starts with /");
  const headerEdits = isMapUntouched(out.headers, snapshots.headers) ? undefined : readHeaderEdits(out.headers, snapshots.headers);
  let cookie: string | undefined;
  let isCookieEdited = false;
  if (!isMapUntouched(out.cookies, snapshots.cookies)) {
    cookie = serializeCookies(readEventMap(out.cookies, "request.cookies", snapshots.cookies));
    isCookieEdited = cookie !== serializeCookies(snapshotValues(snapshots.cookies));
  }
  let query = snapshots.query;
  if (!isMapUntouched(out.querystring, snapshots.querystring)) {
    const q = serializeQuery(readEventMap(out.querystring, "request.querystring", snapshots.querystring));
    // A query string the function rebuilt as it was goes on exactly as the viewer sent it.
    if (q !== serializeQuery(snapshotValues(snapshots.querystring))) query = q;
  }
  return { uri: uri as string, query, headerEdits, cookie, isCookieEdited };
}

/**
 * The function changed the headers: what it set and removed, checked against §14.4. Entries it
 * left untouched are skipped by identity; names with capitals (which merge with their lower-case
 * forms) take the full read.
 */
function readHeaderEdits(map: unknown, before: MapSnapshot): HeaderEdits | undefined {
  if (!isObject(map)) return readAllHeaderEdits(map, before);
  const m = map as Record<string, unknown>;
  let set: HeaderValues | undefined;
  let kept = 0;
  let i = 0;
  for (const name in m) {
    const at = before.indexOf(name, i++);
    const entry = m[name];
    if (at !== -1) {
      kept++;
      if (before.isUntouchedAt(at, entry)) continue;
    } else if (name.toLowerCase() !== name) return readAllHeaderEdits(map, before);
    const was = at === -1 ? undefined : before.at(at);
    let values: string[];
    const plain = entry as { value?: unknown; multiValue?: unknown } | null;
    // The usual edit, `{ value: "…" }`: its one value, without the general read's copies.
    if (plain !== null && typeof plain === "object" && typeof plain.value === "string" && plain.multiValue === undefined) values = [plain.value];
    else {
      const repeats = readEntry(entry, "request.headers", name, was, false);
      values = repeats.length === 1 ? [repeats[0]!.value] : repeats.map((r) => r.value);
    }
    if (was !== undefined && sameValues(values, was)) continue;
    (set ??= new HeaderList()).set(name, values);
  }
  let removed: string[] = NONE_REMOVED;
  if (kept !== before.size) {
    removed = [];
    for (const name of before.keys()) if (!Object.prototype.propertyIsEnumerable.call(m, name)) removed.push(name);
  }
  return checkRequestHeaderEdits(set ?? new HeaderList(), removed, before);
}

const NONE_REMOVED: string[] = Object.freeze([]) as unknown as string[];

/** The same, reading every header (a map that is no object, or names with capitals). */
function readAllHeaderEdits(map: unknown, before: MapSnapshot): HeaderEdits | undefined {
  const headers = toHeaderValues(readEventMap(map, "request.headers", before));
  const set = new HeaderList();
  for (const [name, values] of headers) {
    const was = before.get(name);
    if (was !== undefined && sameValues(values, was)) continue;
    set.set(name, values);
  }
  const removed: string[] = [];
  for (const name of before.keys()) if (!headers.has(name)) removed.push(name);
  return checkRequestHeaderEdits(set, removed, before);
}

function checkRequestHeaderEdits(set: HeaderValues, removed: string[], before: MapSnapshot): HeaderEdits | undefined {
  if (set.size === 0 && removed.length === 0) return undefined;
  checkHeaderEdits("viewer-request", set, removed, before);
  for (let i = 0; i < VIEWER_REQUEST_RESERVED.length; i++) {
    const name = VIEWER_REQUEST_RESERVED[i]!;
    if (set.has(name) && before.get(name)?.value !== set.get(name)![0]) fail(`request.headers.${name} cannot be added by a viewer-request function`);
  }
  return { set, removed };
}

function sameValues(values: readonly string[], was: Original): boolean {
  const repeats = was.repeats;
  if (repeats === undefined) return values.length === 1 && values[0] === was.value;
  if (values.length !== repeats.length) return false;
  for (let i = 0; i < values.length; i++) if (values[i] !== repeats[i]!.value) return false;
  return true;
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
  const out = new HeaderList();
  for (const [name, values] of m) {
    const lower = name.toLowerCase();
    let list = out.get(lower);
    if (list === undefined) out.set(lower, (list = []));
    for (const v of values) list.push(v.value);
  }
  return out;
}

const NOT_TOKEN = /[^!#$%&'*+\-.^_`|~0-9a-z]/;

/**
 * Header names already found to be valid and allowed in every event (not disallowed, a token):
 * a function sets the same few names on every request. Bounded; emptied when full.
 */
const ALLOWED_NAMES = new Set<string>();
function rememberAllowed(name: string): void {
  if (ALLOWED_NAMES.size >= 1024) ALLOWED_NAMES.clear();
  ALLOWED_NAMES.add(name);
}
/** A CR, LF or NUL in a header value (three searches for one character: cheaper than a regex on the short values functions set). */
function hasBreak(v: string): boolean {
  return v.indexOf("\n") !== -1 || v.indexOf("\r") !== -1 || v.indexOf("\0") !== -1;
}

/**
 * §14.4: disallowed headers may not appear; read-only ones may not change, appear or go. `set`
 * holds the headers to check (every header of a response; the changed ones of a request),
 * `removed` the names that went.
 */
function checkHeaderEdits(event: FunctionEventType, set: HeaderValues, removed: readonly string[], before: MapSnapshot): void {
  const readOnly = READ_ONLY_HEADERS[event];
  for (let i = 0; i < set.size; i++) {
    const name = set.nameAt(i);
    const values = set.valuesAt(i);
    if (!ALLOWED_NAMES.has(name)) {
      if (isDisallowedHeader(name)) fail(`header ${name} is not allowed in ${event} functions`);
      if (NOT_TOKEN.test(name)) fail(`header name ${JSON.stringify(name)} is not a valid HTTP field name`);
      rememberAllowed(name);
    }
    for (const v of values) if (hasBreak(v)) fail(`header ${name} has a value with a line break or NUL`);
    if (readOnly.has(name)) {
      const was = before.get(name);
      if (was === undefined || values[0] !== was.value) fail(`header ${name} is read-only in ${event} functions`);
    }
  }
  for (const name of removed) if (readOnly.has(name)) fail(`header ${name} is read-only in ${event} functions`);
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
  const was: MapSnapshot = before?.headers ?? EMPTY_SNAPSHOT;
  const removed: string[] = [];
  for (const name of was.keys()) if (!headers.has(name)) removed.push(name);
  checkHeaderEdits(event === "viewer-request" ? "viewer-response" : event, headers, removed, was);
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
