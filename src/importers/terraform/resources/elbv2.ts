import { block, blocks, compact, isSet, num, opt, sortedSet, withDefaults, type Values } from "./values.js";

/**
 * aws_lb / aws_lb_listener / aws_lb_listener_rule / aws_lb_target_group arguments → CreateLoadBalancer,
 * CreateListener, CreateRule and CreateTargetGroup inputs (Terraform AWS provider docs). Arguments
 * that are load balancer or target group attributes in the API (`idle_timeout`,
 * `deregistration_delay`, `stickiness`) become `Attributes` entries, only where they differ from the
 * provider's default (which is AWS's). Target groups are named in actions by their Name.
 */

const LB_ATTRIBUTES: [arg: string, key: string, providerDefault: unknown][] = [
  ["idle_timeout", "idle_timeout.timeout_seconds", 60],
  ["enable_deletion_protection", "deletion_protection.enabled", false],
  ["enable_http2", "routing.http2.enabled", true],
  ["drop_invalid_header_fields", "routing.http.drop_invalid_header_fields.enabled", false],
  ["preserve_host_header", "routing.http.preserve_host_header.enabled", false],
  ["desync_mitigation_mode", "routing.http.desync_mitigation_mode", "defensive"],
  ["xff_header_processing_mode", "routing.http.xff_header_processing.mode", "append"],
  ["enable_xff_client_port", "routing.http.xff_client_port.enabled", false],
  ["enable_tls_version_and_cipher_suite_headers", "routing.http.x_amzn_tls_version_and_cipher_suite.enabled", false],
  ["client_keep_alive", "client_keep_alive.seconds", 3600],
  ["enable_waf_fail_open", "waf.fail_open.enabled", false],
];

export const LB_ARGS = new Set([
  ...LB_ATTRIBUTES.map((a) => a[0]),
  "name",
  "name_prefix",
  "internal",
  "load_balancer_type",
  "ip_address_type",
  "subnets",
  "security_groups",
  "subnet_mapping",
  "access_logs",
  "connection_logs",
  "enable_cross_zone_load_balancing",
  "enable_zonal_shift",
  "tags",
  "tags_all",
  "dns_record_client_routing_policy",
  "customer_owned_ipv4_pool",
  "enforce_security_group_inbound_rules_on_private_link_traffic",
]);

function attributes(v: Values, table: readonly [string, string, unknown][]): Values[] {
  const out: Values[] = [];
  for (const [arg, key, d] of table) if (isSet(v[arg]) && String(v[arg]) !== String(d)) out.push({ Key: key, Value: String(v[arg]) });
  return out;
}

export function toLoadBalancer(v: Values, name: string): Values {
  const attrs = attributes(v, LB_ATTRIBUTES);
  const logs = block(v.access_logs);
  if (logs?.enabled === true) {
    attrs.push({ Key: "access_logs.s3.enabled", Value: "true" });
    if (isSet(logs.bucket)) attrs.push({ Key: "access_logs.s3.bucket", Value: String(logs.bucket) });
    if (isSet(logs.prefix)) attrs.push({ Key: "access_logs.s3.prefix", Value: String(logs.prefix) });
  }
  return compact({
    Name: name,
    Type: v.load_balancer_type ?? "application",
    Scheme: v.internal === true ? "internal" : "internet-facing",
    IpAddressType: v.ip_address_type === "ipv4" ? undefined : opt(v.ip_address_type),
    Attributes: attrs.length ? attrs : undefined,
    Listeners: [],
  });
}

export function toListener(v: Values, targetGroupName: (ref: string) => string): Values {
  const protocol = opt(v.protocol) ?? (isSet(v.certificate_arn) ? "HTTPS" : "HTTP");
  return compact({
    Protocol: protocol,
    Port: num(v.port) ?? (protocol === "HTTPS" ? 443 : 80),
    DefaultActions: sortActions(blocks(v.default_action)).map((a) => toAction(a, targetGroupName)),
    Certificates: isSet(v.certificate_arn) ? [{ CertificateArn: v.certificate_arn }] : undefined,
    SslPolicy: protocol === "HTTPS" ? opt(v.ssl_policy) : undefined,
    AlpnPolicy: isSet(v.alpn_policy) ? [v.alpn_policy] : undefined,
    Rules: [],
  });
}

export function toRule(v: Values, targetGroupName: (ref: string) => string): Values {
  return compact({
    Priority: num(v.priority),
    Conditions: blocks(v.condition).flatMap(toConditions),
    Actions: sortActions(blocks(v.action)).map((a) => toAction(a, targetGroupName)),
  });
}

function sortActions(list: Values[]): Values[] {
  return list.every((a) => typeof a.order === "number") ? [...list].sort((a, b) => Number(a.order) - Number(b.order)) : list;
}

/** A Terraform `condition` block may hold several kinds; each is one API condition. */
function toConditions(c: Values): Values[] {
  const out: Values[] = [];
  const values = (b: Values | undefined) => sortedSet(b?.values) ?? [];
  const path = block(c.path_pattern);
  if (path) out.push({ Field: "path-pattern", PathPatternConfig: { Values: values(path) } });
  const host = block(c.host_header);
  if (host) out.push({ Field: "host-header", HostHeaderConfig: { Values: values(host) } });
  const header = block(c.http_header);
  if (header) out.push({ Field: "http-header", HttpHeaderConfig: { HttpHeaderName: header.http_header_name, Values: values(header) } });
  const method = block(c.http_request_method);
  if (method) out.push({ Field: "http-request-method", HttpRequestMethodConfig: { Values: values(method) } });
  const qs = blocks(c.query_string);
  if (qs.length) out.push({ Field: "query-string", QueryStringConfig: { Values: qs.map((q) => compact({ Key: opt(q.key), Value: q.value })) } });
  const ip = block(c.source_ip);
  if (ip) out.push({ Field: "source-ip", SourceIpConfig: { Values: values(ip) } });
  return out;
}

/** AWS's own redirect defaults (`#{host}` …): written by a plan, equal to leaving them out. */
const REDIRECT_DEFAULTS: Values = { host: "#{host}", path: "/#{path}", port: "#{port}", protocol: "#{protocol}", query: "#{query}" };

function toAction(a: Values, targetGroupName: (ref: string) => string): Values {
  const forward = block(a.forward);
  const redirect = block(a.redirect);
  const fixed = block(a.fixed_response);
  const keep = (k: string) => (isSet(redirect?.[k]) && redirect![k] !== REDIRECT_DEFAULTS[k] ? redirect![k] : undefined);
  const stickiness = block(forward?.stickiness);
  return compact({
    Type: a.type,
    TargetGroupArn: isSet(a.target_group_arn) ? targetGroupName(String(a.target_group_arn)) : undefined,
    ForwardConfig:
      forward && !isSet(a.target_group_arn)
        ? compact({
            TargetGroups: blocks(forward.target_group)
              .map((t) => compact({ TargetGroupArn: targetGroupName(String(t.arn)), Weight: t.weight ?? undefined }))
              .sort((x, y) => (String(x.TargetGroupArn) < String(y.TargetGroupArn) ? -1 : 1)),
            TargetGroupStickinessConfig:
              stickiness?.enabled === true ? compact({ Enabled: true, DurationSeconds: stickiness.duration ?? undefined }) : undefined,
          })
        : undefined,
    RedirectConfig: redirect
      ? compact({
          Protocol: keep("protocol"),
          Port: keep("port"),
          Host: keep("host"),
          Path: keep("path"),
          Query: keep("query"),
          StatusCode: redirect.status_code,
        })
      : undefined,
    FixedResponseConfig: fixed
      ? compact({
          StatusCode: isSet(fixed.status_code) ? String(fixed.status_code) : undefined,
          ContentType: opt(fixed.content_type),
          MessageBody: opt(fixed.message_body),
        })
      : undefined,
    AuthenticateOidcConfig: opt(a.authenticate_oidc),
    AuthenticateCognitoConfig: opt(a.authenticate_cognito),
  });
}

const TG_ATTRIBUTES: [string, string, unknown][] = [
  ["deregistration_delay", "deregistration_delay.timeout_seconds", 300],
  ["slow_start", "slow_start.duration_seconds", 0],
  ["load_balancing_algorithm_type", "load_balancing.algorithm.type", "round_robin"],
  ["load_balancing_cross_zone_enabled", "load_balancing.cross_zone.enabled", "use_load_balancer_configuration"],
  ["lambda_multi_value_headers_enabled", "lambda.multi_value_headers.enabled", false],
];

/** Provider defaults of health_check (provider docs, aws_lb_target_group health_check). */
const HEALTH_DEFAULTS = { enabled: true, healthy_threshold: 3, unhealthy_threshold: 3, interval: 30, port: "traffic-port", protocol: "HTTP" };

export function toTargetGroup(v: Values, name: string): Values {
  const lambda = v.target_type === "lambda";
  const hc0 = block(v.health_check);
  const hc = hc0 ? withDefaults(hc0, HEALTH_DEFAULTS) : undefined;
  const attrs = attributes(v, TG_ATTRIBUTES);
  const st = block(v.stickiness);
  if (st?.enabled === true) {
    attrs.push({ Key: "stickiness.enabled", Value: "true" });
    if (isSet(st.type)) attrs.push({ Key: "stickiness.type", Value: String(st.type) });
    if (isSet(st.cookie_duration))
      attrs.push({ Key: `stickiness.${st.type === "app_cookie" ? "app_cookie" : "lb_cookie"}.duration_seconds`, Value: String(st.cookie_duration) });
    if (isSet(st.cookie_name)) attrs.push({ Key: "stickiness.app_cookie.cookie_name", Value: String(st.cookie_name) });
  }
  return compact({
    Name: name,
    Protocol: lambda ? undefined : opt(v.protocol),
    ProtocolVersion: lambda || v.protocol_version === "HTTP1" ? undefined : opt(v.protocol_version),
    Port: lambda ? undefined : (num(v.port) ?? undefined),
    VpcId: opt(v.vpc_id),
    TargetType: v.target_type ?? "instance",
    HealthCheckEnabled: hc ? hc.enabled : undefined,
    HealthCheckPath: opt(hc?.path),
    HealthCheckPort: hc && hc.port !== "traffic-port" ? String(hc.port) : undefined,
    HealthCheckProtocol: opt(hc?.protocol),
    HealthCheckIntervalSeconds: num(hc?.interval) ?? undefined,
    HealthCheckTimeoutSeconds: num(hc?.timeout) ?? undefined,
    HealthyThresholdCount: num(hc?.healthy_threshold) ?? undefined,
    UnhealthyThresholdCount: num(hc?.unhealthy_threshold) ?? undefined,
    Matcher: isSet(hc?.matcher) ? { HttpCode: String(hc!.matcher) } : undefined,
    IpAddressType: v.ip_address_type === "ipv4" ? undefined : opt(v.ip_address_type),
    Attributes: attrs.length ? attrs : undefined,
  });
}

export const TG_ARGS = new Set([
  ...TG_ATTRIBUTES.map((a) => a[0]),
  "name",
  "name_prefix",
  "port",
  "protocol",
  "protocol_version",
  "vpc_id",
  "target_type",
  "health_check",
  "stickiness",
  "ip_address_type",
  "tags",
  "tags_all",
  "connection_termination",
  "preserve_client_ip",
  "proxy_protocol_v2",
  "target_failover",
  "target_health_state",
  "target_group_health",
]);
