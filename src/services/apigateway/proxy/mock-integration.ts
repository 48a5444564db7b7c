import type { IntegrationResponse } from "../schema/rest-api.js";
import type { IntegrationResponseParts } from "./integration-response.js";

/**
 * MOCK integrations (REST): the request template's `{"statusCode": N}` selects the integration
 * response whose SelectionPattern matches N, else the one without a pattern (the default); its
 * StatusCode, static `method.response.header.*` values ('quoted') and response template make the
 * answer. No match and no default → undefined (the caller's 500, as AWS's "No match for output
 * mapping"). Everything is compiled once (`compileMockResponses`).
 */
export interface MockResponse {
  pattern: RegExp | undefined;
  status: number;
  headers: readonly [string, string][];
  body: Buffer;
}

export function compileMockResponses(responses: readonly IntegrationResponse[]): MockResponse[] {
  return responses.map((r) => {
    const headers: [string, string][] = [];
    for (const [k, v] of Object.entries(r.ResponseParameters ?? {})) {
      const m = /^method\.response\.header\.(.+)$/.exec(k);
      const literal = /^'(.*)'$/s.exec(v);
      if (m && literal) headers.push([m[1]!, literal[1]!]);
    }
    const templates = r.ResponseTemplates ?? {};
    const contentType = "application/json" in templates ? "application/json" : Object.keys(templates)[0];
    if (contentType && !headers.some(([k]) => k.toLowerCase() === "content-type")) headers.push(["Content-Type", contentType]);
    return {
      pattern: r.SelectionPattern ? new RegExp(`^(?:${r.SelectionPattern})$`) : undefined,
      status: Number(r.StatusCode),
      headers,
      body: Buffer.from(contentType ? templates[contentType]! : ""),
    };
  });
}

export function answerMock(statusCode: number, responses: readonly MockResponse[]): IntegrationResponseParts | undefined {
  const code = String(statusCode);
  const chosen = responses.find((r) => r.pattern?.test(code)) ?? responses.find((r) => r.pattern === undefined);
  if (!chosen) return undefined;
  return { status: chosen.status, headers: [...chosen.headers], cookies: [], body: chosen.body };
}
