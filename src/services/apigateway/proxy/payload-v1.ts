import { decodeQuery, headerValue, matchesMediaType, type ApiRequest } from "./api-request.js";
import { LambdaResponseError, type IntegrationResponseParts } from "./integration-response.js";

/**
 * Payload format 1.0 (apigateway.md §4, REST proxy and HTTP APIs set to 1.0): the event as API
 * Gateway builds it, and the response contract it enforces (§4.1).
 */
export interface V1Context {
  accountId: string;
  apiId: string;
  stage: string;
  resourcePath: string;
  resourceId: string;
  deploymentId: string;
  pathParameters: Record<string, string> | undefined;
  stageVariables: Readonly<Record<string, string>> | undefined;
  binaryMediaTypes: readonly string[];
  /** HTTP APIs with payload 1.0 add `version: "1.0"` and name the route. */
  httpApi?: { routeKey: string };
  /** A Lambda authorizer's context, principalId and integrationLatency (`requestContext.authorizer`). */
  authorizer?: Record<string, unknown> | undefined;
  /** The API key a method with ApiKeyRequired accepted (`identity.apiKey` / `identity.apiKeyId`). */
  apiKey?: { value: string; id: string } | undefined;
  /** An AWS_IAM method's verified caller (`identity.accessKey`, `accountId`, `caller`, `user`, `userArn`). */
  caller?: IamCaller | undefined;
}

/** The SigV4 signer of a request to an AWS_IAM method or route, as API Gateway reports it. */
export interface IamCaller {
  accessKey: string;
  accountId: string;
  /** The principal's id (`caller`, `user`; 2.0 `callerId`, `userId`). */
  principalId: string;
  userArn: string;
}

export function buildV1Event(r: ApiRequest, c: V1Context): Record<string, unknown> {
  // Header names keep the client's casing; one key per name, last value wins (multiValue: all).
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const casing = new Map<string, string>();
  for (const [name, value] of r.headerLines) {
    const lower = name.toLowerCase();
    let key = casing.get(lower);
    if (key === undefined) casing.set(lower, (key = name));
    headers[key] = value;
    (multiValueHeaders[key] ??= []).push(value);
  }
  const pairs = decodeQuery(r.rawQuery);
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  for (const [k, v] of pairs) {
    (query ??= {})[k] = v;
    ((multiQuery ??= {})[k] ??= []).push(v);
  }
  const binary = matchesMediaType(headerValue(r.headerLines, "content-type"), c.binaryMediaTypes);
  const requestContext: Record<string, unknown> = {
    accountId: c.accountId,
    apiId: c.apiId,
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    deploymentId: c.deploymentId,
    domainName: r.domainName,
    domainPrefix: r.domainName.split(".")[0],
    extendedRequestId: r.extendedRequestId,
    httpMethod: r.method,
    identity: {
      accessKey: c.caller?.accessKey ?? null,
      accountId: c.caller?.accountId ?? null,
      ...(c.apiKey ? { apiKey: c.apiKey.value, apiKeyId: c.apiKey.id } : {}),
      caller: c.caller?.principalId ?? null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: r.sourceIp,
      user: c.caller?.principalId ?? null,
      userAgent: r.userAgent,
      userArn: c.caller?.userArn ?? null,
    },
    // requestContext.path carries the stage; `path` does not (apigateway.md §2).
    path: c.httpApi ? r.rawPath : `/${c.stage}${r.rawPath}`,
    protocol: r.protocol,
    requestId: r.requestId,
    requestTime: r.time,
    requestTimeEpoch: r.timeEpoch,
    resourceId: c.resourceId,
    resourcePath: c.resourcePath,
    stage: c.stage,
  };
  const event: Record<string, unknown> = {};
  if (c.httpApi) event["version"] = "1.0";
  Object.assign(event, {
    resource: c.resourcePath,
    path: r.rawPath,
    httpMethod: r.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: c.pathParameters ?? null,
    stageVariables: c.stageVariables ?? null,
    requestContext,
    // Absent parts are null, not {} (apigateway.md §4).
    body: r.body.length === 0 ? null : binary ? r.body.toString("base64") : r.body.toString("utf8"),
    isBase64Encoded: binary && r.body.length > 0,
  });
  if (c.httpApi) (requestContext as Record<string, unknown>)["routeKey"] = c.httpApi.routeKey;
  return event;
}

const V1_KEYS = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

/**
 * The 1.0 response contract (apigateway.md §4.1 [aws-snap]): an object with only the five known
 * keys, at least one of them; statusCode an integer or a numeric string (default 200); header
 * values scalars; multiValueHeaders arrays; body a string. Headers in both maps are merged, the
 * multi-value ones first. A base64 body is decoded only when the request's first Accept type is a
 * binary media type. Anything else → LambdaResponseError (the caller's 502).
 */
export function parseV1Response(payload: unknown, accept: string | undefined, binaryMediaTypes: readonly string[]): IntegrationResponseParts {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new LambdaResponseError("response is not a JSON object");
  const r = payload as Record<string, unknown>;
  const keys = Object.keys(r);
  if (keys.length === 0) throw new LambdaResponseError("response is empty");
  for (const k of keys) if (!V1_KEYS.has(k)) throw new LambdaResponseError(`unknown key ${k}`);
  let status = 200;
  const sc = r["statusCode"];
  if (sc !== undefined && sc !== null) {
    const n = typeof sc === "number" ? sc : typeof sc === "string" && /^\d+$/.test(sc) ? Number(sc) : NaN;
    if (!Number.isInteger(n) || n < 100 || n > 599) throw new LambdaResponseError("statusCode is not an HTTP status");
    status = n;
  }
  const headers: [string, string][] = [];
  const multi = new Map<string, { name: string; values: string[] }>();
  const mv = r["multiValueHeaders"];
  if (mv !== undefined && mv !== null) {
    if (typeof mv !== "object" || Array.isArray(mv)) throw new LambdaResponseError("multiValueHeaders is not an object");
    for (const [k, v] of Object.entries(mv as Record<string, unknown>)) {
      if (!Array.isArray(v)) throw new LambdaResponseError(`multiValueHeaders.${k} is not an array`);
      multi.set(k.toLowerCase(), { name: k, values: v.map((x) => scalar(x, `multiValueHeaders.${k}`)) });
    }
  }
  const h = r["headers"];
  if (h !== undefined && h !== null) {
    if (typeof h !== "object" || Array.isArray(h)) throw new LambdaResponseError("headers is not an object");
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      const value = scalar(v, `headers.${k}`);
      const m = multi.get(k.toLowerCase());
      // [aws-snap]: the same header in both maps → one header, multi-value values first.
      if (m) m.values.push(value);
      else headers.push([k, value]);
    }
  }
  for (const { name, values } of multi.values()) headers.push([name, values.join(", ")]);
  const body = r["body"];
  if (body !== undefined && body !== null && typeof body !== "string") throw new LambdaResponseError("body is not a string");
  const text = typeof body === "string" ? body : "";
  const firstAccept = accept?.split(",")[0];
  const decode = r["isBase64Encoded"] === true && matchesMediaType(firstAccept, binaryMediaTypes);
  return { status, headers, cookies: [], body: Buffer.from(text, decode ? "base64" : "utf8") };
}

function scalar(v: unknown, at: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new LambdaResponseError(`${at} is not a string`);
}
