import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { ConnectionInfo, HttpHandler } from "../../core/service.js";
import { isTraced, publishTrace, traceIdOf } from "../../core/trace.js";
import { traceRequest } from "../../core/trace-request.js";
import { createHash } from "node:crypto";
import type { LambdaRuntime } from "../lambda/index.js";
import type { ApiPlan, HttpApiPlan, IntegrationPlan, RestApiPlan, StagePlan } from "./compile/api-plan.js";
import * as errors from "./errors.js";
import type { GatewayError } from "./errors.js";
import { decodeQuery, headerValue, readApiRequest, type ApiRequest } from "./proxy/api-request.js";
import { callHttpIntegration, integrationUrl, IntegrationNetworkError, IntegrationTimeout } from "./proxy/http-proxy.js";
import { LambdaResponseError, remapIntegrationHeaders, type IntegrationResponseParts } from "./proxy/integration-response.js";
import { answerMock } from "./proxy/mock-integration.js";
import { answerPreflight, applyCors } from "./cors/http-api-cors.js";
import { buildV1Event, parseV1Response } from "./proxy/payload-v1.js";
import { buildV2Event, parseV2Response } from "./proxy/payload-v2.js";
import { readBody } from "./proxy/read-body.js";
import { withTimeout } from "./proxy/with-timeout.js";
import { AuthorizerCache } from "./authorizers/authorizer-cache.js";
import { authorizeRest } from "./authorizers/lambda-authorizer.js";
import { authorizeJwt } from "./authorizers/jwt-authorizer.js";
import type { Throttles } from "./throttling/token-bucket.js";
import type { UsagePlans } from "./throttling/usage-plans.js";
import type { IamVerifier } from "./authorizers/iam-authorizer.js";
import { authorizeCognito } from "./authorizers/cognito-authorizer.js";
import { authorizeHttpLambda, type HttpAuthorizerDecision } from "./authorizers/http-lambda-authorizer.js";
import type { IamCaller } from "./proxy/payload-v1.js";
import { APIGATEWAY_REQUEST, type ApiGatewayRequestEvent } from "../../core/trace.js";
import { formatLogMap, startExecutionLog } from "./observe/execution-log.js";
import type { ApiMetrics } from "./observe/api-metrics.js";

/**
 * One API's requests: Host check → body (10 MB) → stage → route / resource → integration (Lambda
 * proxy, HTTP proxy, mock) with its timeout → the response with API Gateway's headers. Every
 * failure becomes the API's own error answer (apigateway.md §11); nothing escapes the handler.
 */
export interface ApiHandlerDeps {
  clock: Clock;
  ids: Ids;
  log: Log;
  lambda: LambdaRuntime;
  accountId: string;
  /** The revision's throttle buckets (account bucket shared by every API). */
  throttles: Throttles;
  /** The revision's usage-plan buckets and quota counters. */
  usage: UsagePlans;
  /** SigV4 verification of AWS_IAM methods and routes against the local access keys. */
  iam: IamVerifier;
  region: string;
}

type Outcome = { kind: "response"; parts: IntegrationResponseParts; traced: boolean } | { kind: "error"; error: GatewayError };

const fail = (error: GatewayError): Outcome => ({ kind: "error", error });

export function createApiHandler(api: ApiPlan, d: ApiHandlerDeps, metrics: ApiMetrics): HttpHandler {
  const hosts = new Set(api.hosts);
  const authorizerCache = new AuthorizerCache(d.clock);
  const httpAuthorizerCache = new AuthorizerCache<HttpAuthorizerDecision>(d.clock);
  return (req: IncomingMessage, res: ServerResponse, conn: ConnectionInfo) => {
    let apiReq: ApiRequest | undefined;
    const run = async (): Promise<Outcome> => {
      const host = String(req.headers.host ?? "")
        .replace(/:\d+$/, "")
        .toLowerCase();
      const body = await readBody(req);
      if (body === "too-large") return fail(errors.payloadTooLarge());
      apiReq = readApiRequest(req, body, conn.protocol === "https", d.clock, d.ids);
      // REST execution logs are built only for a listener (APIGATEWAY_REQUEST, `edgeparity up --verbose`).
      if (api.kind === "rest" && APIGATEWAY_REQUEST.hasSubscribers) {
        const log = startExecutionLog(apiReq.requestId);
        apiReq.exec.log = log;
        log.add(`Extended Request Id: ${apiReq.extendedRequestId}`);
        log.add(`Starting execution for request: ${apiReq.requestId}`);
      }
      apiReq.edgeparityTrace = traceIdOf(req.headers, conn.origin !== undefined, apiReq.requestId);
      traceRequest(req, res, conn, "apigateway", apiReq.edgeparityTrace);
      // API Gateway finds the API by Host: a forwarded viewer Host names none (apigateway.md §12).
      if (!hosts.has(host)) return fail(api.kind === "rest" ? errors.restForbidden() : errors.httpForbidden());
      return api.kind === "rest" ? serveRest(api, apiReq, d, authorizerCache) : serveHttp(api, apiReq, d, httpAuthorizerCache);
    };
    run()
      .catch((e: unknown): Outcome => {
        d.log.error(`api ${api.name}: request failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return fail(api.kind === "rest" ? errors.restInternalError() : errors.httpInternalError());
      })
      .then((o) => {
        const bytes = write(api, req, res, o, apiReq);
        if (apiReq) observe(api, apiReq, o, bytes, d, metrics);
      })
      .catch((e: unknown) => {
        d.log.error(`api ${api.name}: writing the response: ${(e as Error).message}`);
        res.destroy();
      });
  };
}

async function serveRest(api: RestApiPlan, r: ApiRequest, d: ApiHandlerDeps, cache: AuthorizerCache): Promise<Outcome> {
  // The first path segment is the stage (apigateway.md §1).
  const m = /^\/([^/]+)(\/.*)?$/.exec(r.rawPath);
  const stage = m ? api.stages.get(m[1]!) : undefined;
  if (!stage) {
    if (isTraced("apiRoute"))
      traceApi(
        "apiRoute",
        r,
        `REST API ${api.name}: no stage ${m ? `'${m[1]}'` : "in the path"} (stages: ${[...api.stages.keys()].join(", ") || "none"}) → 403`,
      );
    return fail(errors.restForbidden());
  }
  r.exec.stage = stage.name;
  const path = m![2] ?? "/";
  const scoped: ApiRequest = { ...r, rawPath: path };
  const match = api.matcher.match(r.method, path);
  if (isTraced("apiRoute"))
    traceApi(
      "apiRoute",
      r,
      match
        ? `REST API ${api.name} stage ${stage.name}: resource ${match.value.resourcePath} method ${match.value.method} → ${match.value.integration.type} integration`
        : `REST API ${api.name} stage ${stage.name}: no resource and method match ${r.method} ${path} → 403 MissingAuthenticationTokenException`,
    );
  if (!match) {
    const auth = headerValue(r.headerLines, "authorization");
    // A non-SigV4 Authorization header changes the no-match answer (apigateway.md §2 [obs]).
    if (auth !== undefined && !auth.startsWith("AWS4-HMAC-SHA256 "))
      return fail(errors.incompleteSignature(createHash("sha256").update(auth).digest("base64")));
    return fail(errors.missingAuthenticationToken());
  }
  const t = match.value;
  const key = `${t.resourcePath}/${t.method}`;
  const xlog = r.exec.log;
  if (xlog.on) {
    xlog.add(`HTTP Method: ${r.method}, Resource Path: ${path}`);
    xlog.add(() => `Method request path: ${formatLogMap(Object.entries(match.pathParameters ?? {}))}`);
    xlog.add(() => `Method request query string: ${formatLogMap(decodeQuery(r.rawQuery))}`);
    xlog.add(() => `Method request headers: ${formatLogMap(scoped.headerLines)}`);
    xlog.add(() => `Method request body before transformations: ${r.body.toString("utf8", 0, Math.min(r.body.length, 1024))}`);
  }
  const v1 = (authorizer?: Record<string, unknown>, apiKey?: { value: string; id: string }, caller?: IamCaller) =>
    buildV1Event(scoped, {
      accountId: d.accountId,
      apiId: api.id,
      stage: stage.name,
      resourcePath: t.resourcePath,
      resourceId: t.resourceId,
      deploymentId: api.deploymentId,
      pathParameters: match.pathParameters,
      stageVariables: stage.variables,
      binaryMediaTypes: api.binaryMediaTypes,
      authorizer,
      apiKey,
      caller,
    });
  // Access control before the integration, then the usage plan, then the stage throttle (apigateway.md §8 order).
  let authorizerContext: Record<string, unknown> | undefined;
  let usageIdentifierKey: string | undefined;
  let caller: IamCaller | undefined;
  if (t.iam) {
    // The signature covers the path as sent (stage included) and the request's own headers.
    const v = await d.iam.verify(r, true, d.clock.now());
    if (!v.ok) {
      d.log.debug(`api ${api.name}: AWS_IAM ${r.method} ${key}: ${v.reason}`);
      xlog.add(`Authorization failed (AWS_IAM): ${v.reason}`);
      return fail(v.error);
    }
    caller = v.caller;
    xlog.add(`Authorized by AWS_IAM: ${v.caller.userArn} (access key ${v.caller.accessKey})`);
  }
  if (t.cognito) {
    const c = authorizeCognito(t.cognito.authorizer, scoped, t.cognito.scopes, d.clock.now());
    if (!c.ok) {
      d.log.debug(`api ${api.name}: Cognito authorizer ${t.cognito.authorizer.id}: ${c.reason}`);
      xlog.add(`Unauthorized request: ${r.requestId} (Cognito authorizer ${t.cognito.authorizer.id}: ${c.reason})`);
      return fail(c.error);
    }
    // Cognito claims reach the integration as requestContext.authorizer.claims (apigateway.md §10.2).
    authorizerContext = { claims: c.claims };
  }
  if (t.authorizer) {
    const a = await authorizeRest(
      {
        authorizer: t.authorizer,
        request: scoped,
        // The request's own method and path, not the resource template (apigateway.md §10.1).
        methodArn: `arn:aws:execute-api:${api.region}:${d.accountId}:${api.id}/${stage.name}/${r.method}/${path.slice(1)}`,
        stageVariables: stage.variables,
        requestEvent: () => {
          const { body: _body, isBase64Encoded: _b64, ...rest } = v1();
          return rest;
        },
        contextVariables: contextVariables(api, stage, t.resourcePath, scoped, d.accountId),
      },
      { lambda: d.lambda, clock: d.clock, cache },
    );
    if (isTraced("apiAuthorizer"))
      traceApi(
        "apiAuthorizer",
        r,
        a.ok
          ? `${t.authorizer.type} authorizer ${t.authorizer.id}: allowed principal ${String(a.output.principalId)}`
          : `${t.authorizer.type} authorizer ${t.authorizer.id}: ${a.reason} → ${a.error.status}`,
      );
    if (!a.ok) {
      d.log.debug(`api ${api.name}: authorizer ${t.authorizer.id}: ${a.reason}`);
      xlog.add(`Authorizer ${t.authorizer.id}: ${a.reason}`);
      return fail(a.error);
    }
    xlog.add(
      `Using valid authorizer policy for methodArn: arn:aws:execute-api:${api.region}:${d.accountId}:${api.id}/${stage.name}/${r.method}/${path.slice(1)}`,
    );
    // requestContext.authorizer: the context map, principalId and integrationLatency (apigateway.md §4).
    authorizerContext = { ...a.output.context, principalId: a.output.principalId, integrationLatency: a.latencyMs };
    usageIdentifierKey = a.output.usageIdentifierKey;
  }
  let apiKey: { value: string; id: string } | undefined;
  if (t.apiKeyRequired) {
    // The key from x-api-key, or from the authorizer with ApiKeySource AUTHORIZER (apigateway.md §8).
    const value = api.apiKeySource === "AUTHORIZER" ? usageIdentifierKey : headerValue(scoped.headerLines, "x-api-key");
    const grant = value === undefined ? undefined : api.apiKeys.get(stage.name)?.get(value);
    // Execution logs mask the key but its last four characters.
    const masked = value === undefined ? "null" : `****${value.slice(-4)}`;
    xlog.add(`Verifying Usage Plan for request: ${r.requestId}. API Key: ${masked} API Stage: ${api.id}/${stage.name}`);
    if (!grant) {
      xlog.add(
        `API Key ${masked} not authorized because method '${r.method} ${t.resourcePath}' requires API Key and API Key is not associated with a Usage Plan for API Stage ${api.id}/${stage.name}`,
      );
      return fail(errors.restInvalidApiKey());
    }
    const verdict = d.usage.admit(grant, `${t.resourcePath}/${t.method}`);
    if (verdict === "throttled") return fail(errors.restTooManyRequests());
    if (verdict === "quota-exceeded") return fail(errors.restLimitExceeded());
    xlog.add(`Usage Plan check succeeded for API Key ${masked} and API Stage ${api.id}/${stage.name}`);
    apiKey = { value: grant.value, id: grant.keyId };
  } else
    xlog.add(
      `API Key authorized because method '${r.method} ${t.resourcePath}' does not require API Key. Request will not contribute to throttle or quota limits`,
    );
  if (!d.throttles.admit(`${api.id}|${stage.name}|${key}`, stage.throttle.byKey.get(key) ?? stage.throttle.fallback)) return fail(errors.restTooManyRequests());
  return integrate(t.integration, scoped, d, {
    rest: true,
    stage,
    pathParameters: match.pathParameters,
    appendPath: undefined,
    event: () => v1(authorizerContext, apiKey, caller),
    binaryMediaTypes: api.binaryMediaTypes,
  });
}

async function serveHttp(api: HttpApiPlan, r: ApiRequest, d: ApiHandlerDeps, cache: AuthorizerCache<HttpAuthorizerDecision>): Promise<Outcome> {
  // A first segment that names a stage selects it; otherwise the $default stage (apigateway.md §1).
  const m = /^\/([^/]+)(\/.*)?$/.exec(r.rawPath);
  let stage: StagePlan | undefined = m && m[1] !== "$default" ? api.stages.get(m[1]!) : undefined;
  let path = r.rawPath;
  if (stage) path = m![2] ?? "/";
  else stage = api.stages.get("$default");
  if (!stage) return fail(errors.httpNotFound());
  r.exec.stage = stage.name;
  const origin = api.cors ? headerValue(r.headerLines, "origin") : undefined;
  // With a CorsConfiguration every preflight is API Gateway's own answer (apigateway.md §9.1) —
  // except one that only the $default route catches while it has an authorizer: that route gets
  // it, and the authorizer refuses it, as AWS documents (§3; the fix is an OPTIONS /{proxy+} route).
  if (
    api.cors &&
    origin !== undefined &&
    r.method === "OPTIONS" &&
    headerValue(r.headerLines, "access-control-request-method") !== undefined &&
    !(api.defaultRouteAuthorized && !api.matcher.match("OPTIONS", path))
  ) {
    const parts = answerPreflight(api.cors, origin);
    if (isTraced("apiCors")) traceApi("apiCors", r, `HTTP API ${api.name}: preflight from ${origin} answered by API Gateway: ${corsVerdict(parts)}`);
    return { kind: "response", parts, traced: false };
  }
  const outcome = await routeHttp(api, { ...r, rawPath: path }, stage, d, cache);
  if (!api.cors || outcome.kind !== "response") return outcome;
  const parts = applyCors(api.cors, origin, outcome.parts);
  if (isTraced("apiCors") && origin !== undefined) traceApi("apiCors", r, `HTTP API ${api.name}: request from ${origin}: ${corsVerdict(parts)}`);
  return { ...outcome, parts };
}

/** Route → throttle → integration, for a request whose rawPath no longer carries the stage. */
async function routeHttp(api: HttpApiPlan, r: ApiRequest, s: StagePlan, d: ApiHandlerDeps, cache: AuthorizerCache<HttpAuthorizerDecision>): Promise<Outcome> {
  const match = api.matcher.match(r.method, r.rawPath);
  const target = match?.value ?? api.defaultRoute;
  if (isTraced("apiRoute"))
    traceApi(
      "apiRoute",
      r,
      target
        ? `HTTP API ${api.name} stage ${s.name}: route ${target.routeKey}${target.integration ? ` → ${target.integration.type} integration` : " has no integration → 404"}`
        : `HTTP API ${api.name} stage ${s.name}: no route matches ${r.method} ${r.rawPath} and there is no $default route → 404`,
    );
  if (!target) return fail(errors.httpNotFound());
  if (!target.integration) return fail(errors.httpNotFound());
  const pathParameters = match?.pathParameters;
  const limits = s.throttle.byKey.get(target.routeKey) ?? s.throttle.fallback;
  if (!d.throttles.admit(`${api.id}|${s.name}|${target.routeKey}`, limits)) return fail(errors.httpTooManyRequests());
  let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
  if (target.jwt) {
    const a = authorizeJwt(target.jwt.authorizer, r, target.jwt.scopes, d.clock.now());
    if (isTraced("apiAuthorizer"))
      traceApi(
        "apiAuthorizer",
        r,
        `JWT authorizer ${target.jwt.authorizer.id}: ${a.ok ? `allowed (sub ${a.claims["sub"] ?? "-"})` : `${a.reason} → ${a.error.status}`}`,
      );
    if (!a.ok) {
      d.log.debug(`api ${api.name}: JWT authorizer ${target.jwt.authorizer.id}: ${a.reason}`);
      return fail(a.error);
    }
    jwt = { claims: a.claims, scopes: a.scopes };
  }
  let caller: IamCaller | undefined;
  if (target.iam) {
    const v = await d.iam.verify(r, false, d.clock.now());
    if (!v.ok) {
      d.log.debug(`api ${api.name}: AWS_IAM ${target.routeKey}: ${v.reason}`);
      return fail(v.error);
    }
    caller = v.caller;
  }
  const v2 = (authorizer: Record<string, unknown> | undefined) =>
    buildV2Event(r, {
      accountId: d.accountId,
      apiId: api.id,
      stage: s.name,
      routeKey: target.routeKey,
      pathParameters,
      stageVariables: s.variables,
      authorizer,
    });
  const v1 = (authorizer: Record<string, unknown> | undefined) =>
    buildV1Event(r, {
      accountId: d.accountId,
      apiId: api.id,
      stage: s.name,
      resourcePath: target.routeKey === "$default" ? "$default" : target.routeKey.split(" ")[1]!,
      resourceId: target.routeKey,
      deploymentId: api.deploymentId,
      pathParameters,
      stageVariables: s.variables,
      binaryMediaTypes: [],
      httpApi: { routeKey: target.routeKey },
      authorizer,
      caller,
    });
  let lambdaContext: { context: Record<string, unknown>; principalId: string | undefined; latencyMs: number } | undefined;
  if (target.lambdaAuthorizer) {
    const a = await authorizeHttpLambda(
      {
        plan: target.lambdaAuthorizer,
        request: r,
        routeArn: `arn:aws:execute-api:${api.region}:${d.accountId}:${api.id}/${s.name}/${r.method}/${r.rawPath.slice(1)}`,
        stageVariables: s.variables,
        contextVariables: httpContextVariables(api, s, target.routeKey, r, d.accountId),
        requestEvent: (version) => {
          const { body: _body, isBase64Encoded: _b64, ...rest } = version === "2.0" ? v2(undefined) : v1(undefined);
          return rest;
        },
      },
      { lambda: d.lambda, clock: d.clock, cache },
    );
    if (!a.ok) {
      d.log.debug(`api ${api.name}: Lambda authorizer ${target.lambdaAuthorizer.id}: ${a.reason}`);
      return fail(a.error);
    }
    lambdaContext = a;
  }
  // requestContext.authorizer: {jwt}, {lambda: context} or {iam} in 2.0 (apigateway.md §5);
  // Choice: in 1.0 the JWT claims, or the Lambda context with principalId and integrationLatency as REST puts them.
  const authorizer2 = jwt
    ? { jwt }
    : lambdaContext
      ? { lambda: lambdaContext.context }
      : caller
        ? {
            iam: {
              accessKey: caller.accessKey,
              accountId: caller.accountId,
              callerId: caller.principalId,
              cognitoIdentity: null,
              principalOrgId: null,
              userArn: caller.userArn,
              userId: caller.principalId,
            },
          }
        : undefined;
  const authorizer1 = jwt
    ? jwt
    : lambdaContext
      ? {
          ...lambdaContext.context,
          ...(lambdaContext.principalId !== undefined ? { principalId: lambdaContext.principalId } : {}),
          integrationLatency: lambdaContext.latencyMs,
        }
      : undefined;
  return integrate(target.integration, r, d, {
    rest: false,
    stage: s,
    pathParameters,
    // The $default route forwards the full request path to an HTTP integration (apigateway.md §3).
    appendPath: match ? undefined : r.rawPath,
    event: (version) => (version === "2.0" ? v2(authorizer2) : v1(authorizer1)),
    binaryMediaTypes: [],
  });
}

/** The `$context.<name>` variables an HTTP API REQUEST authorizer's IdentitySource may name. */
function httpContextVariables(api: HttpApiPlan, stage: StagePlan, routeKey: string, r: ApiRequest, accountId: string): Record<string, string> {
  return {
    accountId,
    apiId: api.id,
    domainName: r.domainName,
    domainPrefix: r.domainName.split(".")[0]!,
    httpMethod: r.method,
    "identity.sourceIp": r.sourceIp,
    "identity.userAgent": r.userAgent,
    path: r.rawPath,
    protocol: r.protocol,
    requestId: r.extendedRequestId,
    routeKey,
    stage: stage.name,
  };
}

/** The `context.<name>` variables a REQUEST authorizer's IdentitySource may name. */
function contextVariables(api: RestApiPlan, stage: StagePlan, resourcePath: string, r: ApiRequest, accountId: string): Record<string, string> {
  return {
    accountId,
    apiId: api.id,
    domainName: r.domainName,
    extendedRequestId: r.extendedRequestId,
    httpMethod: r.method,
    "identity.sourceIp": r.sourceIp,
    "identity.userAgent": r.userAgent,
    path: `/${stage.name}${r.rawPath}`,
    protocol: r.protocol,
    requestId: r.requestId,
    resourcePath,
    stage: stage.name,
  };
}

interface IntegrateContext {
  rest: boolean;
  stage: StagePlan;
  pathParameters: Record<string, string> | undefined;
  appendPath: string | undefined;
  event(version: "1.0" | "2.0"): Record<string, unknown>;
  binaryMediaTypes: readonly string[];
}

/** The integration, timed for IntegrationLatency and named in the execution log. */
async function integrate(i: IntegrationPlan, r: ApiRequest, d: ApiHandlerDeps, c: IntegrateContext): Promise<Outcome> {
  const xlog = r.exec.log;
  if (xlog.on && i.type === "lambda")
    xlog.add(
      `Endpoint request URI: https://lambda.${d.region}.amazonaws.com/2015-03-31/functions/arn:aws:lambda:${d.region}:${d.accountId}:function:${i.functionName}/invocations`,
    );
  else if (xlog.on && i.type === "http") xlog.add(`Endpoint request URI: ${i.uri}`);
  const started = d.clock.now();
  const o = await runIntegration(i, r, d, c);
  if (i.type === "lambda" || i.type === "http") {
    r.exec.integrationMs = d.clock.now() - started;
    if (xlog.on) {
      if (o.kind === "response") xlog.add(`Received response. Status: ${o.parts.status}, Integration latency: ${r.exec.integrationMs} ms`);
      else if (o.error.status === 504) xlog.add("Execution failed due to a timeout error");
    }
  }
  return o;
}

async function runIntegration(i: IntegrationPlan, r: ApiRequest, d: ApiHandlerDeps, c: IntegrateContext): Promise<Outcome> {
  const internal = () => fail(c.rest ? errors.restInternalError() : errors.httpInternalError());
  switch (i.type) {
    case "unsupported":
      return internal();
    case "mock": {
      const parts = answerMock(i.statusCode, i.responses);
      return parts ? { kind: "response", parts, traced: false } : internal();
    }
    case "http": {
      const url = integrationUrl(i.uri, c.pathParameters, c.appendPath, r.rawQuery);
      try {
        const parts = await callHttpIntegration(url, i.method === "ANY" ? r.method : i.method, r, i.timeoutMs, d.clock);
        return { kind: "response", parts, traced: false };
      } catch (e) {
        if (e instanceof IntegrationTimeout) return fail(c.rest ? errors.restTimeout() : errors.httpServiceUnavailable());
        if (e instanceof IntegrationNetworkError) return fail(c.rest ? errors.restNetworkError() : errors.httpBadGateway());
        throw e;
      }
    }
    case "lambda": {
      if (i.misconfigured) {
        d.log.warn(`lambda integration ${i.functionName}: ${i.misconfigured}`);
        return internal();
      }
      const invoked = await withTimeout(d.lambda.invoke(i.functionName, c.event(i.payloadFormatVersion)), i.timeoutMs, d.clock);
      if (invoked === "timeout") return fail(c.rest ? errors.restTimeout() : errors.httpServiceUnavailable());
      // A function error or a response outside the contract: REST 502, HTTP API 500 (apigateway.md §4.1, §5).
      const bad = () => fail(c.rest ? errors.restBadGateway() : errors.httpInternalError());
      if (invoked.FunctionError) {
        r.exec.log.add(() => `Lambda execution failed with status 200 due to customer function error: ${invoked.Payload.slice(0, 1024)}`);
        return bad();
      }
      let payload: unknown;
      try {
        payload = JSON.parse(invoked.Payload);
      } catch {
        return bad();
      }
      try {
        const parts =
          i.payloadFormatVersion === "2.0"
            ? parseV2Response(payload, invoked.Payload)
            : parseV1Response(payload, headerValue(r.headerLines, "accept"), c.binaryMediaTypes);
        return { kind: "response", parts: { ...parts, headers: remapIntegrationHeaders(parts.headers) }, traced: true };
      } catch (e) {
        if (e instanceof LambdaResponseError) {
          d.log.warn(`lambda integration ${i.functionName}: Malformed Lambda proxy response: ${e.message}`);
          r.exec.log.add("Execution failed due to configuration error: Malformed Lambda proxy response");
          return bad();
        }
        throw e;
      }
    }
  }
}

/** The response with the headers API Gateway adds (apigateway.md §12). */
function write(api: ApiPlan, req: IncomingMessage, res: ServerResponse, o: Outcome, r: ApiRequest | undefined): number {
  if (res.headersSent || res.destroyed) return 0;
  const headers = new Map<string, { name: string; values: string[] }>();
  const add = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const h = headers.get(lower);
    if (h) h.values.push(value);
    else headers.set(lower, { name, values: [value] });
  };
  let status: number;
  let body: Buffer;
  if (o.kind === "error") {
    status = o.error.status;
    body = Buffer.from(o.error.body);
    add("Content-Type", o.error.contentType);
    if (o.error.errorType && api.kind === "rest") add("x-amzn-ErrorType", o.error.errorType);
    for (const [k, v] of o.error.headers ?? []) add(k, v);
  } else {
    status = o.parts.status;
    body = o.parts.body;
    for (const [k, v] of o.parts.headers) add(k, v);
    for (const c of o.parts.cookies) add("Set-Cookie", c);
    // Choice: HTTP APIs default to application/json too (REST's default is documented, §4.1).
    if (!headers.has("content-type")) add("Content-Type", "application/json");
  }
  if (r) {
    if (api.kind === "rest") {
      add("x-amzn-RequestId", r.requestId);
      add("x-amz-apigw-id", r.extendedRequestId);
      if (o.kind === "response" && o.traced) add("X-Amzn-Trace-Id", r.traceId);
    } else add("apigw-requestid", r.extendedRequestId);
  }
  for (const { name, values } of headers.values()) res.setHeader(name, values.length === 1 ? values[0]! : values);
  res.setHeader("Content-Length", body.length);
  res.writeHead(status);
  res.end(req.method === "HEAD" ? undefined : body);
  return body.length;
}

/** Metrics (CloudWatch names) for every request; the trace event with its execution log when someone listens. */
function observe(api: ApiPlan, r: ApiRequest, o: Outcome, bytes: number, d: ApiHandlerDeps, metrics: ApiMetrics): void {
  const status = o.kind === "error" ? o.error.status : o.parts.status;
  const ms = d.clock.now() - r.timeEpoch;
  metrics.record(status, ms, r.exec.integrationMs, r.body.length + bytes);
  if (!APIGATEWAY_REQUEST.hasSubscribers) return;
  const log = r.exec.log;
  if (log.on) {
    if (o.kind === "error") log.add(`Gateway response body: ${o.error.body}`);
    log.add(`Method completed with status: ${status}`);
    if (status < 500) log.add("Successfully completed execution");
  }
  const event: ApiGatewayRequestEvent = {
    time: r.timeEpoch,
    apiId: api.id,
    apiName: api.name,
    kind: api.kind,
    stage: r.exec.stage,
    method: r.method,
    path: r.sentPath,
    status,
    requestId: r.requestId,
    ms,
    integrationMs: r.exec.integrationMs,
    executionLog: log.lines,
  };
  APIGATEWAY_REQUEST.publish(event);
}

function traceApi(name: "apiRoute" | "apiAuthorizer" | "apiCors", r: ApiRequest, message: string): void {
  publishTrace(name, r.edgeparityTrace, "apigateway", message);
}

function corsVerdict(parts: IntegrationResponseParts): string {
  const allowed = parts.headers.find(([k]) => k === "access-control-allow-origin");
  return allowed ? `allowed (Access-Control-Allow-Origin ${allowed[1]})` : "origin not in AllowOrigins: no Access-Control-Allow-* headers";
}
