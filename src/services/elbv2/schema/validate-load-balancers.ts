import { didYouMean } from "../../../core/did-you-mean.js";
import { isIP } from "node:net";
import { LISTENER_ATTRIBUTES, LOAD_BALANCER_ATTRIBUTES, TARGET_GROUP_ATTRIBUTES, attributeMap, type AttributeSpec } from "./attributes.js";
import type { Action, LoadBalancer, Rule, RuleCondition, TargetGroup } from "./load-balancer.js";

/**
 * ELBv2's own checks on CreateLoadBalancer / CreateListener / CreateRule / CreateTargetGroup /
 * Modify*Attributes, with AWS's error code and text where it is known (alb.md §2, §3, §4, §13).
 * Messages AWS has not been observed to send are marked Choice.
 */
type Issue = [(string | number)[], string];

/** alb.md §2 quota "Condition values per rule"; text observed (aws-cdk#10065, cfn-lint#3833). */
export const MAX_CONDITION_VALUES_PER_RULE = 5;
export const MAX_WILDCARDS_PER_RULE = 5;
const SINGLE_CONDITIONS = ["host-header", "http-request-method", "path-pattern", "source-ip"] as const;
const CONFIG_KEY: Record<RuleCondition["Field"], keyof RuleCondition> = {
  "host-header": "HostHeaderConfig",
  "path-pattern": "PathPatternConfig",
  "http-header": "HttpHeaderConfig",
  "http-request-method": "HttpRequestMethodConfig",
  "query-string": "QueryStringConfig",
  "source-ip": "SourceIpConfig",
};

export function validateLoadBalancers(lbs: LoadBalancer[], tgs: TargetGroup[]): Issue[] {
  const issues: Issue[] = [];
  const tgByName = new Map(tgs.map((t) => [t.Name, t]));
  const tgOwner = new Map<string, string>();
  const tgNames = new Set<string>();
  tgs.forEach((tg, i) => {
    const p = ["targetGroups", i];
    if (tgNames.has(tg.Name)) issues.push([[...p, "Name"], `DuplicateTargetGroupName: A target group with the same name '${tg.Name}' exists`]);
    tgNames.add(tg.Name);
    checkTargetGroup(tg, p, issues);
  });
  const lbNames = new Set<string>();
  lbs.forEach((lb, i) => {
    const lp = ["loadBalancers", i];
    if (lbNames.has(lb.Name)) issues.push([[...lp, "Name"], `DuplicateLoadBalancerName: A load balancer with the same name '${lb.Name}' exists`]);
    lbNames.add(lb.Name);
    checkAttributes(lb.Attributes, LOAD_BALANCER_ATTRIBUTES, "Load balancer", [...lp, "Attributes"], issues);
    const ports = new Set<number>();
    const usedTgs = new Set<string>();
    lb.Listeners.forEach((l, j) => {
      const p = [...lp, "Listeners", j];
      if (ports.has(l.Port)) issues.push([[...p, "Port"], `DuplicateListener: A listener already exists on this port for this load balancer`]);
      ports.add(l.Port);
      checkAttributes(l.Attributes, LISTENER_ATTRIBUTES, "Listener", [...p, "Attributes"], issues);
      if (l.Protocol === "HTTPS" && l.Certificates === undefined) {
        // Choice: AWS requires a certificate; locally the CA issues one, so a missing Certificates is accepted.
      }
      checkActions(l.DefaultActions, [...p, "DefaultActions"], l.Protocol, usedTgs);
      const priorities = new Set<number>();
      l.Rules.forEach((r, k) => {
        const rp = [...p, "Rules", k];
        if (priorities.has(r.Priority)) issues.push([[...rp, "Priority"], `PriorityInUse: Priority '${r.Priority}' is currently in use`]);
        priorities.add(r.Priority);
        checkConditions(r, rp, issues);
        checkActions(r.Actions, [...rp, "Actions"], l.Protocol, usedTgs);
      });
    });
    // alb.md §13: a target group belongs to at most one load balancer.
    for (const tg of usedTgs) {
      const owner = tgOwner.get(tg);
      if (owner && owner !== lb.Name)
        issues.push([lp, `TargetGroupAssociationLimit: The following target groups cannot be associated with more than one load balancer: ${tg}`]);
      tgOwner.set(tg, lb.Name);
    }
  });

  function checkActions(actions: Action[], path: (string | number)[], protocol: "HTTP" | "HTTPS", used: Set<string>) {
    const terminal = actions.filter((a) => a.Type === "forward" || a.Type === "redirect" || a.Type === "fixed-response");
    if (terminal.length !== 1) issues.push([path, "ValidationError: A rule must have exactly one forward, redirect or fixed-response action"]);
    const sorted = [...actions].sort((a, b) => (a.Order ?? 50001) - (b.Order ?? 50001));
    if (terminal.length === 1 && sorted[sorted.length - 1] !== terminal[0])
      issues.push([path, `ValidationError: The ${terminal[0]!.Type} action must be the last action to be performed`]);
    actions.forEach((a, i) => {
      const ap = [...path, i];
      if ((a.Type === "authenticate-oidc" || a.Type === "authenticate-cognito" || a.Type === "jwt-validation") && protocol !== "HTTPS")
        issues.push([ap, `InvalidConfigurationRequest: ${a.Type} actions are only supported on HTTPS listeners`]);
      if (a.Type === "forward") checkForward(a, ap, used);
      if (a.Type === "redirect") {
        const r = a.RedirectConfig;
        if (!r) return void issues.push([ap, "ValidationError: A redirect action needs RedirectConfig"]);
        checkRedirect(r, ap, protocol);
      }
      if (a.Type === "fixed-response" && !a.FixedResponseConfig) issues.push([ap, "ValidationError: A fixed-response action needs FixedResponseConfig"]);
    });
  }

  function checkForward(a: Action, ap: (string | number)[], used: Set<string>) {
    const fc = a.ForwardConfig;
    const refs = fc ? fc.TargetGroups.map((t) => t.TargetGroupArn) : a.TargetGroupArn ? [a.TargetGroupArn] : [];
    if (refs.length === 0) return void issues.push([ap, "ValidationError: A forward action needs TargetGroupArn or ForwardConfig.TargetGroups"]);
    if (fc && a.TargetGroupArn && (fc.TargetGroups.length !== 1 || targetGroupName(fc.TargetGroups[0]!.TargetGroupArn) !== targetGroupName(a.TargetGroupArn)))
      issues.push([ap, "ValidationError: You cannot specify both TargetGroupArn and ForwardConfig with different target groups"]);
    // alb.md §3.1: at most 5 target groups per action.
    if (refs.length > 5)
      issues.push([[...ap, "ForwardConfig", "TargetGroups"], "ValidationError: You cannot specify more than '5' target groups in a forward action"]);
    const sc = fc?.TargetGroupStickinessConfig;
    if (sc?.Enabled && sc.DurationSeconds === undefined)
      issues.push([
        [...ap, "ForwardConfig", "TargetGroupStickinessConfig"],
        "ValidationError: DurationSeconds is required when target group stickiness is enabled",
      ]);
    refs.forEach((ref, k) => {
      const name = targetGroupName(ref);
      const tg = tgByName.get(name);
      const fp = fc ? [...ap, "ForwardConfig", "TargetGroups", k, "TargetGroupArn"] : [...ap, "TargetGroupArn"];
      if (!tg)
        return void issues.push([
          fp,
          `TargetGroupNotFound: One or more target groups not found ('${ref}' names no entry under targetGroups${didYouMean(name, tgByName.keys())})`,
        ]);
      used.add(name);
      if (refs.length > 1 && attributeMap(tg.Attributes, TARGET_GROUP_ATTRIBUTES).get("stickiness.type") === "app_cookie" && isSticky(tg))
        issues.push([fp, "InvalidConfigurationRequest: Application-based stickiness is not supported with weighted target groups"]);
    });
  }

  function checkRedirect(r: NonNullable<Action["RedirectConfig"]>, ap: (string | number)[], protocol: "HTTP" | "HTTPS") {
    const p = [...ap, "RedirectConfig"];
    if (r.Protocol !== undefined && !["HTTP", "HTTPS", "#{protocol}"].includes(r.Protocol))
      issues.push([[...p, "Protocol"], "ValidationError: Protocol must be HTTP, HTTPS or #{protocol}"]);
    // alb.md §3.2: HTTPS → HTTP is not allowed.
    if (protocol === "HTTPS" && r.Protocol === "HTTP") issues.push([[...p, "Protocol"], "ValidationError: Redirect from HTTPS to HTTP is not allowed"]);
    if (r.Port !== undefined && r.Port !== "#{port}" && !(/^\d+$/.test(r.Port) && Number(r.Port) >= 1 && Number(r.Port) <= 65535))
      issues.push([[...p, "Port"], "ValidationError: Port must be 1-65535 or #{port}"]);
    for (const k of ["Host", "Path", "Query"] as const) {
      const v = r[k];
      if (v !== undefined && v.length > 128) issues.push([[...p, k], `ValidationError: ${k} cannot be longer than 128 characters`]);
    }
    if (r.Path !== undefined && !r.Path.startsWith("/")) issues.push([[...p, "Path"], "ValidationError: Path must start with a '/' character"]);
    if (r.Query?.startsWith("?")) issues.push([[...p, "Query"], "ValidationError: Query cannot start with '?'; it is added automatically"]);
    // alb.md §3.2: the loop guard.
    const same = (v: string | undefined, kw: string) => v === undefined || v === kw;
    if (same(r.Protocol, "#{protocol}") && same(r.Host, "#{host}") && same(r.Port, "#{port}") && same(r.Path, "/#{path}"))
      issues.push([
        p,
        "InvalidLoadBalancerAction: The redirect configuration is not valid: it would redirect to the same location; change at least one of protocol, host, port or path",
      ]);
  }
  return issues;
}

function checkConditions(r: Rule, rp: (string | number)[], issues: Issue[]) {
  const seen = new Set<string>();
  let values = 0;
  let wildcards = 0;
  r.Conditions.forEach((c, i) => {
    const cp = [...rp, "Conditions", i];
    if ((SINGLE_CONDITIONS as readonly string[]).includes(c.Field)) {
      if (seen.has(c.Field)) issues.push([cp, `ValidationError: A rule can only have one '${c.Field}' condition`]);
      seen.add(c.Field);
    }
    for (const [f, key] of Object.entries(CONFIG_KEY)) {
      if (f !== c.Field && c[key] !== undefined) issues.push([[...cp, key], `ValidationError: ${key} can only be specified when Field is '${f}'`]);
    }
    const list = conditionValues(c);
    if (list.length === 0) issues.push([cp, "ValidationError: A condition value cannot be empty"]);
    values += list.length;
    for (const v of list) {
      if (v.length === 0) issues.push([cp, "ValidationError: A condition value cannot be empty"]);
      if (v.length > 128) issues.push([cp, `ValidationError: Condition value '${v.slice(0, 20)}…' cannot be longer than 128 characters`]);
      if (c.Field !== "source-ip" && c.Field !== "http-request-method") wildcards += countWildcards(v, c.Field === "query-string");
      const bad = checkValue(c.Field, v);
      if (bad) issues.push([cp, `ValidationError: ${bad}`]);
    }
    if (c.Field === "http-header") {
      const name = c.HttpHeaderConfig?.HttpHeaderName;
      if (!name) issues.push([cp, "ValidationError: HttpHeaderConfig.HttpHeaderName is required for an http-header condition"]);
      else if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$/.test(name))
        issues.push([
          [...cp, "HttpHeaderConfig", "HttpHeaderName"],
          "ValidationError: HttpHeaderName must be a valid HTTP header name of at most 40 characters",
        ]);
      else if (name.toLowerCase() === "host")
        issues.push([[...cp, "HttpHeaderConfig", "HttpHeaderName"], "ValidationError: Use a host-header condition to match the Host header"]);
    }
  });
  // Checked after the per-condition rules, before anything else counts: AWS's observed message.
  if (values > MAX_CONDITION_VALUES_PER_RULE)
    issues.push([[...rp, "Conditions"], `ValidationError: A rule can only have '${MAX_CONDITION_VALUES_PER_RULE}' condition values`]);
  // Choice: the text of the wildcard quota error is not observed (alb.md §2).
  if (wildcards > MAX_WILDCARDS_PER_RULE) issues.push([[...rp, "Conditions"], `ValidationError: A rule can only have '${MAX_WILDCARDS_PER_RULE}' wildcards`]);
}

/** The values of a condition, from its XxxConfig or the legacy `Values` (host-header and path-pattern only). */
export function conditionValues(c: RuleCondition): string[] {
  switch (c.Field) {
    case "host-header":
      return c.HostHeaderConfig?.Values ?? c.Values ?? [];
    case "path-pattern":
      return c.PathPatternConfig?.Values ?? c.Values ?? [];
    case "http-header":
      return c.HttpHeaderConfig?.Values ?? [];
    case "http-request-method":
      return c.HttpRequestMethodConfig?.Values ?? [];
    case "query-string":
      return (c.QueryStringConfig?.Values ?? []).map((v) => (v.Key === undefined ? v.Value : `${v.Key}=${v.Value}`));
    case "source-ip":
      return c.SourceIpConfig?.Values ?? [];
  }
}

function countWildcards(v: string, escapes: boolean): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    if (escapes && v[i] === "\\") i++;
    else if (v[i] === "*" || v[i] === "?") n++;
  }
  return n;
}

/** alb.md §2.1 allowed characters per condition type. */
function checkValue(field: RuleCondition["Field"], v: string): string | undefined {
  switch (field) {
    case "host-header":
      if (!/^[A-Za-z0-9\-.*?]+$/.test(v)) return `Host header '${v}' contains characters that are not allowed (A-Z a-z 0-9 - . * ?)`;
      if (!v.includes(".")) return `Host header '${v}' must contain at least one '.' character`;
      if (!/\.[A-Za-z]+$/.test(v) && !/\.[A-Za-z]*[*?][A-Za-z*?]*$/.test(v))
        return `Host header '${v}' can include only alphabetical characters after the final '.'`;
      return undefined;
    case "path-pattern":
      return /^[A-Za-z0-9_\-.$/~"'@:+&*?;]+$/.test(v) ? undefined : `Path pattern '${v}' contains characters that are not allowed`;
    case "http-request-method":
      return /^[A-Z_-]{1,40}$/.test(v) ? undefined : `HTTP request method '${v}' can contain only A-Z, '-' and '_' (at most 40 characters)`;
    case "source-ip":
      return checkCidr(v);
    default:
      return undefined;
  }
}

function checkCidr(v: string): string | undefined {
  const [ip, bits, extra] = v.split("/");
  const fam = isIP(ip ?? "");
  const max = fam === 4 ? 32 : 128;
  if (fam === 0 || extra !== undefined || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) return `'${v}' is not a valid CIDR block`;
  if (v === "255.255.255.255/32") return `'${v}' is not a valid source IP`;
  return undefined;
}

function checkAttributes(
  list: readonly { Key: string; Value: string }[],
  table: Readonly<Record<string, AttributeSpec>>,
  what: string,
  path: (string | number)[],
  issues: Issue[],
) {
  list.forEach((a, i) => {
    const s = table[a.Key];
    // Choice: AWS's text for an unknown key is not observed; this follows its "… is not recognized" pattern.
    if (!s) return void issues.push([[...path, i, "Key"], `ValidationError: ${what} attribute key '${a.Key}' is not recognized`]);
    const bad = s.check(a.Value);
    if (bad) issues.push([[...path, i, "Value"], `ValidationError: ${what} attribute '${a.Key}' ${bad}, not '${a.Value}'`]);
  });
}

function isSticky(tg: TargetGroup): boolean {
  return attributeMap(tg.Attributes, TARGET_GROUP_ATTRIBUTES).get("stickiness.enabled") === "true";
}

function checkTargetGroup(tg: TargetGroup, p: (string | number)[], issues: Issue[]) {
  checkAttributes(tg.Attributes, TARGET_GROUP_ATTRIBUTES, "Target group", [...p, "Attributes"], issues);
  const attrs = attributeMap(tg.Attributes, TARGET_GROUP_ATTRIBUTES);
  const lambda = tg.TargetType === "lambda";
  if (lambda) {
    for (const k of ["Protocol", "Port", "ProtocolVersion", "VpcId"] as const)
      if (tg[k] !== undefined) issues.push([[...p, k], `ValidationError: ${k} cannot be specified for target groups with target type 'lambda'`]);
    if (attrs.get("load_balancing.algorithm.type") === "weighted_random")
      issues.push([[...p, "Attributes"], "ValidationError: The weighted_random algorithm is not supported for target groups with target type 'lambda'"]);
  } else if (tg.HealthCheckEnabled === false) {
    // alb.md §4.1: only Lambda target groups may turn health checks off.
    issues.push([[...p, "HealthCheckEnabled"], `ValidationError: Health checks cannot be disabled for target groups with target type '${tg.TargetType}'`]);
  }
  if (tg.TargetType === "alb")
    issues.push([[...p, "TargetType"], "ValidationError: Target type 'alb' is only supported for Network Load Balancer target groups"]);
  const interval = tg.HealthCheckIntervalSeconds ?? (lambda ? 35 : 30);
  const timeout = tg.HealthCheckTimeoutSeconds ?? (lambda ? 30 : 5);
  if (timeout >= interval) issues.push([[...p, "HealthCheckTimeoutSeconds"], "ValidationError: Health check timeout must be smaller than the interval"]);
  if (tg.HealthCheckPath !== undefined && (!tg.HealthCheckPath.startsWith("/") || tg.HealthCheckPath.length > 1024))
    issues.push([[...p, "HealthCheckPath"], "ValidationError: Health check path must begin with a '/' character and be at most 1024 characters"]);
  if (tg.HealthCheckPort !== undefined && tg.HealthCheckPort !== "traffic-port" && !(/^\d+$/.test(tg.HealthCheckPort) && Number(tg.HealthCheckPort) <= 65535))
    issues.push([[...p, "HealthCheckPort"], "ValidationError: Health check port must be 'traffic-port' or 1-65535"]);
  const code = tg.Matcher?.HttpCode;
  if (code !== undefined && parseHttpCodes(code) === undefined)
    issues.push([[...p, "Matcher", "HttpCode"], `ValidationError: Health check matcher HTTP code '${code}' must be values or ranges between 200 and 499`]);
  if (attrs.get("stickiness.enabled") === "true" && attrs.get("stickiness.type") === "app_cookie" && !attrs.get("stickiness.app_cookie.cookie_name"))
    issues.push([[...p, "Attributes"], "ValidationError: stickiness.app_cookie.cookie_name is required when stickiness.type is 'app_cookie'"]);
  if (attrs.get("slow_start.duration_seconds") !== "0" && attrs.get("load_balancing.algorithm.type") === "least_outstanding_requests")
    issues.push([[...p, "Attributes"], "InvalidConfigurationRequest: Slow start is not supported with the least outstanding requests algorithm"]);
}

/** `"200"`, `"200,202"`, `"200-299"` → a membership test; undefined when AWS would reject it (alb.md §4.1). */
export function parseHttpCodes(spec: string): ((status: number) => boolean) | undefined {
  const parts: [number, number][] = [];
  for (const part of spec.split(",")) {
    const m = /^\s*(\d{3})(?:-(\d{3}))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 200 || hi > 499 || hi < lo) return undefined;
    parts.push([lo, hi]);
  }
  return (s) => parts.some(([lo, hi]) => s >= lo && s <= hi);
}

/** `arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID` or a bare NAME → NAME. */
export function targetGroupName(ref: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(ref);
  return m?.[1] ?? ref;
}
