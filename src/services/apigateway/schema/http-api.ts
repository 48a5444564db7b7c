import { z } from "zod";

/**
 * HTTP API (API Gateway v2) shapes as the API spells them: CreateApi, with its routes keyed by
 * RouteKey (CreateRoute: `GET /pets/{id}`, `ANY /{proxy+}`, `$default`), integrations keyed by a
 * local IntegrationId that a route's `Target: integrations/<id>` names (CreateIntegration), and
 * stages keyed by StageName (CreateStage; `$default` serves paths without a stage prefix).
 */
const notApplied = z.unknown().optional();

export const HttpIntegrationSchema = z
  .object({
    IntegrationType: z.enum(["AWS_PROXY", "HTTP_PROXY", "AWS", "MOCK"]),
    /** AWS_PROXY: a Lambda function ARN (or the apigateway invocation ARN); HTTP_PROXY: a URL. */
    IntegrationUri: z.string().optional(),
    /** HTTP_PROXY: the method sent (ANY = the request's). */
    IntegrationMethod: z.string().optional(),
    /** AWS_PROXY: required by CreateIntegration; `1.0` or `2.0`. */
    PayloadFormatVersion: z.enum(["1.0", "2.0"]).optional(),
    /** 50–30,000 ms (apigateway.md §7). */
    TimeoutInMillis: z.number().int().optional(),
    ConnectionType: z.enum(["INTERNET", "VPC_LINK"]).optional(),
    ConnectionId: notApplied,
    CredentialsArn: notApplied,
    Description: z.string().optional(),
    IntegrationSubtype: notApplied,
    RequestParameters: notApplied,
    ResponseParameters: notApplied,
    TlsConfig: notApplied,
  })
  .strict();
export type HttpIntegration = z.infer<typeof HttpIntegrationSchema>;

export const RouteSchema = z
  .object({
    /** `integrations/<IntegrationId>`. */
    Target: z.string().optional(),
    /** AWS_IAM: SigV4 by a local access key; JWT / CUSTOM: the authorizer named by AuthorizerId (CUSTOM = a REQUEST authorizer). */
    AuthorizationType: z.enum(["NONE", "AWS_IAM", "CUSTOM", "JWT"]).default("NONE"),
    /** The key of one of the API's Authorizers. */
    AuthorizerId: z.string().optional(),
    /** JWT: the token must carry at least one of these in `scope` / `scp` (≤ 10). */
    AuthorizationScopes: z.array(z.string()).optional(),
    ApiKeyRequired: notApplied,
    OperationName: z.string().optional(),
    RequestParameters: notApplied,
    RequestModels: notApplied,
  })
  .strict();
export type Route = z.infer<typeof RouteSchema>;

/** CreateStage RouteSettings: throttling is applied; the rest is accepted and warned. */
export const RouteSettingsSchema = z
  .object({
    ThrottlingRateLimit: z.number().min(0).optional(),
    ThrottlingBurstLimit: z.number().int().min(0).optional(),
    DetailedMetricsEnabled: notApplied,
    LoggingLevel: notApplied,
    DataTraceEnabled: notApplied,
  })
  .strict();
export type RouteSettings = z.infer<typeof RouteSettingsSchema>;

export const HttpStageSchema = z
  .object({
    Description: z.string().optional(),
    AutoDeploy: z.boolean().optional(),
    StageVariables: z.record(z.string()).optional(),
    DefaultRouteSettings: RouteSettingsSchema.optional(),
    /** RouteKey → its settings. */
    RouteSettings: z.record(RouteSettingsSchema).optional(),
    AccessLogSettings: notApplied,
    Tags: notApplied,
  })
  .strict();
export type HttpStage = z.infer<typeof HttpStageSchema>;

/** CreateApi CorsConfiguration (apigateway.md §9.1). */
export const CorsSchema = z
  .object({
    AllowOrigins: z.array(z.string()).optional(),
    AllowCredentials: z.boolean().optional(),
    ExposeHeaders: z.array(z.string()).optional(),
    MaxAge: z.number().int().min(-1).max(86400).optional(),
    AllowMethods: z.array(z.string()).optional(),
    AllowHeaders: z.array(z.string()).optional(),
  })
  .strict();
export type Cors = z.infer<typeof CorsSchema>;

/** CreateAuthorizer (apigatewayv2, apigateway.md §10.3–§10.4): JWT and Lambda (REQUEST) authorizers. */
export const HttpAuthorizerSchema = z
  .object({
    Name: z.string().optional(),
    AuthorizerType: z.enum(["JWT", "REQUEST"]),
    /**
     * JWT: one `$request.header.<name>` or `$request.querystring.<name>`. REQUEST: any of those,
     * `$context.<name>` and `$stageVariables.<name>` (all must be present, else 401).
     */
    IdentitySource: z.array(z.string()).optional(),
    JwtConfiguration: z
      .object({
        /** The token's `iss`; its keys come from the JWKS file bound at `local.jwks.<Issuer>`. */
        Issuer: z.string().optional(),
        /** The token's `aud` (or, without `aud`, `client_id`) must be one of these (≤ 50). */
        Audience: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    /** REQUEST: the function (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations`, or its ARN). */
    AuthorizerUri: z.string().optional(),
    /** REQUEST: the event and response format, `1.0` or `2.0` (required). */
    AuthorizerPayloadFormatVersion: z.enum(["1.0", "2.0"]).optional(),
    /** REQUEST: 0–3600 s; results cached per identity-source values (Choice: 300 when absent, as REST). */
    AuthorizerResultTtlInSeconds: z.number().int().optional(),
    /** REQUEST, payload 2.0: the function answers `{isAuthorized, context}` instead of an IAM policy. */
    EnableSimpleResponses: z.boolean().optional(),
    AuthorizerCredentialsArn: notApplied,
    IdentityValidationExpression: notApplied,
  })
  .strict();
export type HttpAuthorizer = z.infer<typeof HttpAuthorizerSchema>;

export const HttpApiSchema = z
  .object({
    ProtocolType: z.literal("HTTP").default("HTTP"),
    Description: z.string().optional(),
    CorsConfiguration: CorsSchema.optional(),
    DisableExecuteApiEndpoint: notApplied,
    RouteSelectionExpression: notApplied,
    Tags: notApplied,
    /** RouteKey → CreateRoute. */
    Routes: z.record(RouteSchema).default({}),
    /** IntegrationId → CreateIntegration. */
    Integrations: z.record(HttpIntegrationSchema).default({}),
    /** StageName → CreateStage. */
    Stages: z.record(HttpStageSchema).default({}),
    /** AuthorizerId → CreateAuthorizer (a route names it with AuthorizerId). */
    Authorizers: z.record(HttpAuthorizerSchema).default({}),
  })
  .strict();
export type HttpApi = z.infer<typeof HttpApiSchema>;
