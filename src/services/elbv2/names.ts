/** ELBv2's names and ids as AWS spells them, stable per name (design.md §Hostnames). */

/** A stable 16-hex id from a name, as ELBv2 ids look (`app/<name>/<id>`, `targetgroup/<name>/<id>`). */
export function hexId(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

/** Choice: the local account id is AWS's documentation example. */
export const ACCOUNT = "123456789012";

/** `<name>-<digits>.<region>.elb.localhost` and its AWS spelling, digits stable per name (design.md §Hostnames). */
export function loadBalancerHosts(lbName: string, region: string): { local: string; cloud: string } {
  const name = lbName.toLowerCase();
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  const id = String(1_000_000_000 + (h % 1_000_000_000));
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
