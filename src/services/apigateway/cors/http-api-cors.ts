import type { Cors } from "../schema/http-api.js";
import type { IntegrationResponseParts } from "../proxy/integration-response.js";

/**
 * HTTP API CORS (apigateway.md §9.1): with a CorsConfiguration, API Gateway answers every
 * preflight itself (no OPTIONS route needed) and replaces the integration's CORS headers with its
 * own on the responses to requests that carry an allowed Origin. Origins match exactly, `*`, or by
 * scheme (`https://*`).
 */
export interface CorsPlan {
  exact: ReadonlySet<string>;
  anyOrigin: boolean;
  schemes: readonly string[];
  credentials: boolean;
  methods: string | undefined;
  headers: string | undefined;
  expose: string | undefined;
  maxAge: string | undefined;
}

export function compileCors(c: Cors | undefined): CorsPlan | undefined {
  if (!c) return undefined;
  const origins = c.AllowOrigins ?? [];
  const join = (v: string[] | undefined) => (v && v.length ? v.join(",") : undefined);
  return {
    exact: new Set(origins.filter((o) => o !== "*" && !/^https?:\/\/\*$/.test(o)).map((o) => o.toLowerCase())),
    anyOrigin: origins.includes("*"),
    schemes: origins.filter((o) => /^https?:\/\/\*$/.test(o)).map((o) => o.slice(0, o.indexOf("*"))),
    credentials: c.AllowCredentials === true,
    methods: join(c.AllowMethods),
    headers: join(c.AllowHeaders),
    expose: join(c.ExposeHeaders),
    maxAge: c.MaxAge === undefined ? undefined : String(c.MaxAge),
  };
}

/** The Access-Control-Allow-Origin value for this Origin, or undefined when it is not allowed. */
function allowOrigin(c: CorsPlan, origin: string): string | undefined {
  const lower = origin.toLowerCase();
  if (c.exact.has(lower) || c.schemes.some((s) => lower.startsWith(s))) return origin;
  if (c.anyOrigin) return "*";
  return undefined;
}

/** Choice: a preflight is answered 204 with no body, with CORS headers only for an allowed Origin (§9.1 UNCONFIRMED). */
export function answerPreflight(c: CorsPlan, origin: string): IntegrationResponseParts {
  const headers: [string, string][] = [];
  const allowed = allowOrigin(c, origin);
  if (allowed !== undefined) {
    headers.push(["access-control-allow-origin", allowed]);
    if (c.credentials) headers.push(["access-control-allow-credentials", "true"]);
    if (c.methods) headers.push(["access-control-allow-methods", c.methods]);
    if (c.headers) headers.push(["access-control-allow-headers", c.headers]);
    if (c.maxAge) headers.push(["access-control-max-age", c.maxAge]);
  }
  return { status: 204, headers, cookies: [], body: Buffer.alloc(0) };
}

/** The integration's own CORS headers are dropped; ours are added for an allowed Origin. */
export function applyCors(c: CorsPlan, origin: string | undefined, parts: IntegrationResponseParts): IntegrationResponseParts {
  const headers = parts.headers.filter(([k]) => !k.toLowerCase().startsWith("access-control-"));
  const allowed = origin === undefined ? undefined : allowOrigin(c, origin);
  if (allowed !== undefined) {
    headers.push(["access-control-allow-origin", allowed]);
    if (c.credentials) headers.push(["access-control-allow-credentials", "true"]);
    if (c.expose) headers.push(["access-control-expose-headers", c.expose]);
  }
  return { ...parts, headers };
}
