import { resolve } from "node:path";
import { deriveApiId, functionNameFromUri, parsePathParts } from "../schema/api-names.js";
import type { HttpApi, HttpIntegration } from "../schema/http-api.js";
import type { RestApi, RestIntegration } from "../schema/rest-api.js";
import type { FunctionBinding } from "../schema/stack-slice.js";
import { parseHttpIdentitySource, parseIdentitySource } from "../schema/identity-source.js";
import { cognitoIssuer } from "../schema/cognito-issuer.js";
import type { CognitoAuthorizerPlan, CognitoPool } from "../authorizers/cognito-authorizer.js";
import type { HttpLambdaAuthorizerPlan } from "../authorizers/http-lambda-authorizer.js";
import type { JwtAuthorizerPlan } from "../authorizers/jwt-authorizer.js";
import type { JwksKeys } from "../authorizers/jwks.js";
import { apiKeyValue } from "../schema/api-key-value.js";
import type { ApiKey, ThrottleSettings, UsagePlan, UsagePlanKey } from "../schema/usage-plans.js";
import type { ApiKeyGrant } from "../throttling/usage-plans.js";
import type { ApiGatewayPlan, ApiPlan, AuthorizerPlan, FunctionPlan, HttpTarget, IntegrationPlan, RestTarget, StagePlan } from "./api-plan.js";
import { compileCors } from "../cors/http-api-cors.js";
import { compileMockResponses } from "../proxy/mock-integration.js";
import { ACCOUNT_LIMITS, type ThrottleLimits } from "../throttling/token-bucket.js";
import { PathMatcher, type PathEntry } from "./path-matcher.js";

/** Integration timeouts when TimeoutInMillis is absent: REST 29 s, HTTP API 30 s (apigateway.md §7). */
const REST_TIMEOUT_MS = 29_000;
const HTTP_TIMEOUT_MS = 30_000;
/** AuthorizerResultTtlInSeconds default (apigateway.md §10.1). */
const DEFAULT_AUTHORIZER_TTL_S = 300;

export interface ApiSections {
  restApis: Record<string, RestApi>;
  httpApis: Record<string, HttpApi>;
  apiKeys: Record<string, ApiKey>;
  usagePlans: Record<string, UsagePlan>;
  usagePlanKeys: UsagePlanKey[];
  local: {
    functions: Record<string, FunctionBinding>;
    restApis: Record<string, { apiId?: string }>;
    httpApis: Record<string, { apiId?: string }>;
  };
}

export function apiHosts(id: string, region: string): string[] {
  return [`${id}.execute-api.localhost`, `${id}.execute-api.${region}.amazonaws.com`];
}

/** Issuer → its JWKS keys, read at bind (`local.jwks`). */
export type JwksByIssuer = ReadonlyMap<string, JwksKeys>;

export function compileApis(stack: ApiSections, baseDir: string, region: string, jwks: JwksByIssuer = new Map()): ApiGatewayPlan {
  const apis: ApiPlan[] = [];
  for (const [name, api] of Object.entries(stack.restApis)) {
    const id = stack.local.restApis[name]?.apiId ?? deriveApiId("rest", name);
    const entries: PathEntry<RestTarget>[] = [];
    const authorizers = compileAuthorizers(api);
    const cognito = compileCognitoAuthorizers(api, jwks);
    for (const [path, resource] of Object.entries(api.Resources)) {
      const parts = parsePathParts(path);
      if (typeof parts === "string") continue;
      for (const [method, m] of Object.entries(resource.Methods)) {
        if (!m.Integration) continue;
        entries.push({
          parts,
          method,
          value: {
            resourcePath: path,
            method,
            resourceId: deriveApiId("rest", `${name}:${path}`).slice(0, 6),
            integration: restIntegration(m.Integration),
            authorizer: m.AuthorizationType === "CUSTOM" && m.AuthorizerId !== undefined ? authorizers.get(m.AuthorizerId) : undefined,
            cognito: cognitoAuthorization(m.AuthorizationType === "COGNITO_USER_POOLS" ? m.AuthorizerId : undefined, m.AuthorizationScopes, cognito),
            iam: m.AuthorizationType === "AWS_IAM",
            apiKeyRequired: m.ApiKeyRequired,
          },
        });
      }
    }
    apis.push({
      kind: "rest",
      region,
      apiKeySource: api.ApiKeySource ?? "HEADER",
      apiKeys: compileApiKeyGrants(stack, name, id),
      name,
      id,
      hosts: apiHosts(id, region),
      stages: new Map(
        Object.entries(api.Stages).map(([s, v]) => {
          const settings = Object.entries(v.MethodSettings ?? {}).map(([key, m]) => [key.replace(/~1/g, "/"), limitsOf(m)] as const);
          const fallback = settings.find(([k]) => k === "*/*")?.[1];
          return [
            s,
            stagePlan(
              s,
              v.Variables,
              fallback,
              settings.filter(([k]) => k !== "*/*"),
            ),
          ];
        }),
      ),
      deploymentId: deriveApiId("rest", `${name}:deployment`).slice(0, 6),
      binaryMediaTypes: api.BinaryMediaTypes,
      matcher: new PathMatcher(entries),
    });
  }
  for (const [name, api] of Object.entries(stack.httpApis)) {
    const id = stack.local.httpApis[name]?.apiId ?? deriveApiId("http", name);
    const entries: PathEntry<HttpTarget>[] = [];
    let defaultRoute: HttpTarget | undefined;
    const jwtAuthorizers = compileJwtAuthorizers(api, jwks);
    const lambdaAuthorizers = compileHttpLambdaAuthorizers(api);
    for (const [routeKey, route] of Object.entries(api.Routes)) {
      const integrationId = route.Target?.replace(/^integrations\//, "");
      const i = integrationId === undefined ? undefined : api.Integrations[integrationId];
      const jwt = route.AuthorizationType === "JWT" && route.AuthorizerId !== undefined ? jwtAuthorizers.get(route.AuthorizerId) : undefined;
      const target: HttpTarget = {
        routeKey,
        integration: i ? httpIntegration(i) : undefined,
        jwt: jwt ? { authorizer: jwt, scopes: route.AuthorizationScopes } : undefined,
        lambdaAuthorizer: route.AuthorizationType === "CUSTOM" && route.AuthorizerId !== undefined ? lambdaAuthorizers.get(route.AuthorizerId) : undefined,
        iam: route.AuthorizationType === "AWS_IAM",
      };
      if (routeKey === "$default") {
        defaultRoute = target;
        continue;
      }
      const [method, path] = routeKey.split(" ") as [string, string];
      const parts = parsePathParts(path);
      if (typeof parts !== "string") entries.push({ parts, method, value: target });
    }
    apis.push({
      kind: "http",
      region,
      name,
      id,
      hosts: apiHosts(id, region),
      stages: new Map(
        Object.entries(api.Stages).map(([s, v]) => [
          s,
          stagePlan(
            s,
            v.StageVariables,
            limitsOf(v.DefaultRouteSettings),
            Object.entries(v.RouteSettings ?? {}).map(([k, r]) => [k, limitsOf(r)] as const),
          ),
        ]),
      ),
      deploymentId: deriveApiId("http", `${name}:deployment`).slice(0, 6),
      matcher: new PathMatcher(entries),
      defaultRoute,
      defaultRouteAuthorized: defaultRoute !== undefined && (defaultRoute.jwt !== undefined || defaultRoute.lambdaAuthorizer !== undefined || defaultRoute.iam),
      cors: compileCors(api.CorsConfiguration),
    });
  }
  const functions: FunctionPlan[] = Object.entries(stack.local.functions).map(([FunctionName, f]) => ({
    FunctionName,
    file: resolve(baseDir, f.handler),
    export: f.export,
    Runtime: f.Runtime,
    Timeout: f.Timeout,
    MemorySize: f.MemorySize,
    Variables: f.Environment?.Variables,
  }));
  return Object.freeze({ apis, functions });
}

function stagePlan(
  name: string,
  variables: Record<string, string> | undefined,
  fallback: ThrottleLimits | undefined,
  byKey: readonly (readonly [string, ThrottleLimits | undefined])[],
): StagePlan {
  const limits = new Map<string, ThrottleLimits>();
  for (const [k, l] of byKey) if (l) limits.set(k, l);
  return { name, variables: variables && Object.keys(variables).length ? variables : undefined, throttle: { fallback, byKey: limits } };
}

/** Throttling settings → limits; a missing half takes the account default (Choice: apigateway.md §8 is silent). */
function limitsOf(s: { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number } | undefined): ThrottleLimits | undefined {
  if (s?.ThrottlingRateLimit === undefined && s?.ThrottlingBurstLimit === undefined) return undefined;
  return { rate: s.ThrottlingRateLimit ?? ACCOUNT_LIMITS.rate, burst: s.ThrottlingBurstLimit ?? ACCOUNT_LIMITS.burst };
}

/** Lambda TOKEN / REQUEST authorizers by AuthorizerId (Cognito ones are warned and not applied). */
function compileAuthorizers(api: RestApi): Map<string, AuthorizerPlan> {
  const out = new Map<string, AuthorizerPlan>();
  for (const [id, a] of Object.entries(api.Authorizers)) {
    if (a.Type === "COGNITO_USER_POOLS") continue;
    const sources = parseIdentitySource(a.IdentitySource);
    out.set(id, {
      id,
      type: a.Type,
      functionName: functionNameFromUri(a.AuthorizerUri ?? "")!,
      identitySources: typeof sources === "string" ? [] : sources,
      // Choice: the whole token must match (Java String.matches, as API Gateway runs on the JVM); the docs say only "when there is a match".
      validation: a.Type === "TOKEN" && a.IdentityValidationExpression !== undefined ? new RegExp(`^(?:${a.IdentityValidationExpression})$`) : undefined,
      ttlMs: (a.AuthorizerResultTtlInSeconds ?? DEFAULT_AUTHORIZER_TTL_S) * 1000,
    });
  }
  return out;
}

/** COGNITO_USER_POOLS authorizers by AuthorizerId: the identity header and each provider pool's issuer and keys. */
function compileCognitoAuthorizers(api: RestApi, jwks: JwksByIssuer): Map<string, CognitoAuthorizerPlan> {
  const out = new Map<string, CognitoAuthorizerPlan>();
  for (const [id, a] of Object.entries(api.Authorizers)) {
    if (a.Type !== "COGNITO_USER_POOLS") continue;
    const sources = parseIdentitySource(a.IdentitySource);
    const header = typeof sources === "string" ? undefined : sources[0]?.name;
    const pools: CognitoPool[] = [];
    for (const arn of a.ProviderARNs ?? []) {
      const issuer = cognitoIssuer(arn);
      const keys = issuer === undefined ? undefined : jwks.get(issuer);
      if (issuer !== undefined && keys) pools.push({ issuer, keys });
    }
    if (header !== undefined) out.set(id, { id, header: header.toLowerCase(), pools });
  }
  return out;
}

function cognitoAuthorization(
  authorizerId: string | undefined,
  scopes: string[] | undefined,
  cognito: ReadonlyMap<string, CognitoAuthorizerPlan>,
): RestTarget["cognito"] {
  const authorizer = authorizerId === undefined ? undefined : cognito.get(authorizerId);
  return authorizer ? { authorizer, scopes } : undefined;
}

/** HTTP API REQUEST (Lambda) authorizers by AuthorizerId. */
function compileHttpLambdaAuthorizers(api: HttpApi): Map<string, HttpLambdaAuthorizerPlan> {
  const out = new Map<string, HttpLambdaAuthorizerPlan>();
  for (const [id, a] of Object.entries(api.Authorizers)) {
    if (a.AuthorizerType !== "REQUEST") continue;
    const functionName = functionNameFromUri(a.AuthorizerUri ?? "");
    if (functionName === undefined) continue;
    const identitySources = (a.IdentitySource ?? []).map(parseHttpIdentitySource).filter((x) => x !== undefined);
    const ttl = a.AuthorizerResultTtlInSeconds ?? (identitySources.length > 0 ? DEFAULT_AUTHORIZER_TTL_S : 0);
    out.set(id, {
      id,
      functionName,
      payloadFormatVersion: a.AuthorizerPayloadFormatVersion ?? "2.0",
      simpleResponses: a.EnableSimpleResponses === true,
      identitySources: identitySources as HttpLambdaAuthorizerPlan["identitySources"],
      ttlMs: ttl * 1000,
    });
  }
  return out;
}

/** Stage → key value → grant, for the enabled keys of every usage plan that names this API's stage. */
function compileApiKeyGrants(stack: ApiSections, apiName: string, apiId: string): Map<string, Map<string, ApiKeyGrant>> {
  const out = new Map<string, Map<string, ApiKeyGrant>>();
  for (const pk of stack.usagePlanKeys) {
    const plan = stack.usagePlans[pk.UsagePlanId];
    const key = stack.apiKeys[pk.KeyId];
    if (!plan || !key?.Enabled) continue;
    for (const s of plan.ApiStages) {
      if (s.ApiId !== apiName && s.ApiId !== apiId) continue;
      const methodThrottle = new Map<string, ThrottleLimits>();
      for (const [m, t] of Object.entries(s.Throttle ?? {})) {
        const l = usageLimits(t);
        if (l) methodThrottle.set(m, l);
      }
      let byValue = out.get(s.Stage);
      if (!byValue) out.set(s.Stage, (byValue = new Map()));
      const value = apiKeyValue(pk.KeyId, key);
      byValue.set(value, {
        keyId: deriveApiId("rest", `apikey:${pk.KeyId}`),
        keyName: pk.KeyId,
        value,
        planId: pk.UsagePlanId,
        throttle: usageLimits(plan.Throttle),
        methodThrottle,
        quota: plan.Quota ? { limit: plan.Quota.Limit, offset: plan.Quota.Offset, period: plan.Quota.Period } : undefined,
      });
    }
  }
  return out;
}

/** A usage plan's ThrottleSettings; a missing half takes the account default (as stage settings do). */
function usageLimits(t: ThrottleSettings | undefined): ThrottleLimits | undefined {
  return limitsOf(t && { ThrottlingRateLimit: t.RateLimit, ThrottlingBurstLimit: t.BurstLimit });
}

function compileJwtAuthorizers(api: HttpApi, jwks: JwksByIssuer): Map<string, JwtAuthorizerPlan> {
  const out = new Map<string, JwtAuthorizerPlan>();
  for (const [id, a] of Object.entries(api.Authorizers)) {
    const issuer = a.JwtConfiguration?.Issuer;
    const m = /^\$request\.(header|querystring)\.(.+)$/.exec(a.IdentitySource?.[0] ?? "");
    const keys = issuer === undefined ? undefined : jwks.get(issuer);
    if (a.AuthorizerType !== "JWT" || !m || !keys || issuer === undefined) continue;
    out.set(id, { id, source: { kind: m[1] as "header" | "querystring", name: m[2]! }, issuer, audience: a.JwtConfiguration?.Audience ?? [], keys });
  }
  return out;
}

function restIntegration(i: RestIntegration): IntegrationPlan {
  const timeoutMs = i.TimeoutInMillis ?? REST_TIMEOUT_MS;
  switch (i.Type) {
    case "AWS_PROXY":
      return {
        type: "lambda",
        functionName: functionNameFromUri(i.Uri ?? "")!,
        payloadFormatVersion: "1.0",
        timeoutMs,
        // apigateway.md §4: a Lambda proxy integration is invoked with POST; any other method fails.
        misconfigured: i.IntegrationHttpMethod?.toUpperCase() === "POST" ? undefined : "IntegrationHttpMethod must be POST for AWS_PROXY",
      };
    case "HTTP_PROXY":
      return { type: "http", uri: i.Uri!, method: i.IntegrationHttpMethod!.toUpperCase(), timeoutMs };
    case "MOCK": {
      const template = i.RequestTemplates?.["application/json"] ?? Object.values(i.RequestTemplates ?? {})[0];
      const m = template === undefined ? undefined : /"statusCode"\s*:\s*(\d{3})/.exec(template);
      return { type: "mock", statusCode: m ? Number(m[1]) : 200, responses: compileMockResponses(i.IntegrationResponses ?? []) };
    }
    default:
      return { type: "unsupported", what: `${i.Type} integration` };
  }
}

function httpIntegration(i: HttpIntegration): IntegrationPlan {
  const timeoutMs = i.TimeoutInMillis ?? HTTP_TIMEOUT_MS;
  if (i.IntegrationType === "AWS_PROXY")
    return { type: "lambda", functionName: functionNameFromUri(i.IntegrationUri ?? "")!, payloadFormatVersion: i.PayloadFormatVersion ?? "2.0", timeoutMs };
  if (i.IntegrationType === "HTTP_PROXY") return { type: "http", uri: i.IntegrationUri!, method: (i.IntegrationMethod ?? "ANY").toUpperCase(), timeoutMs };
  return { type: "unsupported", what: `${i.IntegrationType} integration` };
}
