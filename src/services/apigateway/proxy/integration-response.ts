/** What an integration answered, before API Gateway adds its own headers. */
export interface IntegrationResponseParts {
  status: number;
  /** In the integration's casing, in order. */
  headers: [string, string][];
  /** Payload 2.0 `cookies`: one Set-Cookie header each. */
  cookies: string[];
  body: Buffer;
}

/** A Lambda response that breaks the payload format's contract (REST: 502; HTTP API: 500). */
export class LambdaResponseError extends Error {}

/** Response headers API Gateway renames instead of passing (apigateway.md §4.1: `x-amzn-Remapped-<name>`). */
const REMAPPED = new Set(["connection", "content-length", "date", "server"]);
/** Never passed: framing is API Gateway's own (and HTTP/2 forbids connection-specific headers). */
const DROPPED = new Set(["transfer-encoding", "keep-alive", "upgrade", "proxy-connection"]);

export function remapIntegrationHeaders(headers: readonly [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    out.push([REMAPPED.has(lower) ? `x-amzn-Remapped-${name}` : name, value]);
  }
  return out;
}
