import { API_ID, functionNameFromUri, parsePathParts } from "./api-names.js";
import type { HttpApi, HttpAuthorizer } from "./http-api.js";
import { cognitoIssuer } from "./cognito-issuer.js";
import { parseHttpIdentitySource, parseIdentitySource } from "./identity-source.js";
import type { Authorizer, RestApi } from "./rest-api.js";

type Problem = [readonly (string | number)[], string];

/**
 * What API Gateway's API refuses across fields (CreateResource, PutIntegration, CreateDeployment,
 * CreateStage, CreateRoute, CreateIntegration), as `BadRequestException: <message>`. Messages AWS
 * documents are copied in meaning; the others say what is wrong and where.
 */
export function validateRestApis(apis: Record<string, RestApi>, apiIds: Record<string, { apiId?: string }>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, api] of Object.entries(apis)) {
    const at = (...p: (string | number)[]) => ["restApis", name, ...p] as const;
    const pinned = apiIds[name]?.apiId;
    if (pinned !== undefined && !API_ID.test(pinned)) problems.push([["local", "restApis", name, "apiId"], "an API id is 10 lowercase letters or digits"]);
    for (const stage of Object.keys(api.Stages))
      // CreateStage: "Stage name only allows a-zA-Z0-9_".
      if (!/^[A-Za-z0-9_]{1,128}$/.test(stage)) problems.push([at("Stages", stage), "BadRequestException: Stage name only allows a-zA-Z0-9_"]);
    for (const [path, resource] of Object.entries(api.Resources)) {
      const parts = parsePathParts(path);
      if (typeof parts === "string") problems.push([at("Resources", path), `BadRequestException: Resource's path part is invalid: ${parts}`]);
      for (const [method, m] of Object.entries(resource.Methods)) {
        const mat = (...p: string[]) => at("Resources", path, "Methods", method, ...p);
        // PutMethod: CUSTOM / COGNITO_USER_POOLS need an authorizer of this API, of the matching type.
        if (m.AuthorizationType === "CUSTOM" || m.AuthorizationType === "COGNITO_USER_POOLS") {
          const a = m.AuthorizerId === undefined ? undefined : api.Authorizers[m.AuthorizerId];
          if (!a || (a.Type === "COGNITO_USER_POOLS") !== (m.AuthorizationType === "COGNITO_USER_POOLS"))
            problems.push([
              mat("AuthorizerId"),
              `BadRequestException: Invalid authorizer ID specified: name one of the API's ${m.AuthorizationType === "CUSTOM" ? "TOKEN or REQUEST" : "COGNITO_USER_POOLS"} Authorizers`,
            ]);
        }
        const i = m.Integration;
        // CreateDeployment refuses a method without an integration.
        if (!i) {
          problems.push([mat(), "BadRequestException: No integration defined for method"]);
          continue;
        }
        if (i.TimeoutInMillis !== undefined && (i.TimeoutInMillis < 50 || i.TimeoutInMillis > 29_000))
          problems.push([mat("Integration", "TimeoutInMillis"), "BadRequestException: Timeout should be between 50 ms and 29000 ms"]);
        if (i.Type === "AWS_PROXY" || i.Type === "HTTP_PROXY" || i.Type === "HTTP" || i.Type === "AWS") {
          if (!i.Uri) problems.push([mat("Integration", "Uri"), "BadRequestException: Enumeration value for Integration Uri must be non-empty"]);
          if (!i.IntegrationHttpMethod)
            problems.push([mat("Integration", "IntegrationHttpMethod"), "BadRequestException: Enumeration value for HttpMethod must be non-empty"]);
        }
        if (i.Type === "AWS_PROXY" && i.Uri && functionNameFromUri(i.Uri) === undefined)
          problems.push([mat("Integration", "Uri"), "BadRequestException: AWS ARN for integration must contain path or action"]);
        if (i.Type === "HTTP_PROXY" && i.Uri && !/^https?:\/\//.test(i.Uri))
          problems.push([mat("Integration", "Uri"), "BadRequestException: Invalid HTTP endpoint specified for URI"]);
      }
    }
    for (const [id, a] of Object.entries(api.Authorizers)) problems.push(...validateAuthorizer(a, ["restApis", name, "Authorizers", id]));
  }
  return problems;
}

/** CreateAuthorizer's refusals (apigateway.md §10.1, §7 cache TTL 0–3600). */
function validateAuthorizer(a: Authorizer, at: readonly (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  if (a.Type === "COGNITO_USER_POOLS") {
    if (!a.ProviderARNs?.length)
      problems.push([[...at, "ProviderARNs"], "BadRequestException: ProviderARNs must be specified for COGNITO_USER_POOLS authorizers"]);
    for (const [i, arn] of (a.ProviderARNs ?? []).entries())
      if (cognitoIssuer(arn) === undefined)
        problems.push([[...at, "ProviderARNs", i], "BadRequestException: Invalid provider ARN: arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>"]);
    const sources = parseIdentitySource(a.IdentitySource);
    if (typeof sources === "string" || sources.length !== 1 || sources[0]!.kind !== "header")
      problems.push([[...at, "IdentitySource"], "BadRequestException: A COGNITO_USER_POOLS authorizer's IdentitySource is one method.request.header.<name>"]);
    return problems;
  }
  if (!a.AuthorizerUri || functionNameFromUri(a.AuthorizerUri) === undefined)
    problems.push([[...at, "AuthorizerUri"], "BadRequestException: Invalid Authorizer URI: a Lambda function invocation ARN is required"]);
  const ttl = a.AuthorizerResultTtlInSeconds;
  if (ttl !== undefined && (ttl < 0 || ttl > 3600))
    problems.push([[...at, "AuthorizerResultTtlInSeconds"], "BadRequestException: AuthorizerResultTtlInSeconds must be between 0 and 3600"]);
  const sources = parseIdentitySource(a.IdentitySource);
  if (typeof sources === "string") problems.push([[...at, "IdentitySource"], `BadRequestException: ${sources}`]);
  else if (a.Type === "TOKEN" && (sources.length !== 1 || sources[0]!.kind !== "header"))
    problems.push([[...at, "IdentitySource"], "BadRequestException: A TOKEN authorizer's IdentitySource is one method.request.header.<name>"]);
  else if (a.Type === "REQUEST" && sources.length === 0 && (ttl ?? 300) > 0)
    problems.push([[...at, "IdentitySource"], "BadRequestException: Identity Source must be specified when caching is enabled"]);
  if (a.IdentityValidationExpression !== undefined)
    try {
      new RegExp(a.IdentityValidationExpression);
    } catch {
      problems.push([[...at, "IdentityValidationExpression"], "BadRequestException: Invalid IdentityValidationExpression"]);
    }
  return problems;
}

/** CreateAuthorizer (apigatewayv2) for a REQUEST (Lambda) authorizer (apigateway.md §10.3). */
function validateHttpLambdaAuthorizer(a: HttpAuthorizer, aat: (...p: string[]) => readonly (string | number)[]): Problem[] {
  const problems: Problem[] = [];
  if (!a.AuthorizerUri || functionNameFromUri(a.AuthorizerUri) === undefined)
    problems.push([aat("AuthorizerUri"), "BadRequestException: AuthorizerUri must be a Lambda function invocation ARN for REQUEST authorizers"]);
  if (!a.AuthorizerPayloadFormatVersion)
    problems.push([
      aat("AuthorizerPayloadFormatVersion"),
      "BadRequestException: AuthorizerPayloadFormatVersion is required for REQUEST authorizers ('1.0' or '2.0')",
    ]);
  if (a.EnableSimpleResponses && a.AuthorizerPayloadFormatVersion !== "2.0")
    problems.push([aat("EnableSimpleResponses"), "BadRequestException: EnableSimpleResponses is supported only with AuthorizerPayloadFormatVersion 2.0"]);
  const ttl = a.AuthorizerResultTtlInSeconds;
  if (ttl !== undefined && (ttl < 0 || ttl > 3600))
    problems.push([aat("AuthorizerResultTtlInSeconds"), "BadRequestException: AuthorizerResultTtlInSeconds must be between 0 and 3600"]);
  const sources = a.IdentitySource ?? [];
  for (const [i, src] of sources.entries())
    if (parseHttpIdentitySource(src) === undefined)
      problems.push([
        [...aat("IdentitySource"), i],
        "BadRequestException: Invalid identity source: use $request.header.<name>, $request.querystring.<name>, $context.<name> or $stageVariables.<name>",
      ]);
  if (sources.length === 0 && ttl !== undefined && ttl > 0)
    problems.push([aat("IdentitySource"), "BadRequestException: Identity Source must be specified when caching is enabled"]);
  return problems;
}

const ROUTE_KEY = /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (\/\S*))$/;

export function validateHttpApis(apis: Record<string, HttpApi>, apiIds: Record<string, { apiId?: string }>): Problem[] {
  const problems: Problem[] = [];
  for (const [name, api] of Object.entries(apis)) {
    const at = (...p: (string | number)[]) => ["httpApis", name, ...p] as const;
    const pinned = apiIds[name]?.apiId;
    if (pinned !== undefined && !API_ID.test(pinned)) problems.push([["local", "httpApis", name, "apiId"], "an API id is 10 lowercase letters or digits"]);
    for (const stage of Object.keys(api.Stages))
      if (stage !== "$default" && !/^[A-Za-z0-9_-]{1,128}$/.test(stage)) problems.push([at("Stages", stage), "BadRequestException: Stage name is invalid"]);
    const cors = api.CorsConfiguration;
    // Choice: the message is ours (apigateway.md §9.1: refused, text UNCONFIRMED).
    if (cors?.AllowCredentials && cors.AllowOrigins?.includes("*"))
      problems.push([at("CorsConfiguration", "AllowCredentials"), "BadRequestException: AllowCredentials cannot be true when AllowOrigins contains '*'"]);
    for (const [key, route] of Object.entries(api.Routes)) {
      const m = ROUTE_KEY.exec(key);
      if (!m) problems.push([at("Routes", key), "BadRequestException: Invalid route key. A route key is $default or '<METHOD> /<path>'"]);
      else if (m[3] !== undefined && m[3] !== "/") {
        const parts = parsePathParts(m[3]);
        if (typeof parts === "string") problems.push([at("Routes", key), `BadRequestException: Invalid route key: ${parts}`]);
      }
      if (route.AuthorizationType === "JWT" && (route.AuthorizerId === undefined || api.Authorizers[route.AuthorizerId]?.AuthorizerType !== "JWT"))
        problems.push([at("Routes", key, "AuthorizerId"), "BadRequestException: Invalid authorizer ID specified: name one of the API's JWT Authorizers"]);
      if (route.AuthorizationType === "CUSTOM" && (route.AuthorizerId === undefined || api.Authorizers[route.AuthorizerId]?.AuthorizerType !== "REQUEST"))
        problems.push([at("Routes", key, "AuthorizerId"), "BadRequestException: Invalid authorizer ID specified: name one of the API's REQUEST Authorizers"]);
      if ((route.AuthorizationScopes?.length ?? 0) > 10)
        problems.push([at("Routes", key, "AuthorizationScopes"), "BadRequestException: A route has at most 10 AuthorizationScopes"]);
      if (route.Target !== undefined) {
        const t = /^integrations\/(.+)$/.exec(route.Target);
        if (!t || !(t[1]! in api.Integrations))
          problems.push([
            at("Routes", key, "Target"),
            `NotFoundException: Invalid integration identifier specified: name one of Integrations as integrations/<IntegrationId>`,
          ]);
      }
    }
    for (const [id, a] of Object.entries(api.Authorizers)) {
      const aat = (...p: string[]) => at("Authorizers", id, ...p);
      if (a.AuthorizerType === "REQUEST") {
        problems.push(...validateHttpLambdaAuthorizer(a, aat));
        continue;
      }
      if (!a.JwtConfiguration?.Issuer)
        problems.push([aat("JwtConfiguration", "Issuer"), "BadRequestException: JwtConfiguration.Issuer is required for JWT authorizers"]);
      if ((a.JwtConfiguration?.Audience?.length ?? 0) > 50)
        problems.push([aat("JwtConfiguration", "Audience"), "BadRequestException: JwtConfiguration.Audience has at most 50 entries"]);
      const src = a.IdentitySource ?? [];
      if (src.length !== 1 || !/^\$request\.(header|querystring)\.\S+$/.test(src[0]!))
        problems.push([
          aat("IdentitySource"),
          "BadRequestException: A JWT authorizer's IdentitySource is one $request.header.<name> or $request.querystring.<name>",
        ]);
    }
    for (const [id, i] of Object.entries(api.Integrations)) {
      const iat = (...p: string[]) => at("Integrations", id, ...p);
      if (i.IntegrationType === "MOCK") problems.push([iat("IntegrationType"), "BadRequestException: MOCK integrations are not supported for HTTP APIs"]);
      if (i.TimeoutInMillis !== undefined && (i.TimeoutInMillis < 50 || i.TimeoutInMillis > 30_000))
        problems.push([iat("TimeoutInMillis"), "BadRequestException: Timeout must be between 50 ms and 30000 ms"]);
      if (i.IntegrationType === "AWS_PROXY") {
        if (!i.PayloadFormatVersion)
          problems.push([iat("PayloadFormatVersion"), "BadRequestException: PayloadFormatVersion is required for AWS_PROXY integrations ('1.0' or '2.0')"]);
        if (!i.IntegrationUri || functionNameFromUri(i.IntegrationUri) === undefined)
          problems.push([iat("IntegrationUri"), "BadRequestException: IntegrationUri must be a Lambda function ARN"]);
      }
      if (i.IntegrationType === "HTTP_PROXY" && !/^https?:\/\//.test(i.IntegrationUri ?? ""))
        problems.push([iat("IntegrationUri"), "BadRequestException: IntegrationUri must be an http or https URL"]);
    }
  }
  return problems;
}
