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
