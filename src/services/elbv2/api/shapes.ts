import type { XmlValue } from "../../../core/query-protocol.js";
import { loadBalancerArn, loadBalancerHosts, listenerArn, ruleArn, targetGroupArn } from "../names.js";
import type { Action, Listener, LoadBalancer, Rule, RuleCondition, TargetGroup } from "../schema/load-balancer.js";

/**
 * The Describe* output shapes (ELBv2 API 2015-12-01: LoadBalancer, TargetGroup, Listener, Rule),
 * filled with AWS's defaults where the stack leaves a field out, so clients that read them back
 * (Terraform's provider, `aws elbv2 describe-*`) see what AWS would report.
 */

/** Route 53 hosted zone of ALB DNS names in us-east-1 (AWS's "Elastic Load Balancing endpoints" table). */
const CANONICAL_HOSTED_ZONE: Record<string, string> = { "us-east-1": "Z35SXDOTRQ7X7K" };
export const LOCAL_VPC = "vpc-00000000000000000";

export function tagList(tags: unknown): { Key: string; Value: string }[] {
  return Array.isArray(tags)
    ? tags.filter((t): t is { Key: string; Value: string } => typeof t?.Key === "string").map((t) => ({ Key: t.Key, Value: String(t.Value ?? "") }))
    : [];
}

export function loadBalancerShape(lb: LoadBalancer, region: string, created: Date): XmlValue {
  const subnets = Array.isArray(lb.Subnets) ? (lb.Subnets as unknown[]).filter((s): s is string => typeof s === "string") : [];
  const zones = (subnets.length > 0 ? subnets : ["subnet-00000000000000000", "subnet-00000000000000001"]).map((s, i) => ({
    ZoneName: `${region}${"abcdef"[i % 6]}`,
    SubnetId: s,
    LoadBalancerAddresses: [],
  }));
  const groups = Array.isArray(lb.SecurityGroups) ? (lb.SecurityGroups as unknown[]).filter((s): s is string => typeof s === "string") : [];
  const scheme = lb.Scheme ?? "internet-facing";
  const dns = loadBalancerHosts(lb.Name, region).local;
  return {
    LoadBalancerArn: loadBalancerArn(lb.Name, region),
    DNSName: scheme === "internal" ? `internal-${dns}` : dns,
    CanonicalHostedZoneId: CANONICAL_HOSTED_ZONE[region] ?? "Z35SXDOTRQ7X7K",
    CreatedTime: created,
    LoadBalancerName: lb.Name,
    Scheme: scheme,
    VpcId: LOCAL_VPC,
    State: { Code: "active" },
    Type: "application",
    AvailabilityZones: zones,
    SecurityGroups: groups,
    IpAddressType: typeof lb.IpAddressType === "string" ? lb.IpAddressType : "ipv4",
  };
}

export function targetGroupShape(tg: TargetGroup, region: string, usedBy: readonly string[]): XmlValue {
  const lambda = tg.TargetType === "lambda";
  // CreateTargetGroup defaults (API reference): Lambda groups check every 35 s with a 30 s timeout, disabled.
  return {
    TargetGroupArn: targetGroupArn(tg.Name, region),
    TargetGroupName: tg.Name,
    Protocol: lambda ? undefined : (tg.Protocol ?? "HTTP"),
    Port: lambda ? undefined : tg.Port,
    VpcId: lambda ? undefined : (tg.VpcId ?? LOCAL_VPC),
    HealthCheckProtocol: lambda ? undefined : (tg.HealthCheckProtocol ?? tg.Protocol ?? "HTTP"),
    HealthCheckPort: lambda ? undefined : (tg.HealthCheckPort ?? "traffic-port"),
    HealthCheckEnabled: tg.HealthCheckEnabled ?? !lambda,
    HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds ?? (lambda ? 35 : 30),
    HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds ?? (lambda ? 30 : 5),
    HealthyThresholdCount: tg.HealthyThresholdCount ?? 5,
    UnhealthyThresholdCount: tg.UnhealthyThresholdCount ?? 2,
    HealthCheckPath: tg.HealthCheckPath ?? "/",
    Matcher: { HttpCode: tg.Matcher?.HttpCode ?? "200" },
    LoadBalancerArns: [...usedBy],
    TargetType: tg.TargetType,
    ProtocolVersion: lambda ? undefined : (tg.ProtocolVersion ?? "HTTP1"),
    IpAddressType: lambda ? undefined : typeof tg.IpAddressType === "string" ? tg.IpAddressType : "ipv4",
  };
}

/** A target group reference (Name or ARN, as the stack allows) as the ARN the API reports. */
export function asTargetGroupArn(ref: string | undefined, region: string): string | undefined {
  if (ref === undefined) return undefined;
  return ref.startsWith("arn:") ? ref : targetGroupArn(ref, region);
}

export function actionShape(a: Action, region: string): XmlValue {
  const forward = a.ForwardConfig;
  return {
    Type: a.Type,
    TargetGroupArn: asTargetGroupArn(a.TargetGroupArn, region),
    Order: a.Order,
    RedirectConfig: a.RedirectConfig
      ? {
          Protocol: a.RedirectConfig.Protocol ?? "#{protocol}",
          Port: a.RedirectConfig.Port ?? "#{port}",
          Host: a.RedirectConfig.Host ?? "#{host}",
          Path: a.RedirectConfig.Path ?? "/#{path}",
          Query: a.RedirectConfig.Query ?? "#{query}",
          StatusCode: a.RedirectConfig.StatusCode,
        }
      : undefined,
    FixedResponseConfig: a.FixedResponseConfig,
    ForwardConfig:
      forward || a.TargetGroupArn
        ? {
            TargetGroups: (forward?.TargetGroups ?? [{ TargetGroupArn: a.TargetGroupArn!, Weight: 1 }]).map((t) => ({
              TargetGroupArn: asTargetGroupArn(t.TargetGroupArn, region),
              Weight: t.Weight ?? 1,
            })),
            TargetGroupStickinessConfig: {
              Enabled: forward?.TargetGroupStickinessConfig?.Enabled ?? false,
              DurationSeconds: forward?.TargetGroupStickinessConfig?.DurationSeconds,
            },
          }
        : undefined,
  };
}

export function listenerShape(lb: LoadBalancer, l: Listener, region: string): XmlValue {
  return {
    ListenerArn: listenerArn(lb.Name, l.Port, region),
    LoadBalancerArn: loadBalancerArn(lb.Name, region),
    Port: l.Port,
    Protocol: l.Protocol,
    Certificates: Array.isArray(l.Certificates) ? (l.Certificates as XmlValue[]) : undefined,
    SslPolicy: l.Protocol === "HTTPS" ? (l.SslPolicy ?? "ELBSecurityPolicy-2016-08") : undefined,
    DefaultActions: l.DefaultActions.map((a) => actionShape(a, region)),
  };
}

function conditionShape(c: RuleCondition): XmlValue {
  const values = c.Values ?? c.PathPatternConfig?.Values ?? c.HostHeaderConfig?.Values;
  return {
    Field: c.Field,
    Values: c.Field === "path-pattern" || c.Field === "host-header" ? (values ?? []) : undefined,
    HostHeaderConfig: c.Field === "host-header" ? { Values: values ?? [] } : undefined,
    PathPatternConfig: c.Field === "path-pattern" ? { Values: values ?? [] } : undefined,
    HttpHeaderConfig: c.HttpHeaderConfig,
    HttpRequestMethodConfig: c.HttpRequestMethodConfig ?? (c.Field === "http-request-method" ? { Values: c.Values ?? [] } : undefined),
    QueryStringConfig: c.QueryStringConfig,
    SourceIpConfig: c.SourceIpConfig ?? (c.Field === "source-ip" ? { Values: c.Values ?? [] } : undefined),
  };
}

export function ruleShape(lb: LoadBalancer, l: Listener, r: Rule | "default", region: string): XmlValue {
  if (r === "default")
    return {
      RuleArn: ruleArn(lb.Name, l.Port, "default", region),
      Priority: "default",
      Conditions: [],
      Actions: l.DefaultActions.map((a) => actionShape(a, region)),
      IsDefault: true,
    };
  return {
    RuleArn: ruleArn(lb.Name, l.Port, r.Priority, region),
    Priority: String(r.Priority),
    Conditions: r.Conditions.map(conditionShape),
    Actions: r.Actions.map((a) => actionShape(a, region)),
    IsDefault: false,
  };
}
