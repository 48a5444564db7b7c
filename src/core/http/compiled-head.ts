import { IncomingMessage, ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from "node:http";
import { Socket } from "node:net";

/**
 * An HTTP/1.1 response head serialised once and written by many responses (issue 14): Node's
 * `writeHead` validates and matches every header of every response (`processHeader`,
 * `matchHeader`), which was the largest share of a 1 KiB cache hit's own work. A head compiled
 * here is the text Node's `_storeHeader` would build for the same status and list, split around
 * two per-response values; `writeCompiledHead` adds Date and the keep-alive lines the way
 * `_storeHeader` does and hands the text to Node through the field `_storeHeader` itself fills,
 * so the rest of the response (body, keep-alive, `finish`) runs through Node unchanged.
 *
 * It relies on Node's private ServerResponse fields (`_header`, `_headerSent`, `_keepAliveTimeout`,
 * `_defaultKeepAlive`, `_maxRequestsPerSocket`, `_expect_continue`), as Node 20's
 * `_http_outgoing.js` and `_http_server.js` define them. A response whose fields do not look like
 * that, or any case `_storeHeader` treats specially, is declined (false) and the caller writes
 * the head with `writeHead` as usual. compiled-head.test.ts compares the bytes with Node's own
 * `writeHead` on the Node that runs the tests; on another Node (`engines` allows any ≥ 20) the
 * first compile checks one head against `writeHead` and, if they differ, compiles none.
 */
export interface CompiledHead {
  readonly statusCode: number;
  readonly statusMessage: string;
  /** Text around the two values: parts[0] value parts[1] value parts[2]. */
  readonly parts: readonly [string, string, string];
  /** Whether slot A's header comes before slot B's in the list (then parts hold a, then b). */
  readonly isFirstInOrder: boolean;
  readonly contentLength: number;
  /** The list names its own Date, so Node would not add one. */
  readonly hasDate: boolean;
}

/**
 * Fields `_storeHeader`/`matchHeader` act on, beyond writing the line: a head holding one of them
 * is not compiled. `content-disposition` is re-encoded by `processHeader` once a Content-Length
 * precedes it; `cookie` lists are joined.
 */
const SPECIAL = new Set(["connection", "transfer-encoding", "expect", "trailer", "keep-alive", "content-disposition", "cookie"]);

/**
 * `flat` is the `[name, value, …]` list `writeHead` takes; `slotA` and `slotB` are the indexes of
 * the two values each response sets (their list entries are ignored here). Undefined when Node
 * would not write the list as plain lines: a special field, no single Content-Length, a value
 * Node refuses, a status without a body.
 */
export function compileHead(statusCode: number, flat: readonly (string | string[])[], slotA: number, slotB: number): CompiledHead | undefined {
  isLayoutKnown ??= writesAsNodeDoes();
  if (!isLayoutKnown) return undefined;
  return compile(statusCode, flat, slotA, slotB);
}

let isLayoutKnown: boolean | undefined;

/** One head through Node's `writeHead` and through a compiled head, on detached responses. */
function writesAsNodeDoes(): boolean {
  try {
    const response = () => {
      const req = new IncomingMessage(new Socket());
      req.method = "GET";
      req.httpVersionMajor = 1;
      req.httpVersionMinor = 1;
      const res = new ServerResponse(req);
      res.shouldKeepAlive = true;
      (res as unknown as OutgoingFields)._keepAliveTimeout = 5000;
      return res;
    };
    const viaNode = response();
    viaNode.writeHead(200, ["Content-Type", "text/plain", "Content-Length", "5", "X-Amz-Cf-Id", "id", "Age", "1"]);
    const head = compile(200, ["Content-Type", "text/plain", "Content-Length", "5", "X-Amz-Cf-Id", "", "Age", ""], 5, 7);
    const viaHead = response();
    if (head === undefined || !writeCompiledHead(viaHead, head, "id", "1")) return false;
    const text = (res: ServerResponse) => String((res as unknown as OutgoingFields)._header).replace(/\r\nDate: [^\r]*\r\n/, "\r\n");
    return text(viaNode) === text(viaHead) && text(viaHead).includes("\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n");
  } catch {
    return false;
  }
}

function compile(statusCode: number, flat: readonly (string | string[])[], slotA: number, slotB: number): CompiledHead | undefined {
  const statusMessage = STATUS_CODES[statusCode];
  if (statusMessage === undefined || statusCode < 200 || statusCode === 204 || statusCode === 304) return undefined;
  if (flat.length % 2 !== 0 || slotA % 2 !== 1 || slotB % 2 !== 1 || slotA === slotB) return undefined;
  const [first, second] = slotA < slotB ? [slotA, slotB] : [slotB, slotA];
  const parts: string[] = [];
  let text = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
  let contentLength: number | undefined;
  let hasDate = false;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1]!;
    if (typeof name !== "string") return undefined;
    const lower = name.toLowerCase();
    if (SPECIAL.has(lower)) return undefined;
    try {
      validateHeaderName(name);
      if (i + 1 !== first && i + 1 !== second) for (const v of Array.isArray(value) ? value : [value]) validateHeaderValue(name, v);
    } catch {
      return undefined;
    }
    if (lower === "date") hasDate = true;
    if (lower === "content-length") {
      if (contentLength !== undefined || Array.isArray(value) || !/^\d+$/.test(value)) return undefined;
      contentLength = Number(value);
    }
    if (i + 1 === first || i + 1 === second) {
      text += `${name}: `;
      parts.push(text);
      text = "\r\n";
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
  }
  if (contentLength === undefined || parts.length !== 2) return undefined;
  parts.push(text);
  return { statusCode, statusMessage, parts: parts as [string, string, string], isFirstInOrder: slotA < slotB, contentLength, hasDate };
}

/** Node's private ServerResponse fields the head goes through (see above). */
interface OutgoingFields {
  _header: string | null;
  _headerSent: boolean;
  _contentLength: number | null;
  _keepAliveTimeout: number;
  _defaultKeepAlive: boolean;
  _maxRequestsPerSocket: number;
  _expect_continue: boolean;
  _hasBody: boolean;
  chunkedEncoding: boolean;
  sendDate: boolean;
  shouldKeepAlive: boolean;
  maxRequestsOnConnectionReached: boolean;
}

/**
 * Gives `res` the compiled head with values `a` and `b` (for the list's slotA and slotB), as
 * `res.writeHead(statusCode, list)` would. False, with `res` untouched, where Node's own path
 * differs from the plain one: no keep-alive, the connection's last request, a request with
 * Expect: 100-continue, headers set before, or fields not shaped as on Node 20.
 */
export function writeCompiledHead(res: ServerResponse, head: CompiledHead, a: string, b: string): boolean {
  const o = res as unknown as OutgoingFields;
  if (
    o._header !== null ||
    o._headerSent !== false ||
    o.shouldKeepAlive !== true ||
    o.maxRequestsOnConnectionReached !== false ||
    o._expect_continue !== false ||
    o.chunkedEncoding !== false ||
    (o._hasBody !== true && o._hasBody !== false) ||
    typeof o._keepAliveTimeout !== "number" ||
    typeof o._defaultKeepAlive !== "boolean" ||
    (res.statusMessage !== undefined && res.statusMessage !== "" && res.statusMessage !== head.statusMessage) ||
    hasOutHeaders(res)
  ) {
    return false;
  }
  const [p0, p1, p2] = head.parts;
  let text = head.isFirstInOrder ? p0 + a + p1 + b + p2 : p0 + b + p1 + a + p2;
  if (o.sendDate && !head.hasDate) text += `Date: ${utcDate()}\r\n`;
  text += keepAliveLines(o);
  res.statusCode = head.statusCode;
  res.statusMessage = head.statusMessage;
  o._contentLength = head.contentLength;
  o._header = text + "\r\n";
  o._headerSent = false;
  return true;
}

let lastTimeout = -1;
let lastMax = -1;
let lastDefault = false;
let lastLines = "";

/** `_storeHeader`'s lines for a kept-alive response whose head has a Content-Length. */
function keepAliveLines(o: OutgoingFields): string {
  const maxRequests = ~~o._maxRequestsPerSocket;
  if (o._keepAliveTimeout !== lastTimeout || maxRequests !== lastMax || o._defaultKeepAlive !== lastDefault) {
    lastTimeout = o._keepAliveTimeout;
    lastMax = maxRequests;
    lastDefault = o._defaultKeepAlive;
    let lines = "Connection: keep-alive\r\n";
    if (o._keepAliveTimeout && o._defaultKeepAlive) {
      const max = maxRequests > 0 ? `, max=${maxRequests}` : "";
      lines += `Keep-Alive: timeout=${Math.floor(o._keepAliveTimeout / 1000)}${max}\r\n`;
    }
    lastLines = lines;
  }
  return lastLines;
}

let outHeaders: symbol | null | undefined;

/** Whether `setHeader` was used on `res` (Node's kOutHeaders holds those fields; writeHead would merge them). */
function hasOutHeaders(res: ServerResponse): boolean {
  if (outHeaders === undefined) {
    // Not found: not the layout this module knows; every response declines.
    outHeaders = Object.getOwnPropertySymbols(res).find((s) => s.description === "kOutHeaders") ?? null;
  }
  return outHeaders === null || (res as unknown as Record<symbol, unknown>)[outHeaders] != null;
}

let utcCache: string | undefined;

/** The Date value, made once a second, as Node's internal/http `utcDate()` does. */
function utcDate(): string {
  if (utcCache === undefined) {
    const d = new Date();
    utcCache = d.toUTCString();
    setTimeout(() => (utcCache = undefined), 1000 - d.getMilliseconds()).unref();
  }
  return utcCache;
}
