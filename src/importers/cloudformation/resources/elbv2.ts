import { isRecord, pick, type Dropped } from "./shape.js";

/**
 * CloudFormation's AWS::ElasticLoadBalancingV2::* properties → CreateLoadBalancer / CreateListener /
 * CreateRule / CreateTargetGroup inputs (CloudFormation User Guide, AWS::ElasticLoadBalancingV2::*).
 * The shapes match the API except the attribute lists' names (`LoadBalancerAttributes`,
 * `ListenerAttributes`, `TargetGroupAttributes` → `Attributes`). A target group is named in an
 * action by its Name (the model accepts a Name or an ARN).
 */

const LB_FIELDS = ["Name", "Type", "Scheme", "IpAddressType", "Subnets", "SubnetMappings", "SecurityGroups", "Tags"];
const LISTENER_FIELDS = ["Port", "Protocol", "DefaultActions", "Certificates", "SslPolicy", "AlpnPolicy", "MutualAuthentication"];
const RULE_FIELDS = ["Priority", "Conditions", "Actions"];
const TG_FIELDS = [
  "Name",
  "Protocol",
  "ProtocolVersion",
  "Port",
  "VpcId",
  "TargetType",
  "HealthCheckProtocol",
  "HealthCheckPort",
  "HealthCheckEnabled",
  "HealthCheckPath",
  "HealthCheckIntervalSeconds",
  "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount",
  "UnhealthyThresholdCount",
  "Matcher",
  "IpAddressType",
  "Tags",
];

/** CloudFormation writes attribute values as strings; YAML may have read `true` or `60` as a boolean or number. */
function attributes(v: unknown): unknown {
  return Array.isArray(v) ? v.map((a) => (isRecord(a) && a.Value !== undefined && typeof a.Value !== "string" ? { ...a, Value: String(a.Value) } : a)) : v;
}

export function toLoadBalancer(p: Record<string, unknown>, name: string, dropped: Dropped): Record<string, unknown> {
  const lb = pick(p, LB_FIELDS, { LoadBalancerAttributes: "Attributes" }, dropped, "AWS::ElasticLoadBalancingV2::LoadBalancer");
  return { ...lb, Name: name, ...(lb.Attributes ? { Attributes: attributes(lb.Attributes) } : {}), Listeners: [] };
}

export function toListener(p: Record<string, unknown>, targetGroupName: (arn: string) => string, dropped: Dropped): Record<string, unknown> {
  const { LoadBalancerArn: _lb, ...rest } = p;
  const l = pick(rest, LISTENER_FIELDS, { ListenerAttributes: "Attributes" }, dropped, "AWS::ElasticLoadBalancingV2::Listener");
  if (Array.isArray(l.DefaultActions)) l.DefaultActions = l.DefaultActions.map((a) => toAction(a, targetGroupName));
  if (l.Attributes) l.Attributes = attributes(l.Attributes);
  return { ...l, Rules: [] };
}

export function toRule(p: Record<string, unknown>, targetGroupName: (arn: string) => string, dropped: Dropped): Record<string, unknown> {
  const { ListenerArn: _l, ...rest } = p;
  const r = pick(rest, RULE_FIELDS, {}, dropped, "AWS::ElasticLoadBalancingV2::ListenerRule");
  if (Array.isArray(r.Actions)) r.Actions = r.Actions.map((a) => toAction(a, targetGroupName));
  return r;
}

export function toTargetGroup(p: Record<string, unknown>, name: string, dropped: Dropped): Record<string, unknown> {
  const { Targets: _t, ...rest } = p;
  const tg = pick(rest, TG_FIELDS, { TargetGroupAttributes: "Attributes" }, dropped, "AWS::ElasticLoadBalancingV2::TargetGroup");
  if (tg.HealthCheckPort !== undefined) tg.HealthCheckPort = String(tg.HealthCheckPort);
  return { ...tg, Name: name, ...(tg.Attributes ? { Attributes: attributes(tg.Attributes) } : {}) };
}

function toAction(a: unknown, targetGroupName: (arn: string) => string): unknown {
  if (!isRecord(a)) return a;
  const out = { ...a };
  if (typeof out.TargetGroupArn === "string") out.TargetGroupArn = targetGroupName(out.TargetGroupArn);
  if (isRecord(out.ForwardConfig) && Array.isArray(out.ForwardConfig.TargetGroups))
    out.ForwardConfig = {
      ...out.ForwardConfig,
      TargetGroups: out.ForwardConfig.TargetGroups.map((t) =>
        isRecord(t) && typeof t.TargetGroupArn === "string" ? { ...t, TargetGroupArn: targetGroupName(t.TargetGroupArn) } : t,
      ),
    };
  if (isRecord(out.FixedResponseConfig) && typeof out.FixedResponseConfig.StatusCode === "number")
    out.FixedResponseConfig = { ...out.FixedResponseConfig, StatusCode: String(out.FixedResponseConfig.StatusCode) };
  return out;
}

/** Stack path under a load balancer, listener, rule or target group → its template path under Properties. */
export function elbv2TemplatePath(kind: "lb" | "listener" | "rule" | "tg", rest: readonly (string | number)[]): (string | number)[] {
  if (rest[0] !== "Attributes") return [...rest];
  const name = { lb: "LoadBalancerAttributes", listener: "ListenerAttributes", rule: "Attributes", tg: "TargetGroupAttributes" }[kind];
  return [name, ...rest.slice(1)];
}
