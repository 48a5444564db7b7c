/** ELBv2's names and ids as AWS spells them, stable per name (design.md §Hostnames). */
import { LOCAL_ACCOUNT_ID } from "../../core/account.js";
import { stableHash } from "../../core/ids.js";

/** A stable 16-hex id from a name, as ELBv2 ids look (`app/<name>/<id>`, `targetgroup/<name>/<id>`). */
export const hexId = (seed: string): string => stableHash(seed).toString(16).padStart(16, "0");

/** The local account (core/account.ts). */
export const ACCOUNT = LOCAL_ACCOUNT_ID;

/** `<name>-<digits>.<region>.elb.localhost` and its AWS spelling, digits stable per name (design.md §Hostnames). */
export function loadBalancerHosts(lbName: string, region: string): { local: string; cloud: string } {
  const name = lbName.toLowerCase();
  const id = String(1_000_000_000n + (stableHash(name) % 1_000_000_000n));
  return { local: `${name}-${id}.${region}.elb.localhost`.toLowerCase(), cloud: `${name}-${id}.${region}.elb.amazonaws.com`.toLowerCase() };
}

/** The load balancer an AWS DNS name (`name-123.region.elb.amazonaws.com`, or ours) stands for. */
export function loadBalancerFromHost(host: string): string | undefined {
  const m = /^(?:internal-)?([a-z0-9-]+?)-\d+\.[a-z0-9-]+\.elb\.(?:amazonaws\.com|localhost)$/i.exec(host);
  return m?.[1];
}

export function targetGroupArn(name: string, region: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:targetgroup/${name}/${hexId(`tg:${name}`)}`;
}

const elbArn = (region: string, resource: string) => `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:${resource}`;

/** `loadbalancer/app/<name>/<16 hex>`, the id stable per name (the same id the data plane logs). */
export function loadBalancerArn(name: string, region: string): string {
  return elbArn(region, `loadbalancer/app/${name}/${hexId(`lb:${name}`)}`);
}

/** A listener is identified by its load balancer and Port (one listener per port, DuplicateListener). */
export function listenerArn(lbName: string, port: number, region: string): string {
  return elbArn(region, `listener/app/${lbName}/${hexId(`lb:${lbName}`)}/${hexId(`listener:${lbName}:${port}`)}`);
}

/** A rule by its listener and Priority (unique per listener, PriorityInUse); `default` for the default rule. */
export function ruleArn(lbName: string, port: number, priority: number | "default", region: string): string {
  return elbArn(
    region,
    `listener-rule/app/${lbName}/${hexId(`lb:${lbName}`)}/${hexId(`listener:${lbName}:${port}`)}/${hexId(`rule:${lbName}:${port}:${priority}`)}`,
  );
}

/** The Name inside a load balancer or target group ARN (`…:loadbalancer/app/<name>/…`, `…:targetgroup/<name>/…`). */
export function nameFromArn(arn: string): string | undefined {
  return /:(?:loadbalancer\/app|targetgroup|listener\/app|listener-rule\/app)\/([^/]+)\//.exec(arn)?.[1];
}
