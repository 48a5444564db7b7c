import { z } from "zod";

/**
 * ELBv2 shapes as the API spells them: CreateLoadBalancer / CreateTargetGroup / CreateListener /
 * CreateRule inputs. A listener's rules sit under it (CreateRule without ListenerArn); references
 * to a target group or load balancer may use its Name or a full ARN.
 */

export const ActionSchema = z
  .object({
    Type: z.enum(["forward", "redirect", "fixed-response", "authenticate-oidc", "authenticate-cognito", "jwt-validation"]),
    TargetGroupArn: z.string().optional(),
    Order: z.number().int().min(1).max(50000).optional(),
    ForwardConfig: z
      .object({
        TargetGroups: z.array(z.object({ TargetGroupArn: z.string(), Weight: z.number().int().min(0).max(999).optional() }).strict()),
        TargetGroupStickinessConfig: z
          .object({ Enabled: z.boolean(), DurationSeconds: z.number().int().min(1).max(604800).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    RedirectConfig: z
      .object({
        Protocol: z.string().optional(),
        Port: z.string().optional(),
        Host: z.string().optional(),
        Path: z.string().optional(),
        Query: z.string().optional(),
        StatusCode: z.enum(["HTTP_301", "HTTP_302"]),
      })
      .strict()
      .optional(),
    FixedResponseConfig: z
      .object({
        MessageBody: z.string().max(1024).optional(),
        StatusCode: z.string().regex(/^(2|4|5)\d\d$/, "StatusCode must be a 2XX, 4XX or 5XX code"),
        ContentType: z.enum(["text/plain", "text/css", "text/html", "application/javascript", "application/json"]).optional(),
      })
      .strict()
      .optional(),
    AuthenticateOidcConfig: z.unknown().optional(),
    AuthenticateCognitoConfig: z.unknown().optional(),
    JwtValidationConfig: z.unknown().optional(),
  })
  .strict();
export type Action = z.infer<typeof ActionSchema>;

export const RuleConditionSchema = z
  .object({
    Field: z.enum(["host-header", "path-pattern", "http-header", "http-request-method", "query-string", "source-ip"]),
    Values: z.array(z.string()).optional(),
    HostHeaderConfig: z
      .object({ Values: z.array(z.string()) })
      .strict()
      .optional(),
    PathPatternConfig: z
      .object({ Values: z.array(z.string()) })
      .strict()
      .optional(),
    HttpHeaderConfig: z
      .object({ HttpHeaderName: z.string(), Values: z.array(z.string()) })
      .strict()
      .optional(),
    HttpRequestMethodConfig: z
      .object({ Values: z.array(z.string()) })
      .strict()
      .optional(),
    QueryStringConfig: z
      .object({ Values: z.array(z.object({ Key: z.string().optional(), Value: z.string() }).strict()) })
      .strict()
      .optional(),
    SourceIpConfig: z
      .object({ Values: z.array(z.string()) })
      .strict()
      .optional(),
  })
  .strict();
export type RuleCondition = z.infer<typeof RuleConditionSchema>;

export const RuleSchema = z
  .object({
    Priority: z.number().int().min(1).max(50000),
    Conditions: z.array(RuleConditionSchema),
    Actions: z.array(ActionSchema).min(1),
    Tags: z.unknown().optional(),
  })
  .strict();
export type Rule = z.infer<typeof RuleSchema>;

export const ListenerSchema = z
  .object({
    Protocol: z.enum(["HTTP", "HTTPS"]).default("HTTP"),
    Port: z.number().int().min(1).max(65535),
    DefaultActions: z.array(ActionSchema).min(1),
    Certificates: z.unknown().optional(),
    SslPolicy: z.string().optional(),
    AlpnPolicy: z.unknown().optional(),
    Tags: z.unknown().optional(),
    MutualAuthentication: z.unknown().optional(),
    /** ModifyListenerAttributes input (alb.md §7.6): response header modification. */
    Attributes: z.array(z.object({ Key: z.string(), Value: z.string() }).strict()).default([]),
    Rules: z.array(RuleSchema).default([]),
  })
  .strict();
export type Listener = z.infer<typeof ListenerSchema>;

export const LoadBalancerSchema = z
  .object({
    Name: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/, "Name must be 1–32 alphanumerics or hyphens, not starting or ending with a hyphen"),
    Type: z.literal("application").default("application"),
    Scheme: z.enum(["internet-facing", "internal"]).optional(),
    IpAddressType: z.string().optional(),
    Subnets: z.unknown().optional(),
    SubnetMappings: z.unknown().optional(),
    SecurityGroups: z.unknown().optional(),
    Tags: z.unknown().optional(),
    Attributes: z.array(z.object({ Key: z.string(), Value: z.string() }).strict()).default([]),
    Listeners: z.array(ListenerSchema).default([]),
  })
  .strict();
export type LoadBalancer = z.infer<typeof LoadBalancerSchema>;

export const TargetGroupSchema = z
  .object({
    Name: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/, "Name must be 1–32 alphanumerics or hyphens"),
    Protocol: z.enum(["HTTP", "HTTPS"]).optional(),
    ProtocolVersion: z.enum(["HTTP1", "HTTP2", "GRPC"]).optional(),
    Port: z.number().int().min(1).max(65535).optional(),
    VpcId: z.string().optional(),
    TargetType: z.enum(["instance", "ip", "lambda", "alb"]).default("instance"),
    HealthCheckProtocol: z.enum(["HTTP", "HTTPS"]).optional(),
    HealthCheckPort: z.string().optional(),
    HealthCheckEnabled: z.boolean().optional(),
    HealthCheckPath: z.string().optional(),
    HealthCheckIntervalSeconds: z.number().int().min(5).max(300).optional(),
    HealthCheckTimeoutSeconds: z.number().int().min(2).max(120).optional(),
    HealthyThresholdCount: z.number().int().min(2).max(10).optional(),
    UnhealthyThresholdCount: z.number().int().min(2).max(10).optional(),
    Matcher: z.object({ HttpCode: z.string().optional(), GrpcCode: z.string().optional() }).strict().optional(),
    IpAddressType: z.string().optional(),
    Tags: z.unknown().optional(),
    Attributes: z.array(z.object({ Key: z.string(), Value: z.string() }).strict()).default([]),
  })
  .strict();
export type TargetGroup = z.infer<typeof TargetGroupSchema>;
