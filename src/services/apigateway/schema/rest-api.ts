import { z } from "zod";

/**
 * REST API (API Gateway v1) shapes as the API spells them: CreateRestApi, with its resources keyed
 * by full path (CreateResource's PathPart chain), each resource's methods keyed by HTTP method
 * (PutMethod) with the method's Integration (PutIntegration, PutIntegrationResponse), and the
 * deployed stages keyed by StageName (CreateDeployment + CreateStage: every stage serves the
 * resources as written, as after a fresh deployment).
 */

/** Fields accepted so a real API's description loads, but not applied (a load warning names them). */
const notApplied = z.unknown().optional();

export const IntegrationResponseSchema = z
  .object({
    StatusCode: z.string().regex(/^[1-5]\d\d$/, "StatusCode must be an HTTP status code"),
    SelectionPattern: z.string().optional(),
    /** `method.response.header.<Name>` → a static value in single quotes (`'text/plain'`). */
    ResponseParameters: z.record(z.string()).optional(),
    /** Content type → response body (static; mapping-template expressions are not evaluated). */
    ResponseTemplates: z.record(z.string()).optional(),
    ContentHandling: notApplied,
  })
  .strict();
export type IntegrationResponse = z.infer<typeof IntegrationResponseSchema>;

export const RestIntegrationSchema = z
  .object({
    Type: z.enum(["AWS_PROXY", "HTTP_PROXY", "MOCK", "AWS", "HTTP"]),
    /** Required for AWS_PROXY (must be POST) and HTTP_PROXY (ANY = the request's method). */
    IntegrationHttpMethod: z.string().optional(),
    /** AWS_PROXY: `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`; HTTP_PROXY: a URL. */
    Uri: z.string().optional(),
    /** 50–29,000 ms (apigateway.md §7). */
    TimeoutInMillis: z.number().int().optional(),
    /** MOCK: `application/json` → `{"statusCode": 200}` selects the integration response. */
    RequestTemplates: z.record(z.string()).optional(),
    IntegrationResponses: z.array(IntegrationResponseSchema).optional(),
    ConnectionType: z.enum(["INTERNET", "VPC_LINK"]).optional(),
    ConnectionId: notApplied,
    Credentials: notApplied,
    RequestParameters: notApplied,
    PassthroughBehavior: notApplied,
    CacheNamespace: notApplied,
    CacheKeyParameters: notApplied,
    ContentHandling: notApplied,
    TlsConfig: notApplied,
  })
  .strict();
export type RestIntegration = z.infer<typeof RestIntegrationSchema>;

export const MethodSchema = z
  .object({
    /** AWS_IAM: SigV4 by a local access key; CUSTOM / COGNITO_USER_POOLS: the authorizer named by AuthorizerId. */
    AuthorizationType: z.enum(["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]).default("NONE"),
    /** AuthorizationType CUSTOM or COGNITO_USER_POOLS: the key of one of the API's Authorizers. */
    AuthorizerId: z.string().optional(),
    /** COGNITO_USER_POOLS: an access token must carry one of these scopes (without them, an ID token is required). */
    AuthorizationScopes: z.array(z.string()).optional(),
    ApiKeyRequired: z.boolean().default(false),
    OperationName: z.string().optional(),
    RequestParameters: notApplied,
    RequestModels: notApplied,
    RequestValidatorId: notApplied,
    MethodResponses: notApplied,
    Integration: RestIntegrationSchema.optional(),
  })
  .strict();
export type Method = z.infer<typeof MethodSchema>;

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;

export const ResourceSchema = z
  .object({
    /** PutMethod per HttpMethod (`ANY` catches the methods not listed). */
    Methods: z.record(z.enum(HTTP_METHODS), MethodSchema).default({}),
  })
  .strict();
export type Resource = z.infer<typeof ResourceSchema>;

/** A stage's per-method settings (GetStage `methodSettings`), keyed `*\/*` or `<resource path>/<HTTP method>`. */
export const MethodSettingSchema = z
  .object({
    ThrottlingRateLimit: z.number().min(0).optional(),
    ThrottlingBurstLimit: z.number().int().min(0).optional(),
    MetricsEnabled: notApplied,
    LoggingLevel: notApplied,
    DataTraceEnabled: notApplied,
    CachingEnabled: notApplied,
    CacheTtlInSeconds: notApplied,
    CacheDataEncrypted: notApplied,
    RequireAuthorizationForCacheControl: notApplied,
    UnauthorizedCacheControlHeaderStrategy: notApplied,
  })
  .strict();
export type MethodSetting = z.infer<typeof MethodSettingSchema>;

export const RestStageSchema = z
  .object({
    Description: z.string().optional(),
    /** Stage variables (CreateStage `variables`), in the event as `stageVariables`. */
    Variables: z.record(z.string()).optional(),
    /** Throttling per method (`*\/*` = every method of the stage, each with its own bucket). */
    MethodSettings: z.record(MethodSettingSchema).optional(),
    CacheClusterEnabled: notApplied,
    CacheClusterSize: notApplied,
    TracingEnabled: notApplied,
    AccessLogSettings: notApplied,
    ClientCertificateId: notApplied,
    Tags: notApplied,
  })
  .strict();
export type RestStage = z.infer<typeof RestStageSchema>;

/**
 * CreateAuthorizer (apigateway.md §10.1). `IdentitySource` is a comma-separated list of
 * `method.request.header.<name>`, `method.request.querystring.<name>`, `stageVariables.<name>` or
 * `context.<name>`; TOKEN takes exactly one header.
 */
export const AuthorizerSchema = z
  .object({
    Name: z.string().optional(),
    Type: z.enum(["TOKEN", "REQUEST", "COGNITO_USER_POOLS"]),
    /** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`. */
    AuthorizerUri: z.string().optional(),
    IdentitySource: z.string().optional(),
    /** TOKEN: a regular expression the token must match, else 401 without invoking the function. */
    IdentityValidationExpression: z.string().optional(),
    /** 0–3600; default 300; 0 disables the cache. */
    AuthorizerResultTtlInSeconds: z.number().int().optional(),
    /** COGNITO_USER_POOLS: `arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>`; each pool's keys at `local.jwks.<issuer>`. */
    ProviderARNs: z.array(z.string()).optional(),
    AuthorizerCredentials: notApplied,
    AuthType: notApplied,
  })
  .strict();
export type Authorizer = z.infer<typeof AuthorizerSchema>;

export const RestApiSchema = z
  .object({
    Description: z.string().optional(),
    /** Content types whose bodies travel base64 (`image/png`, `*\/*`). */
    BinaryMediaTypes: z.array(z.string()).default([]),
    EndpointConfiguration: notApplied,
    /** Where a method's API key is read: `x-api-key` (HEADER, default) or the authorizer's usageIdentifierKey. */
    ApiKeySource: z.enum(["HEADER", "AUTHORIZER"]).optional(),
    DisableExecuteApiEndpoint: notApplied,
    MinimumCompressionSize: notApplied,
    Policy: notApplied,
    Tags: notApplied,
    /** Full resource path (`/`, `/pets/{id}`, `/{proxy+}`) → its methods. */
    Resources: z.record(ResourceSchema).default({}),
    /** StageName → CreateStage. */
    Stages: z.record(RestStageSchema).default({}),
    /** AuthorizerId → CreateAuthorizer (a method names it with AuthorizerId). */
    Authorizers: z.record(AuthorizerSchema).default({}),
  })
  .strict();
export type RestApi = z.infer<typeof RestApiSchema>;
