import { decodeQuery, headerValue, type ApiRequest } from "./api-request.js";
import { LambdaResponseError, type IntegrationResponseParts } from "./integration-response.js";

/**
 * Payload format 2.0 (apigateway.md §5, HTTP APIs): lower-case header names with repeats joined
 * by commas, `cookies` instead of the Cookie header, `rawPath` with the stage prefix of a named
 * stage, absent parts omitted; and the 2.0 response contract, which infers a 200 JSON response
 * from any value without a statusCode.
 */
export interface V2Context {
  accountId: string;
  apiId: string;
  stage: string;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  stageVariables: Readonly<Record<string, string>> | undefined;
  /** `requestContext.authorizer` (`{jwt: {claims, scopes}}`). */
  authorizer?: Record<string, unknown> | undefined;
}

/** Text types whose request bodies stay strings (Choice: apigateway.md §5 leaves the rule UNCONFIRMED). */
const TEXT_TYPES = /^(text\/[^;]*|application\/(json|javascript|xml|x-www-form-urlencoded|[^;]*\+json|[^;]*\+xml))\s*(;|$)/i;

export function buildV2Event(r: ApiRequest, c: V2Context): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of r.headerLines) {
    const lower = name.toLowerCase();
    if (lower === "cookie") {
      // Every Cookie header's pairs, in order (Choice: the Cookie header itself is not repeated in headers).
      for (const c2 of value.split(";")) if (c2.trim()) cookies.push(c2.trim());
      continue;
    }
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  const query: Record<string, string> = {};
  let hasQuery = false;
  for (const [k, v] of decodeQuery(r.rawQuery)) {
    hasQuery = true;
    query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  }
  const stagePrefix = c.stage === "$default" ? "" : `/${c.stage}`;
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: c.routeKey,
    rawPath: stagePrefix + r.rawPath,
    rawQueryString: r.rawQuery,
  };
  if (cookies.length) event["cookies"] = cookies;
  event["headers"] = headers;
  if (hasQuery) event["queryStringParameters"] = query;
  event["requestContext"] = {
    accountId: c.accountId,
    apiId: c.apiId,
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    domainName: r.domainName,
    domainPrefix: r.domainName.split(".")[0],
    http: { method: r.method, path: stagePrefix + r.rawPath, protocol: r.protocol, sourceIp: r.sourceIp, userAgent: r.userAgent },
    requestId: r.extendedRequestId,
    routeKey: c.routeKey,
    stage: c.stage,
    time: r.time,
    timeEpoch: r.timeEpoch,
  };
  if (c.pathParameters) event["pathParameters"] = c.pathParameters;
  if (c.stageVariables) event["stageVariables"] = c.stageVariables;
  const isText = TEXT_TYPES.test(headerValue(r.headerLines, "content-type") ?? "");
  if (r.body.length > 0) event["body"] = isText ? r.body.toString("utf8") : r.body.toString("base64");
  event["isBase64Encoded"] = r.body.length > 0 && !isText;
  return event;
}

/**
 * The 2.0 response: an object with `statusCode` is read as a response (headers, cookies, body,
 * isBase64Encoded); any other JSON value is the body of a 200 `application/json` response
 * (re:Post "map the status codes returned by HTTP APIs": "if the Lambda function doesn't
 * explicitly pass the status code in a valid JSON response, API Gateway assumes …").
 * `payloadText` is the function's JSON result as Lambda returned it.
 */
export function parseV2Response(payload: unknown, payloadText: string): IntegrationResponseParts {
  if (!payload || typeof payload !== "object" || Array.isArray(payload) || !("statusCode" in payload)) {
    // Choice: a bare string is sent as its JSON text (quotes kept), as the payload is the body.
    return { status: 200, headers: [["Content-Type", "application/json"]], cookies: [], body: Buffer.from(payloadText) };
  }
  const r = payload as Record<string, unknown>;
  const sc = r["statusCode"];
  const status = typeof sc === "number" ? sc : typeof sc === "string" && /^\d+$/.test(sc) ? Number(sc) : NaN;
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new LambdaResponseError("statusCode is not an HTTP status");
  const headers: [string, string][] = [];
  const h = r["headers"];
  if (h !== undefined && h !== null) {
    if (typeof h !== "object" || Array.isArray(h)) throw new LambdaResponseError("headers is not an object");
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") throw new LambdaResponseError(`headers.${k} is not a string`);
      headers.push([k, String(v)]);
    }
  }
  const cookies: string[] = [];
  const c = r["cookies"];
  if (c !== undefined && c !== null) {
    if (!Array.isArray(c) || c.some((x) => typeof x !== "string")) throw new LambdaResponseError("cookies is not an array of strings");
    cookies.push(...(c as string[]));
  }
  const body = r["body"];
  if (body !== undefined && body !== null && typeof body !== "string") throw new LambdaResponseError("body is not a string");
  const text = typeof body === "string" ? body : "";
  return { status, headers, cookies, body: Buffer.from(text, r["isBase64Encoded"] === true ? "base64" : "utf8") };
}
