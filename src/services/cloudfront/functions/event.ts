import { isDisallowedHeader } from "./header-rules.js";
import type { FunctionEventType } from "./function-runtime.js";

/**
 * The CloudFront Functions event object (cloudfront.md §13.2): `{ version: "1.0", context,
 * viewer, request, response? }` with query string, headers and cookies as `{ name: { value } }`
 * maps, repeated names gaining `multiValue` (the first value also stays in `value`). Header names
 * are lower-case; `Cookie` and `Set-Cookie` are not headers here but the `cookies` maps; headers
 * the edge keeps to itself (§14.4) are left out.
 */
export interface EventValue {
  value: string;
  multiValue?: { value: string }[];
}
export interface ResponseCookieValue {
  value: string;
  attributes: string;
  multiValue?: { value: string; attributes: string }[];
}
export type EventMap = Record<string, EventValue>;

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: EventMap;
  headers: EventMap;
  cookies: EventMap;
}
export interface FunctionResponse {
  statusCode: number;
  statusDescription?: string;
  headers: EventMap;
  cookies: Record<string, ResponseCookieValue>;
  body?: unknown;
}
export interface FunctionEvent {
  version: "1.0";
  context: { distributionDomainName: string; distributionId: string; eventType: FunctionEventType; requestId: string };
  viewer: { ip: string };
  request: FunctionRequest;
  response?: FunctionResponse;
}

function add(map: EventMap, name: string, value: string): void {
  const known = map[name];
  if (known === undefined) return void (map[name] = { value });
  (known.multiValue ??= [{ value: known.value }]).push({ value });
}

/** `a=1&a=2&b` → `{ a: { value: "1", multiValue: [...] }, b: { value: "" } }`; names and values as received. */
export function querystringToEvent(query: string): EventMap {
  const out: EventMap = {};
  if (query === "") return out;
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    add(out, eq === -1 ? part : part.slice(0, eq), eq === -1 ? "" : part.slice(eq + 1));
  }
  return out;
}

/** The request's headers from its raw lines (so repeats stay repeats), with `extra` (CloudFront-* headers the policies add). */
export function headersToEvent(
  rawHeaders: readonly string[],
  host: string,
  extra: readonly (readonly [string, string])[],
): { headers: EventMap; cookies: EventMap } {
  const headers: EventMap = {};
  const cookies: EventMap = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name.charCodeAt(0) === 58 /* ':' HTTP/2 pseudo-header */) continue;
    if (name === "cookie") {
      for (const c of value.split(";")) {
        const t = c.trim();
        if (t === "") continue;
        const eq = t.indexOf("=");
        add(cookies, eq === -1 ? t : t.slice(0, eq), eq === -1 ? "" : t.slice(eq + 1));
      }
      continue;
    }
    if (isDisallowedHeader(name)) continue;
    add(headers, name, value);
  }
  // HTTP/2 carries the host as :authority (RFC 9113 §8.3.1); the event has it as `host`.
  if (headers["host"] === undefined && host !== "") headers["host"] = { value: host };
  for (const [name, value] of extra) if (headers[name] === undefined) headers[name] = { value };
  return { headers, cookies };
}

/** A response's headers (lower-case names) and its Set-Cookie lines as the `cookies` map. */
export function responseHeadersToEvent(src: Readonly<Record<string, string | string[]>>): { headers: EventMap; cookies: Record<string, ResponseCookieValue> } {
  const headers: EventMap = {};
  const cookies: Record<string, ResponseCookieValue> = {};
  for (const name in src) {
    const v = src[name]!;
    if (name === "set-cookie") {
      for (const line of Array.isArray(v) ? v : [v]) addSetCookie(cookies, line);
      continue;
    }
    if (isDisallowedHeader(name)) continue;
    for (const one of Array.isArray(v) ? v : [v]) add(headers, name, one);
  }
  return { headers, cookies };
}

function addSetCookie(cookies: Record<string, ResponseCookieValue>, line: string): void {
  const semi = line.indexOf(";");
  const pair = semi === -1 ? line : line.slice(0, semi);
  const attributes = semi === -1 ? "" : line.slice(semi + 1).trim();
  const eq = pair.indexOf("=");
  const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
  const value = eq === -1 ? "" : pair.slice(eq + 1).trim();
  const known = cookies[name];
  if (known === undefined) return void (cookies[name] = { value, attributes });
  (known.multiValue ??= [{ value: known.value, attributes: known.attributes }]).push({ value, attributes });
}
