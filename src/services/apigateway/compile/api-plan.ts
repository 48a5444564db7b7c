import type { CorsPlan } from "../cors/http-api-cors.js";
import type { ThrottleLimits } from "../throttling/token-bucket.js";
import type { ApiKeyGrant } from "../throttling/usage-plans.js";
import type { MockResponse } from "../proxy/mock-integration.js";
import type { PathMatcher } from "./path-matcher.js";
import type { IdentitySourcePart } from "../schema/identity-source.js";
import type { JwtAuthorizerPlan } from "../authorizers/jwt-authorizer.js";
import type { CognitoAuthorizerPlan } from "../authorizers/cognito-authorizer.js";
import type { HttpLambdaAuthorizerPlan } from "../authorizers/http-lambda-authorizer.js";

/** A REST Lambda authorizer (CreateAuthorizer TOKEN / REQUEST, apigateway.md §10.1). */
export interface AuthorizerPlan {
  id: string;
  type: "TOKEN" | "REQUEST";
  functionName: string;
  identitySources: readonly IdentitySourcePart[];
  /** TOKEN: IdentityValidationExpression, compiled once. */
  validation: RegExp | undefined;
  /** AuthorizerResultTtlInSeconds × 1000 (default 300 s; 0 = no cache). */
  ttlMs: number;
}

/** The compiled, frozen form of one revision's APIs (compile-apis.ts builds it). */
export type IntegrationPlan =
  | { type: "lambda"; functionName: string; payloadFormatVersion: "1.0" | "2.0"; timeoutMs: number; misconfigured?: string }
  | { type: "http"; uri: string; method: string; timeoutMs: number }
  | { type: "mock"; statusCode: number; responses: readonly MockResponse[] }
  /** An integration type that is not emulated (non-proxy AWS/HTTP): answers the API's 500. */
  | { type: "unsupported"; what: string };

export interface StagePlan {
  name: string;
  variables: Readonly<Record<string, string>> | undefined;
  /** Throttle limits: REST by `<resource path>/<method>`, HTTP APIs by RouteKey; `fallback` for the rest. */
  throttle: { fallback: ThrottleLimits | undefined; byKey: ReadonlyMap<string, ThrottleLimits> };
}

export interface RestTarget {
  resourcePath: string;
  /** The method as declared on the resource (`ANY` included): the key of its MethodSettings. */
  method: string;
  resourceId: string;
  integration: IntegrationPlan;
  /** AuthorizationType CUSTOM: the method's Lambda authorizer. */
  authorizer: AuthorizerPlan | undefined;
  /** AuthorizationType COGNITO_USER_POOLS: the authorizer and the method's AuthorizationScopes. */
  cognito: { authorizer: CognitoAuthorizerPlan; scopes: readonly string[] | undefined } | undefined;
  /** AuthorizationType AWS_IAM: a SigV4 signature by a local access key. */
  iam: boolean;
  /** PutMethod ApiKeyRequired. */
  apiKeyRequired: boolean;
}

export interface HttpTarget {
  routeKey: string;
  integration: IntegrationPlan | undefined;
  /** AuthorizationType JWT: the route's authorizer and its AuthorizationScopes. */
  jwt: { authorizer: JwtAuthorizerPlan; scopes: readonly string[] | undefined } | undefined;
  /** AuthorizationType CUSTOM: the route's Lambda (REQUEST) authorizer. */
  lambdaAuthorizer: HttpLambdaAuthorizerPlan | undefined;
  /** AuthorizationType AWS_IAM. */
  iam: boolean;
}

interface ApiPlanBase {
  name: string;
  id: string;
  /** `<id>.execute-api.localhost` and `<id>.execute-api.<region>.amazonaws.com`. */
  hosts: readonly string[];
  stages: ReadonlyMap<string, StagePlan>;
  deploymentId: string;
  /** The region in execute-api ARNs (`arn:aws:execute-api:<region>:…`) and SigV4 scopes. */
  region: string;
}

export interface RestApiPlan extends ApiPlanBase {
  kind: "rest";
  apiKeySource: "HEADER" | "AUTHORIZER";
  /** Stage → API key value → the key's usage-plan grant there (enabled keys of a plan naming the stage). */
  apiKeys: ReadonlyMap<string, ReadonlyMap<string, ApiKeyGrant>>;
  binaryMediaTypes: readonly string[];
  matcher: PathMatcher<RestTarget>;
}

export interface HttpApiPlan extends ApiPlanBase {
  kind: "http";
  matcher: PathMatcher<HttpTarget>;
  defaultRoute: HttpTarget | undefined;
  /** The $default route has an authorizer (JWT, Lambda or IAM): preflights only it matches go to it (apigateway.md §3). */
  defaultRouteAuthorized: boolean;
  cors: CorsPlan | undefined;
}

export type ApiPlan = RestApiPlan | HttpApiPlan;

export interface FunctionPlan {
  FunctionName: string;
  file: string;
  export: string;
  Runtime?: string;
  Timeout?: number;
  MemorySize?: number;
  Variables?: Record<string, string>;
}

export interface ApiGatewayPlan {
  apis: readonly ApiPlan[];
  functions: readonly FunctionPlan[];
}
