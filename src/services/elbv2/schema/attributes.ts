/**
 * Every attribute Key ELBv2 accepts for a load balancer, target group and listener (alb.md §7, §9,
 * §13; API LoadBalancerAttribute, TargetGroupAttribute, ListenerAttribute), with its default, the
 * values AWS accepts, and whether edgeparity applies it. An unknown Key or a bad value is rejected
 * at load; a known Key that is not applied produces a "not emulated" warning (not-emulated.ts).
 */
export interface AttributeSpec {
  default: string;
  /** Returns an error message for a value AWS rejects. */
  check: (v: string) => string | undefined;
  /** `true` when applied; otherwise the warning text. */
  emulated: true | string;
}

const bool = (v: string) => (v === "true" || v === "false" ? undefined : `must be 'true' or 'false'`);
const int = (min: number, max: number) => (v: string) =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : `must be an integer from ${min} to ${max}`;
const oneOf =
  (...values: string[]) =>
  (v: string) =>
    values.includes(v) ? undefined : `must be one of ${values.map((x) => `'${x}'`).join(", ")}`;
const any = () => undefined;
const spec = (d: string, check: AttributeSpec["check"], emulated: AttributeSpec["emulated"] = true): AttributeSpec => ({ default: d, check, emulated });

const NO_S3 = "not emulated: logs are kept in memory (stack.loadBalancers.<name>.accessLog) and published on the trace channel, not written to S3";

export const LOAD_BALANCER_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  "idle_timeout.timeout_seconds": spec("60", int(1, 4000)),
  "client_keep_alive.seconds": spec("3600", int(60, 604800), "not emulated: client connections follow the idle timeout only"),
  "deletion_protection.enabled": spec("false", bool, "no local effect: load balancers are never deleted by edgeparity"),
  "access_logs.s3.enabled": spec("false", bool),
  "access_logs.s3.bucket": spec("", any, NO_S3),
  "access_logs.s3.prefix": spec("", any, NO_S3),
  "connection_logs.s3.enabled": spec("false", bool, "not emulated: connection logs"),
  "connection_logs.s3.bucket": spec("", any, "not emulated: connection logs"),
  "connection_logs.s3.prefix": spec("", any, "not emulated: connection logs"),
  "health_check_logs.s3.enabled": spec("false", bool, "not emulated: health check logs"),
  "health_check_logs.s3.bucket": spec("", any, "not emulated: health check logs"),
  "health_check_logs.s3.prefix": spec("", any, "not emulated: health check logs"),
  // Divergence from AWS (listener/desync.ts): in monitor mode the Severe shapes Node's parser refuses are still a 400.
  "routing.http.desync_mitigation_mode": spec("defensive", oneOf("monitor", "defensive", "strictest")),
  "routing.http.drop_invalid_header_fields.enabled": spec("false", bool),
  "routing.http.preserve_host_header.enabled": spec("false", bool),
  "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": spec("false", bool),
  "routing.http.xff_client_port.enabled": spec("false", bool),
  "routing.http.xff_header_processing.mode": spec("append", oneOf("append", "preserve", "remove")),
  "routing.http2.enabled": spec("true", bool),
  "waf.fail_open.enabled": spec("false", bool, "not emulated: AWS WAF"),
  "load_balancing.cross_zone.enabled": spec("true", oneOf("true"), "no local effect: one zone"),
  "ipv6.deny_all_igw_traffic": spec("false", bool, "no local effect: no internet gateway"),
  "zonal_shift.config.enabled": spec("false", bool, "no local effect: one zone"),
};

export const TARGET_GROUP_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  "deregistration_delay.timeout_seconds": spec("300", int(0, 3600)),
  "deregistration_delay.connection_termination.enabled": spec("false", bool, "not emulated: NLB only"),
  "slow_start.duration_seconds": spec("0", (v) => (v === "0" ? undefined : int(30, 900)(v))),
  "load_balancing.algorithm.type": spec("round_robin", oneOf("round_robin", "least_outstanding_requests", "weighted_random")),
  "load_balancing.algorithm.anomaly_mitigation": spec("off", oneOf("on", "off"), "not emulated: automatic target weights"),
  "load_balancing.cross_zone.enabled": spec(
    "use_load_balancer_configuration",
    oneOf("true", "false", "use_load_balancer_configuration"),
    "no local effect: one zone",
  ),
  "stickiness.enabled": spec("false", bool),
  "stickiness.type": spec("lb_cookie", oneOf("lb_cookie", "app_cookie")),
  "stickiness.lb_cookie.duration_seconds": spec("86400", int(1, 604800)),
  "stickiness.app_cookie.cookie_name": spec("", (v) =>
    /^(AWSALB|AWSALBAPP|AWSALBTG)/i.test(v) ? "cannot start with AWSALB, AWSALBAPP or AWSALBTG (reserved by the load balancer)" : undefined,
  ),
  "stickiness.app_cookie.duration_seconds": spec("86400", int(1, 604800)),
  "lambda.multi_value_headers.enabled": spec("false", bool),
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": spec("1", (v) => (v === "off" ? undefined : int(1, 1000)(v))),
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": spec("off", (v) => (v === "off" ? undefined : int(1, 100)(v))),
  "target_group_health.dns_failover.minimum_healthy_targets.count": spec("1", any, "no local effect: there is no DNS failover on loopback"),
  "target_group_health.dns_failover.minimum_healthy_targets.percentage": spec("off", any, "no local effect: there is no DNS failover on loopback"),
  "target_failover.on_deregistration": spec("no_rebalance", any, "not emulated: GWLB only"),
  "target_failover.on_unhealthy": spec("no_rebalance", any, "not emulated: GWLB only"),
};

const header = spec("", any);
export const LISTENER_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  "routing.http.response.server.enabled": spec("true", bool),
  "routing.http.response.strict_transport_security.header_value": header,
  "routing.http.response.access_control_allow_origin.header_value": header,
  "routing.http.response.access_control_allow_methods.header_value": header,
  "routing.http.response.access_control_allow_headers.header_value": header,
  "routing.http.response.access_control_allow_credentials.header_value": header,
  "routing.http.response.access_control_expose_headers.header_value": header,
  "routing.http.response.access_control_max_age.header_value": header,
  "routing.http.response.content_security_policy.header_value": header,
  "routing.http.response.x_content_type_options.header_value": header,
  "routing.http.response.x_frame_options.header_value": header,
  "routing.http.request.x_amzn_tls_version.header_name": spec("X-Amzn-Tls-Version", any),
  "routing.http.request.x_amzn_tls_cipher_suite.header_name": spec("X-Amzn-Tls-Cipher-Suite", any),
  "routing.http.request.x_amzn_mtls_clientcert_serial_number.header_name": spec("", any, "not emulated: mutual TLS"),
  "routing.http.request.x_amzn_mtls_clientcert_issuer.header_name": spec("", any, "not emulated: mutual TLS"),
  "routing.http.request.x_amzn_mtls_clientcert_subject.header_name": spec("", any, "not emulated: mutual TLS"),
  "routing.http.request.x_amzn_mtls_clientcert_validity.header_name": spec("", any, "not emulated: mutual TLS"),
  "routing.http.request.x_amzn_mtls_clientcert_leaf.header_name": spec("", any, "not emulated: mutual TLS"),
  "routing.http.request.x_amzn_mtls_clientcert.header_name": spec("", any, "not emulated: mutual TLS"),
  "tcp.idle_timeout.seconds": spec("350", any, "not emulated: NLB only"),
};

/** Attribute list → Key → Value with AWS defaults filled in. */
export function attributeMap(list: readonly { Key: string; Value: string }[], table: Readonly<Record<string, AttributeSpec>>): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const [k, s] of Object.entries(table)) m.set(k, s.default);
  for (const a of list) m.set(a.Key, a.Value);
  return m;
}
