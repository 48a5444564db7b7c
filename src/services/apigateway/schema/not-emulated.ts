import type { HttpApi } from "./http-api.js";
import type { RestApi } from "./rest-api.js";
import type { ApiKey } from "./usage-plans.js";

export interface NotEmulated {
  path: (string | number)[];
  message: string;
}

const REST_API_FIELDS = ["EndpointConfiguration", "DisableExecuteApiEndpoint", "MinimumCompressionSize", "Policy"] as const;
const METHOD_FIELDS = ["RequestParameters", "RequestModels", "RequestValidatorId", "MethodResponses"] as const;
const REST_INTEGRATION_FIELDS = [
  "ConnectionId",
  "Credentials",
  "RequestParameters",
  "PassthroughBehavior",
  "CacheNamespace",
  "CacheKeyParameters",
  "ContentHandling",
  "TlsConfig",
] as const;
const REST_STAGE_FIELDS = ["CacheClusterEnabled", "CacheClusterSize", "TracingEnabled", "AccessLogSettings", "ClientCertificateId"] as const;
const HTTP_API_FIELDS = ["DisableExecuteApiEndpoint", "RouteSelectionExpression"] as const;
const ROUTE_FIELDS = ["ApiKeyRequired", "RequestParameters", "RequestModels"] as const;
const HTTP_INTEGRATION_FIELDS = ["ConnectionId", "CredentialsArn", "IntegrationSubtype", "RequestParameters", "ResponseParameters", "TlsConfig"] as const;
const HTTP_STAGE_FIELDS = ["AccessLogSettings"] as const;
const METHOD_SETTING_FIELDS = [
  "MetricsEnabled",
  "LoggingLevel",
  "DataTraceEnabled",
  "CachingEnabled",
  "CacheTtlInSeconds",
  "CacheDataEncrypted",
  "RequireAuthorizationForCacheControl",
  "UnauthorizedCacheControlHeaderStrategy",
] as const;
const ROUTE_SETTING_FIELDS = ["DetailedMetricsEnabled", "LoggingLevel", "DataTraceEnabled"] as const;

function present<T extends object>(o: T, fields: readonly string[], at: (string | number)[], out: NotEmulated[]) {
  for (const f of fields) if ((o as Record<string, unknown>)[f] !== undefined) out.push({ path: [...at, f], message: "not emulated (accepted and ignored)" });
}

/** Settings accepted from a real API description but not applied: each one is a load warning naming its path. */
export function findNotEmulatedApis(restApis: Record<string, RestApi>, httpApis: Record<string, HttpApi>, apiKeys: Record<string, ApiKey> = {}): NotEmulated[] {
  const out: NotEmulated[] = [];
  for (const [name, k] of Object.entries(apiKeys)) present(k, ["CustomerId", "GenerateDistinctId", "StageKeys"], ["apiKeys", name], out);
  for (const [name, api] of Object.entries(restApis)) {
    const at = ["restApis", name];
    present(api, REST_API_FIELDS, at, out);
    for (const [path, r] of Object.entries(api.Resources))
      for (const [method, m] of Object.entries(r.Methods)) {
        const mat = [...at, "Resources", path, "Methods", method];
        present(m, METHOD_FIELDS, mat, out);
        // AuthorizationScopes are read by Cognito authorizers only (PutMethod).
        if (m.AuthorizationScopes !== undefined && m.AuthorizationType !== "COGNITO_USER_POOLS")
          out.push({ path: [...mat, "AuthorizationScopes"], message: "not emulated: scopes apply to COGNITO_USER_POOLS methods only" });
        const i = m.Integration;
        if (!i) continue;
        present(i, REST_INTEGRATION_FIELDS, [...mat, "Integration"], out);
        if (i.Type === "AWS" || i.Type === "HTTP")
          out.push({
            path: [...mat, "Integration", "Type"],
            message: `not emulated: non-proxy ${i.Type} integrations (mapping templates) answer 500 Internal server error`,
          });
        if (i.ConnectionType === "VPC_LINK") out.push({ path: [...mat, "Integration", "ConnectionType"], message: "not emulated: the Uri is called directly" });
        if (i.Type === "MOCK") {
          for (const [ct, t] of Object.entries(i.RequestTemplates ?? {}))
            if (!/^\s*\{\s*"statusCode"\s*:\s*\d{3}\s*\}\s*$/.test(t))
              out.push({ path: [...mat, "Integration", "RequestTemplates", ct], message: 'not emulated: only a literal {"statusCode": NNN} template is read' });
          for (const [n, r2] of (i.IntegrationResponses ?? []).entries())
            for (const [ct, t] of Object.entries(r2.ResponseTemplates ?? {}))
              if (/[$#]/.test(t))
                out.push({
                  path: [...mat, "Integration", "IntegrationResponses", n, "ResponseTemplates", ct],
                  message: "not emulated: templates are sent as written (no VTL)",
                });
        }
      }
    for (const [id, a] of Object.entries(api.Authorizers)) present(a, ["AuthorizerCredentials", "AuthType"], [...at, "Authorizers", id], out);
    for (const [stage, s] of Object.entries(api.Stages)) {
      present(s, REST_STAGE_FIELDS, [...at, "Stages", stage], out);
      for (const [key, m] of Object.entries(s.MethodSettings ?? {})) present(m, METHOD_SETTING_FIELDS, [...at, "Stages", stage, "MethodSettings", key], out);
    }
  }
  for (const [name, api] of Object.entries(httpApis)) {
    const at = ["httpApis", name];
    present(api, HTTP_API_FIELDS, at, out);
    for (const [key, r] of Object.entries(api.Routes)) {
      present(r, ROUTE_FIELDS, [...at, "Routes", key], out);
    }
    for (const [id, i] of Object.entries(api.Integrations)) {
      present(i, HTTP_INTEGRATION_FIELDS, [...at, "Integrations", id], out);
      if (i.IntegrationType === "AWS")
        out.push({ path: [...at, "Integrations", id, "IntegrationType"], message: "not emulated: AWS service integrations answer 500 Internal Server Error" });
      if (i.ConnectionType === "VPC_LINK")
        out.push({ path: [...at, "Integrations", id, "ConnectionType"], message: "not emulated: the IntegrationUri is called directly" });
    }
    for (const [id, a] of Object.entries(api.Authorizers))
      present(a, ["AuthorizerCredentialsArn", "IdentityValidationExpression"], [...at, "Authorizers", id], out);
    for (const [stage, s] of Object.entries(api.Stages)) {
      present(s, HTTP_STAGE_FIELDS, [...at, "Stages", stage], out);
      if (s.DefaultRouteSettings) present(s.DefaultRouteSettings, ROUTE_SETTING_FIELDS, [...at, "Stages", stage, "DefaultRouteSettings"], out);
      for (const [key, r] of Object.entries(s.RouteSettings ?? {})) present(r, ROUTE_SETTING_FIELDS, [...at, "Stages", stage, "RouteSettings", key], out);
    }
  }
  return out;
}
