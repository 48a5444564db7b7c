import { isDeepStrictEqual } from "node:util";
import type { XmlValue } from "../../../core/query-protocol.js";
import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import { isLoopbackAddress } from "../../../core/loopback.js";
import { LOAD_BALANCER_ATTRIBUTES, TARGET_GROUP_ATTRIBUTES, LISTENER_ATTRIBUTES, attributeMap, type AttributeSpec } from "../schema/attributes.js";
import type { Listener, LoadBalancer, TargetGroup } from "../schema/load-balancer.js";
import type { TargetBinding } from "../schema/stack-slice.js";
import { listenerCertificateArns } from "../schema/not-emulated.js";
import { listenerArn, loadBalancerArn, nameFromArn, ruleArn, targetGroupArn } from "../names.js";
import { Elbv2ApiError, notFound, validation } from "./api-error.js";
import { coerce, list, required, str, strings } from "./coerce.js";
import type { Elbv2ApiDeps, Elbv2Fragment } from "./elbv2-state.js";
import { asTargetGroupArn, listenerShape, loadBalancerShape, ruleShape, tagList, targetGroupShape } from "./shapes.js";

type Params = Record<string, unknown>;
export type Operation = (p: Params, d: Elbv2ApiDeps) => Promise<XmlValue> | XmlValue;

/** Describe* page size when the caller gives none (AWS: up to 400 per page). */
const DEFAULT_PAGE = 400;

// ---- lookups over the served stack ----------------------------------------------------------

function lbByArn(d: Elbv2ApiDeps, arn: string): LoadBalancer {
  const lb = d.served().loadBalancers.find((l) => loadBalancerArn(l.Name, d.region) === arn);
  if (!lb) throw notFound.loadBalancer();
  return lb;
}

function tgByArn(d: Elbv2ApiDeps, arn: string): TargetGroup {
  const tg = d.served().targetGroups.find((t) => targetGroupArn(t.Name, d.region) === arn);
  if (!tg) throw notFound.targetGroup();
  return tg;
}

function listenerByArn(d: Elbv2ApiDeps, arn: string): { lb: LoadBalancer; listener: Listener } {
  for (const lb of d.served().loadBalancers)
    for (const listener of lb.Listeners) if (listenerArn(lb.Name, listener.Port, d.region) === arn) return { lb, listener };
  throw notFound.listener();
}

function ruleByArn(d: Elbv2ApiDeps, arn: string): { lb: LoadBalancer; listener: Listener; priority: number | "default" } {
  for (const lb of d.served().loadBalancers)
    for (const listener of lb.Listeners) {
      if (ruleArn(lb.Name, listener.Port, "default", d.region) === arn) return { lb, listener, priority: "default" };
      for (const r of listener.Rules) if (ruleArn(lb.Name, listener.Port, r.Priority, d.region) === arn) return { lb, listener, priority: r.Priority };
    }
  throw notFound.rule();
}

/** Every target group ARN an action list forwards to. */
function forwardedTo(actions: Listener["DefaultActions"], region: string): string[] {
  return actions
    .flatMap((a) => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ?? [])])
    .flatMap((r) => asTargetGroupArn(r, region) ?? []);
}

function loadBalancersUsing(d: Elbv2ApiDeps, tgArn: string): string[] {
  return d
    .served()
    .loadBalancers.filter((lb) =>
      lb.Listeners.some((l) => [...forwardedTo(l.DefaultActions, d.region), ...l.Rules.flatMap((r) => forwardedTo(r.Actions, d.region))].includes(tgArn)),
    )
    .map((lb) => loadBalancerArn(lb.Name, d.region));
}

// ---- the API's own fragment ------------------------------------------------------------------

const FILE_OWNED = (what: string) =>
  new Elbv2ApiError(
    "OperationNotPermitted",
    `${what} is defined in the stack file; edit the file to change it (edgeparity serves stack-file resources read-only through the API)`,
  );

function ownedLb(f: Elbv2Fragment, name: string): Record<string, unknown> {
  const lb = f.loadBalancers.find((l) => l.Name === name);
  if (!lb) throw FILE_OWNED(`Load balancer '${name}'`);
  return lb;
}

function ownedTg(f: Elbv2Fragment, name: string): Record<string, unknown> {
  const tg = f.targetGroups.find((t) => t.Name === name);
  if (!tg) throw FILE_OWNED(`Target group '${name}'`);
  return tg;
}

function ownedListener(f: Elbv2Fragment, lbName: string, port: number): Record<string, unknown> {
  const lb = ownedLb(f, lbName);
  const listeners = (lb.Listeners ??= []) as Record<string, unknown>[];
  const l = listeners.find((x) => x.Port === port);
  if (!l) throw notFound.listener();
  return l;
}

function page<T>(items: readonly T[], p: Params): { items: T[]; next?: string } {
  const size = typeof p.PageSize === "number" ? p.PageSize : DEFAULT_PAGE;
  if (size < 1 || size > 400)
    throw validation(
      `1 validation error detected: Value '${size}' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400`,
    );
  const marker = str(p, "Marker");
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, "base64url").toString("utf8"));
    if (!Number.isInteger(start) || start < 0) throw validation("Invalid value for 'Marker'");
  }
  const slice = items.slice(start, start + size);
  return { items: slice, next: start + size < items.length ? Buffer.from(String(start + size)).toString("base64url") : undefined };
}

function tagsParam(p: Params): { Key: string; Value: string }[] | undefined {
  const tags = list(p, "Tags") as { Key?: string; Value?: string }[];
  if (tags.length === 0) return undefined;
  return tags.map((t) => {
    if (typeof t.Key !== "string") throw validation("Tag keys must not be null");
    return { Key: t.Key, Value: t.Value ?? "" };
  });
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function attributesOut(list: readonly { Key: string; Value: string }[], table: Readonly<Record<string, AttributeSpec>>): XmlValue {
  return [...attributeMap(list, table)].map(([Key, Value]) => ({ Key, Value }));
}

function attributesIn(p: Params, table: Readonly<Record<string, AttributeSpec>>): { Key: string; Value: string }[] {
  const attrs = list(p, "Attributes") as { Key?: string; Value?: string }[];
  if (attrs.length === 0) throw validation("1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null");
  return attrs.map((a) => {
    if (typeof a.Key !== "string" || !(a.Key in table))
      throw new Elbv2ApiError("InvalidConfigurationRequest", `Attribute key '${String(a.Key)}' is not recognized`);
    return { Key: a.Key, Value: a.Value ?? "" };
  });
}

function mergeAttributes(prior: unknown, changes: readonly { Key: string; Value: string }[]): { Key: string; Value: string }[] {
  const m = new Map((Array.isArray(prior) ? (prior as { Key: string; Value: string }[]) : []).map((a) => [a.Key, a.Value]));
  for (const a of changes) m.set(a.Key, a.Value);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

// ---- targets ---------------------------------------------------------------------------------

/**
 * A registered target as the data plane binds it. Choice (issue 11): an `ip` or `instance` target's
 * Id is an address on this machine (127.0.0.0/8, ::1, `localhost`) with its Port; anything else
 * is refused, since edgeparity never sends traffic off the machine. A Lambda target's Id is a
 * function ARN whose FunctionName is bound under `local.functions`.
 */
function targetBinding(tg: TargetGroup, t: { Id?: string; Port?: number }, d: Elbv2ApiDeps): TargetBinding {
  if (typeof t.Id !== "string" || t.Id === "")
    throw validation("1 validation error detected: Value null at 'targets.member.id' failed to satisfy constraint: Member must not be null");
  if (tg.TargetType === "lambda") {
    const name = /^arn:aws:lambda:[^:]+:\d{12}:function:([^:]+)/.exec(t.Id)?.[1] ?? t.Id;
    const bound = d.served().functions[name];
    if (!bound)
      throw new Elbv2ApiError(
        "InvalidTarget",
        `Lambda function '${name}' is not bound locally: add local.functions.${name}.handler (the handler file) to the stack file`,
      );
    return { lambda: bound.handler, handler: bound.export };
  }
  const port = t.Port ?? tg.Port;
  if (port === undefined) throw new Elbv2ApiError("InvalidTarget", `A port must be specified for target '${t.Id}'`);
  if (!isLoopbackAddress(t.Id))
    throw new Elbv2ApiError("InvalidTarget", `The target '${t.Id}' is not on this machine: edgeparity registers targets at 127.0.0.0/8, ::1 or localhost only`);
  const host = t.Id.includes(":") ? `[${t.Id}]` : t.Id;
  return `${(tg.Protocol ?? "HTTP").toLowerCase()}://${host}:${port}`;
}

function targetDescription(binding: TargetBinding, d: Elbv2ApiDeps): { Id: string; Port?: number } {
  if (typeof binding === "string" || "url" in binding) {
    const u = new URL(typeof binding === "string" ? binding : binding.url);
    return { Id: u.hostname.replace(/^\[|\]$/g, ""), Port: Number(u.port || (u.protocol === "https:" ? 443 : 80)) };
  }
  if ("lambda" in binding) {
    // RegisterTargets named the function by ARN; report it the same way when it is bound under local.functions.
    const lambda = binding.lambda;
    const name = Object.entries(d.served().functions).find(([, f]) => f.handler === lambda && f.export === binding.handler)?.[0];
    return { Id: name === undefined ? lambda : `arn:aws:lambda:${d.region}:${LOCAL_ACCOUNT_ID}:function:${name}` };
  }
  return { Id: binding.command, Port: binding.port };
}

// ---- operations ------------------------------------------------------------------------------

const LB_FIELDS = ["Scheme", "IpAddressType", "Subnets", "SecurityGroups", "SubnetMappings"] as const;

export const OPERATIONS: Record<string, Operation> = {
  async CreateLoadBalancer(p, d) {
    const name = required(p, "Name");
    const type = str(p, "Type") ?? "application";
    if (type !== "application")
      throw new Elbv2ApiError("InvalidConfigurationRequest", `Load balancer type '${type}' is not emulated: edgeparity runs application load balancers only`);
    const input = withoutUndefined({
      Name: name,
      Type: "application",
      Scheme: str(p, "Scheme"),
      IpAddressType: str(p, "IpAddressType"),
      Subnets: p.Subnets,
      SubnetMappings: p.SubnetMappings,
      SecurityGroups: p.SecurityGroups,
      Tags: tagsParam(p),
    });
    const existing = d.served().loadBalancers.find((l) => l.Name === name);
    if (existing) {
      // CreateLoadBalancer is idempotent for the same settings (API reference).
      const same = LB_FIELDS.every((k) => input[k] === undefined || isDeepStrictEqual(input[k], existing[k]));
      if (!same) throw new Elbv2ApiError("DuplicateLoadBalancerName", `A load balancer with the same name '${name}' exists, but with different settings`);
      return { LoadBalancers: [loadBalancerShape(existing, d.region, d.createdTime)] };
    }
    await d.change((f) => void f.loadBalancers.push({ ...input, Listeners: [] }));
    return { LoadBalancers: [loadBalancerShape(lbByArn(d, loadBalancerArn(name, d.region)), d.region, d.createdTime)] };
  },

  DescribeLoadBalancers(p, d) {
    const arns = strings(p, "LoadBalancerArns");
    const names = strings(p, "Names");
    let lbs = [...d.served().loadBalancers];
    if (arns.length > 0) lbs = arns.map((a) => lbByArn(d, a));
    else if (names.length > 0)
      lbs = names.map((n) => {
        const lb = lbs.find((l) => l.Name === n);
        if (!lb) throw new Elbv2ApiError("LoadBalancerNotFound", `Load balancers '[${n}]' not found`);
        return lb;
      });
    const { items, next } = page(lbs, p);
    return { LoadBalancers: items.map((lb) => loadBalancerShape(lb, d.region, d.createdTime)), NextMarker: next };
  },

  async DeleteLoadBalancer(p, d) {
    const arn = required(p, "LoadBalancerArn");
    const lb = d.served().loadBalancers.find((l) => loadBalancerArn(l.Name, d.region) === arn);
    if (!lb) return {}; // DeleteLoadBalancer of a deleted load balancer succeeds (API reference).
    await d.change((f) => {
      ownedLb(f, lb.Name);
      f.loadBalancers = f.loadBalancers.filter((l) => l.Name !== lb.Name);
    });
    return {};
  },

  async CreateTargetGroup(p, d) {
    const name = required(p, "Name");
    const input = withoutUndefined({
      Name: name,
      Protocol: str(p, "Protocol"),
      ProtocolVersion: str(p, "ProtocolVersion"),
      Port: p.Port,
      VpcId: str(p, "VpcId"),
      TargetType: str(p, "TargetType"),
      HealthCheckProtocol: str(p, "HealthCheckProtocol"),
      HealthCheckPort: str(p, "HealthCheckPort"),
      HealthCheckEnabled: p.HealthCheckEnabled,
      HealthCheckPath: str(p, "HealthCheckPath"),
      HealthCheckIntervalSeconds: p.HealthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: p.HealthCheckTimeoutSeconds,
      HealthyThresholdCount: p.HealthyThresholdCount,
      UnhealthyThresholdCount: p.UnhealthyThresholdCount,
      Matcher: p.Matcher,
      IpAddressType: str(p, "IpAddressType"),
      Tags: tagsParam(p),
    });
    const type = (input.TargetType as string | undefined) ?? "instance";
    if (type !== "lambda" && (input.Protocol === undefined || input.Port === undefined))
      throw validation(`A protocol and port must be specified for target groups with target type '${type}'`);
    const existing = d.served().targetGroups.find((t) => t.Name === name);
    if (existing) {
      const same = Object.entries(input).every(([k, v]) => k === "Tags" || isDeepStrictEqual(v, (existing as Record<string, unknown>)[k]));
      if (!same) throw new Elbv2ApiError("DuplicateTargetGroupName", `A target group with the same name '${name}' exists, but with different settings`);
    } else await d.change((f) => void f.targetGroups.push(input));
    const tg = tgByArn(d, targetGroupArn(name, d.region));
    return { TargetGroups: [targetGroupShape(tg, d.region, loadBalancersUsing(d, targetGroupArn(name, d.region)))] };
  },

  DescribeTargetGroups(p, d) {
    const arns = strings(p, "TargetGroupArns");
    const names = strings(p, "Names");
    const lbArn = str(p, "LoadBalancerArn");
    let tgs = [...d.served().targetGroups];
    if (arns.length > 0) tgs = arns.map((a) => tgByArn(d, a));
    else if (names.length > 0)
      tgs = names.map((n) => {
        const tg = tgs.find((t) => t.Name === n);
        if (!tg) throw new Elbv2ApiError("TargetGroupNotFound", `Target groups '[${n}]' not found`);
        return tg;
      });
    else if (lbArn !== undefined) {
      lbByArn(d, lbArn);
      tgs = tgs.filter((t) => loadBalancersUsing(d, targetGroupArn(t.Name, d.region)).includes(lbArn));
    }
    const { items, next } = page(tgs, p);
    return { TargetGroups: items.map((t) => targetGroupShape(t, d.region, loadBalancersUsing(d, targetGroupArn(t.Name, d.region)))), NextMarker: next };
  },

  async ModifyTargetGroup(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    const changes = withoutUndefined({
      HealthCheckProtocol: str(p, "HealthCheckProtocol"),
      HealthCheckPort: str(p, "HealthCheckPort"),
      HealthCheckPath: str(p, "HealthCheckPath"),
      HealthCheckEnabled: p.HealthCheckEnabled,
      HealthCheckIntervalSeconds: p.HealthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: p.HealthCheckTimeoutSeconds,
      HealthyThresholdCount: p.HealthyThresholdCount,
      UnhealthyThresholdCount: p.UnhealthyThresholdCount,
      Matcher: p.Matcher,
    });
    await d.change((f) => void Object.assign(ownedTg(f, tg.Name), changes));
    const after = tgByArn(d, targetGroupArn(tg.Name, d.region));
    return { TargetGroups: [targetGroupShape(after, d.region, loadBalancersUsing(d, targetGroupArn(tg.Name, d.region)))] };
  },

  async DeleteTargetGroup(p, d) {
    const arn = required(p, "TargetGroupArn");
    const tg = d.served().targetGroups.find((t) => targetGroupArn(t.Name, d.region) === arn);
    if (!tg) return {};
    if (loadBalancersUsing(d, arn).length > 0) throw new Elbv2ApiError("ResourceInUse", `Target group '${arn}' is currently in use by a listener or a rule`);
    await d.change((f) => {
      ownedTg(f, tg.Name);
      f.targetGroups = f.targetGroups.filter((t) => t.Name !== tg.Name);
      delete f.local.targetGroups[tg.Name];
    });
    return {};
  },

  async RegisterTargets(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    const targets = list(p, "Targets") as { Id?: string; Port?: number }[];
    if (targets.length === 0) throw validation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null");
    const bindings = targets.map((t) => targetBinding(tg, t, d));
    await d.change((f) => {
      ownedTg(f, tg.Name);
      const entry = (f.local.targetGroups[tg.Name] ??= { targets: [] });
      for (const b of bindings) if (!entry.targets.some((x) => isDeepStrictEqual(x, b))) entry.targets.push(b);
    });
    return {};
  },

  async DeregisterTargets(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    const bindings = (list(p, "Targets") as { Id?: string; Port?: number }[]).map((t) => targetBinding(tg, t, d));
    await d.change((f) => {
      ownedTg(f, tg.Name);
      const entry = f.local.targetGroups[tg.Name];
      if (entry) entry.targets = entry.targets.filter((x) => !bindings.some((b) => isDeepStrictEqual(x, b)));
    });
    return {};
  },

  DescribeTargetHealth(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    const bindings = d.served().targets[tg.Name] ?? [];
    const health = d.health(tg.Name) ?? [];
    const only = (list(p, "Targets") as { Id?: string; Port?: number }[]).map((t) => `${t.Id}:${t.Port ?? tg.Port ?? ""}`);
    const rows = bindings.map((b, i) => {
      const target = targetDescription(b, d);
      const h = health[i];
      const state = h?.state ?? "initial";
      return {
        Target: { Id: target.Id, Port: target.Port },
        HealthCheckPort: tg.TargetType === "lambda" ? undefined : (tg.HealthCheckPort ?? String(target.Port ?? "")),
        TargetHealth: { State: state, Reason: h?.reason, Description: h?.description },
      };
    });
    return { TargetHealthDescriptions: only.length === 0 ? rows : rows.filter((r) => only.includes(`${r.Target.Id}:${r.Target.Port ?? ""}`)) };
  },

  async CreateListener(p, d) {
    const lb = lbByArn(d, required(p, "LoadBalancerArn"));
    if (p.Port === undefined) throw validation("1 validation error detected: Value null at 'port' failed to satisfy constraint: Member must not be null");
    const port = p.Port as number;
    const input = withoutUndefined({
      Protocol: str(p, "Protocol"),
      Port: port,
      DefaultActions: p.DefaultActions,
      Certificates: p.Certificates,
      SslPolicy: str(p, "SslPolicy"),
      AlpnPolicy: p.AlpnPolicy,
      Tags: tagsParam(p),
    });
    if (lb.Listeners.some((l) => l.Port === port))
      throw new Elbv2ApiError("DuplicateListener", "A listener already exists on this port for this load balancer");
    requireCertificates(p.Certificates, d);
    await d.change((f) => void ((ownedLb(f, lb.Name).Listeners ??= []) as unknown[]).push(input));
    return { Listeners: [describeListener(d, listenerArn(lb.Name, port, d.region))] };
  },

  DescribeListeners(p, d) {
    const arns = strings(p, "ListenerArns");
    const lbArn = str(p, "LoadBalancerArn");
    let rows: XmlValue[];
    if (arns.length > 0) rows = arns.map((a) => describeListener(d, a));
    else if (lbArn !== undefined) {
      const lb = lbByArn(d, lbArn);
      rows = lb.Listeners.map((l) => listenerShape(lb, l, d.region));
    } else throw validation("You must specify either listener ARNs or a load balancer ARN");
    const { items, next } = page(rows, p);
    return { Listeners: items, NextMarker: next };
  },

  async ModifyListener(p, d) {
    const arn = required(p, "ListenerArn");
    const { lb, listener } = listenerByArn(d, arn);
    const changes = withoutUndefined({
      Port: p.Port,
      Protocol: str(p, "Protocol"),
      DefaultActions: p.DefaultActions,
      Certificates: p.Certificates,
      SslPolicy: str(p, "SslPolicy"),
      AlpnPolicy: p.AlpnPolicy,
    });
    if (changes.Port !== undefined && changes.Port !== listener.Port && lb.Listeners.some((l) => l.Port === changes.Port))
      throw new Elbv2ApiError("DuplicateListener", "A listener already exists on this port for this load balancer");
    requireCertificates(p.Certificates, d);
    await d.change((f) => void Object.assign(ownedListener(f, lb.Name, listener.Port), changes));
    // Divergence: a listener's ARN is derived from its port, so a port change gives it a new ARN.
    return { Listeners: [describeListener(d, listenerArn(lb.Name, (changes.Port as number | undefined) ?? listener.Port, d.region))] };
  },

  async DeleteListener(p, d) {
    const { lb, listener } = listenerByArn(d, required(p, "ListenerArn"));
    await d.change((f) => {
      const owned = ownedLb(f, lb.Name);
      owned.Listeners = ((owned.Listeners ?? []) as Record<string, unknown>[]).filter((l) => l.Port !== listener.Port);
    });
    return {};
  },

  async CreateRule(p, d) {
    const { lb, listener } = listenerByArn(d, required(p, "ListenerArn"));
    if (p.Priority === undefined)
      throw validation("1 validation error detected: Value null at 'priority' failed to satisfy constraint: Member must not be null");
    const priority = p.Priority as number;
    if (listener.Rules.some((r) => r.Priority === priority)) throw new Elbv2ApiError("PriorityInUse", `Priority '${priority}' is currently in use`);
    const input = withoutUndefined({ Priority: priority, Conditions: p.Conditions ?? [], Actions: p.Actions, Tags: tagsParam(p) });
    await d.change((f) => void ((ownedListener(f, lb.Name, listener.Port).Rules ??= []) as unknown[]).push(input));
    return { Rules: [describeRule(d, ruleArn(lb.Name, listener.Port, priority, d.region))] };
  },

  DescribeRules(p, d) {
    const arns = strings(p, "RuleArns");
    const lArn = str(p, "ListenerArn");
    let rows: XmlValue[];
    if (arns.length > 0) rows = arns.map((a) => describeRule(d, a));
    else if (lArn !== undefined) {
      const { lb, listener } = listenerByArn(d, lArn);
      rows = [
        ...[...listener.Rules].sort((a, b) => a.Priority - b.Priority).map((r) => ruleShape(lb, listener, r, d.region)),
        ruleShape(lb, listener, "default", d.region),
      ];
    } else throw validation("You must specify either listener rule ARNs or a listener ARN");
    const { items, next } = page(rows, p);
    return { Rules: items, NextMarker: next };
  },

  async ModifyRule(p, d) {
    const arn = required(p, "RuleArn");
    const { lb, listener, priority } = ruleByArn(d, arn);
    const changes = withoutUndefined({ Conditions: p.Conditions, Actions: p.Actions });
    await d.change((f) => {
      const l = ownedListener(f, lb.Name, listener.Port);
      if (priority === "default") {
        if (changes.Conditions !== undefined) throw new Elbv2ApiError("OperationNotPermitted", "Conditions cannot be specified for the default rule");
        if (changes.Actions !== undefined) l.DefaultActions = changes.Actions;
        return;
      }
      const rule = ((l.Rules ?? []) as Record<string, unknown>[]).find((r) => r.Priority === priority);
      if (!rule) throw notFound.rule();
      Object.assign(rule, changes);
    });
    return { Rules: [describeRule(d, arn)] };
  },

  async SetRulePriorities(p, d) {
    const wanted = (list(p, "RulePriorities") as { RuleArn?: string; Priority?: number }[]).map((rp) => {
      if (typeof rp.RuleArn !== "string" || typeof rp.Priority !== "number") throw validation("Each rule priority needs a RuleArn and a Priority");
      const found = ruleByArn(d, rp.RuleArn);
      if (found.priority === "default") throw new Elbv2ApiError("OperationNotPermitted", "The default rule's priority cannot be changed");
      return { ...found, to: rp.Priority };
    });
    for (const w of wanted)
      if (w.listener.Rules.some((r) => r.Priority === w.to && !wanted.some((o) => o.listener === w.listener && o.priority === r.Priority)))
        throw new Elbv2ApiError("PriorityInUse", `Priority '${w.to}' is currently in use`);
    await d.change((f) => {
      // Rules are found before any is renumbered, so a swap of two priorities works.
      const targets = wanted.map((w) => ({
        rule: ((ownedListener(f, w.lb.Name, w.listener.Port).Rules ?? []) as Record<string, unknown>[]).find((r) => r.Priority === w.priority)!,
        to: w.to,
      }));
      for (const t of targets) t.rule.Priority = t.to;
    });
    // Divergence: a rule's ARN is derived from its priority, so renumbered rules report new ARNs.
    return { Rules: wanted.map((w) => describeRule(d, ruleArn(w.lb.Name, w.listener.Port, w.to, d.region))) };
  },

  async DeleteRule(p, d) {
    const { lb, listener, priority } = ruleByArn(d, required(p, "RuleArn"));
    if (priority === "default") throw new Elbv2ApiError("OperationNotPermitted", "The default rule cannot be deleted");
    await d.change((f) => {
      const l = ownedListener(f, lb.Name, listener.Port);
      l.Rules = ((l.Rules ?? []) as Record<string, unknown>[]).filter((r) => r.Priority !== priority);
    });
    return {};
  },

  // Capacity reservations (LCU reservations) have no local meaning: none is ever set.
  DescribeCapacityReservation(p, d) {
    lbByArn(d, required(p, "LoadBalancerArn"));
    return { CapacityReservationState: [], DecreaseRequestsRemaining: 0 };
  },

  DescribeLoadBalancerAttributes(p, d) {
    const lb = lbByArn(d, required(p, "LoadBalancerArn"));
    return { Attributes: attributesOut(lb.Attributes, LOAD_BALANCER_ATTRIBUTES) };
  },
  async ModifyLoadBalancerAttributes(p, d) {
    const lb = lbByArn(d, required(p, "LoadBalancerArn"));
    const changes = attributesIn(p, LOAD_BALANCER_ATTRIBUTES);
    await d.change((f) => {
      const owned = ownedLb(f, lb.Name);
      owned.Attributes = mergeAttributes(owned.Attributes, changes);
    });
    return { Attributes: attributesOut(lbByArn(d, loadBalancerArn(lb.Name, d.region)).Attributes, LOAD_BALANCER_ATTRIBUTES) };
  },
  DescribeTargetGroupAttributes(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    return { Attributes: attributesOut(tg.Attributes, TARGET_GROUP_ATTRIBUTES) };
  },
  async ModifyTargetGroupAttributes(p, d) {
    const tg = tgByArn(d, required(p, "TargetGroupArn"));
    const changes = attributesIn(p, TARGET_GROUP_ATTRIBUTES);
    await d.change((f) => {
      const owned = ownedTg(f, tg.Name);
      owned.Attributes = mergeAttributes(owned.Attributes, changes);
    });
    return { Attributes: attributesOut(tgByArn(d, targetGroupArn(tg.Name, d.region)).Attributes, TARGET_GROUP_ATTRIBUTES) };
  },
  DescribeListenerAttributes(p, d) {
    const { listener } = listenerByArn(d, required(p, "ListenerArn"));
    return { Attributes: attributesOut(listener.Attributes, LISTENER_ATTRIBUTES) };
  },
  async ModifyListenerAttributes(p, d) {
    const arn = required(p, "ListenerArn");
    const { lb, listener } = listenerByArn(d, arn);
    const changes = attributesIn(p, LISTENER_ATTRIBUTES);
    await d.change((f) => {
      const owned = ownedListener(f, lb.Name, listener.Port);
      owned.Attributes = mergeAttributes(owned.Attributes, changes);
    });
    return { Attributes: attributesOut(listenerByArn(d, arn).listener.Attributes, LISTENER_ATTRIBUTES) };
  },

  async AddTags(p, d) {
    const arns = strings(p, "ResourceArns");
    const tags = tagsParam(p) ?? [];
    await editTags(d, arns, (prior) => {
      const m = new Map(prior.map((t) => [t.Key, t.Value]));
      for (const t of tags) m.set(t.Key, t.Value);
      return [...m].map(([Key, Value]) => ({ Key, Value }));
    });
    return {};
  },
  async RemoveTags(p, d) {
    const arns = strings(p, "ResourceArns");
    const keys = new Set(strings(p, "TagKeys"));
    await editTags(d, arns, (prior) => prior.filter((t) => !keys.has(t.Key)));
    return {};
  },
  DescribeTags(p, d) {
    return { TagDescriptions: strings(p, "ResourceArns").map((arn) => ({ ResourceArn: arn, Tags: tagList(taggable(d, arn).Tags) })) };
  },
};

function describeListener(d: Elbv2ApiDeps, arn: string): XmlValue {
  const { lb, listener } = listenerByArn(d, arn);
  return listenerShape(lb, listener, d.region);
}

function describeRule(d: Elbv2ApiDeps, arn: string): XmlValue {
  const { lb, listener, priority } = ruleByArn(d, arn);
  return ruleShape(lb, listener, priority === "default" ? "default" : listener.Rules.find((r) => r.Priority === priority)!, d.region);
}

/** The served resource an ARN names, for its Tags. */
function taggable(d: Elbv2ApiDeps, arn: string): { Tags?: unknown } {
  if (arn.includes(":loadbalancer/")) return lbByArn(d, arn);
  if (arn.includes(":targetgroup/")) return tgByArn(d, arn);
  if (arn.includes(":listener-rule/")) {
    const { listener, priority } = ruleByArn(d, arn);
    return priority === "default" ? {} : listener.Rules.find((r) => r.Priority === priority)!;
  }
  if (arn.includes(":listener/")) return listenerByArn(d, arn).listener;
  throw validation(`'${arn}' is not a valid resource ARN`);
}

async function editTags(
  d: Elbv2ApiDeps,
  arns: readonly string[],
  edit: (prior: { Key: string; Value: string }[]) => { Key: string; Value: string }[],
): Promise<void> {
  for (const arn of arns) taggable(d, arn);
  await d.change((f) => {
    for (const arn of arns) {
      const name = nameFromArn(arn)!;
      let owned: Record<string, unknown>;
      if (arn.includes(":targetgroup/")) owned = ownedTg(f, name);
      else if (arn.includes(":loadbalancer/")) owned = ownedLb(f, name);
      else if (arn.includes(":listener-rule/")) {
        const { listener, priority } = ruleByArn(d, arn);
        const l = ownedListener(f, name, listener.Port);
        owned = ((l.Rules ?? []) as Record<string, unknown>[]).find((r) => r.Priority === priority) ?? l;
      } else owned = ownedListener(f, name, listenerByArn(d, arn).listener.Port);
      const next = edit(tagList(owned.Tags));
      owned.Tags = next.length > 0 ? next : undefined;
      if (owned.Tags === undefined) delete owned.Tags;
    }
  });
}

/** Query parameters (strings) → the members' types, for the operations above. */
export function operationParams(raw: Record<string, unknown>): Params {
  return coerce(raw as never) as Params;
}

/**
 * An ACM certificate a listener names must exist: ELBv2 looks it up and answers CertificateNotFound
 * (quoted in AWS Load Balancer Controller and Terraform issues: "Certificate '<arn>' not found").
 * Other certificate ARNs (IAM server certificates) have no local record and are accepted.
 */
function requireCertificates(certificates: unknown, d: Elbv2ApiDeps): void {
  for (const arn of listenerCertificateArns(certificates))
    if (arn.startsWith("arn:aws:acm:") && d.certificateNames(arn) === undefined)
      throw new Elbv2ApiError("CertificateNotFound", `Certificate '${arn}' not found`);
}
