import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Clock } from "../../../core/clock.js";
import type { ApiRequest } from "./api-request.js";
import { remapIntegrationHeaders, type IntegrationResponseParts } from "./integration-response.js";

/**
 * HTTP proxy integrations (apigateway.md §6): the request goes to the integration URL with its
 * method (or the configured one), headers and body; path variables in the URL are filled in; the
 * answer comes back as it is, except the headers API Gateway remaps (§4.1). The integration
 * timeout runs on the stack clock.
 */
export class IntegrationTimeout extends Error {}
export class IntegrationNetworkError extends Error {}

/**
 * The URL to call: `{name}` and `{name+}` placeholders take the path variables; an HTTP API's
 * `$default` route (or a URL without placeholders on a greedy route) gets the request path appended.
 */
export function integrationUrl(uri: string, params: Record<string, string> | undefined, appendPath: string | undefined, rawQuery: string): URL {
  let filled = uri.replace(/\{([A-Za-z0-9._-]+)\+?\}/g, (_m, name: string) => params?.[name] ?? "");
  if (appendPath !== undefined) {
    const u = new URL(filled);
    u.pathname = u.pathname.replace(/\/$/, "") + appendPath;
    filled = u.toString();
  }
  const url = new URL(filled);
  if (rawQuery) url.search = url.search ? `${url.search}&${rawQuery}` : `?${rawQuery}`;
  return url;
}

export function callHttpIntegration(url: URL, method: string, r: ApiRequest, timeoutMs: number, clock: Clock): Promise<IntegrationResponseParts> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of r.headerLines) {
    const lower = name.toLowerCase();
    if (lower === "host") continue;
    const prev = headers[lower];
    headers[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  headers["host"] = url.host;
  if (r.body.length > 0 || !["GET", "HEAD", "DELETE", "OPTIONS"].includes(method)) headers["content-length"] = String(r.body.length);
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method, headers, agent: false });
    const timer = clock.setTimeout(() => req.destroy(new IntegrationTimeout(`no response within ${timeoutMs} ms`)), timeoutMs);
    const fail = (e: Error) => {
      clock.clearTimeout(timer);
      reject(e instanceof IntegrationTimeout ? e : new IntegrationNetworkError(e.message, { cause: e }));
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", fail);
      res.on("end", () => {
        clock.clearTimeout(timer);
        resolve({ status: res.statusCode ?? 502, headers: remapIntegrationHeaders(pairs(res.rawHeaders)), cookies: [], body: Buffer.concat(chunks) });
      });
    });
    req.end(r.body.length > 0 ? r.body : undefined);
  });
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
