import { REGION } from "./cloudformation/physical-names.js";
import type { SourcePosition } from "./importer.js";

/**
 * Binding honesty, for every importer of deployed configuration (CloudFormation, Terraform): what
 * the source declares but nothing local stands in for — an origin on the internet, a target group
 * with no local target, a bucket with no folder, a Lambda function with no handler file — is
 * listed with the exact `local:` lines to add to an edgeparity.yaml overlay beside the source.
 */

export interface UnboundInput {
  /** What the overlay is "beside" in the message: `the template`, `the Terraform files`. */
  beside: string;
  distributions: Record<string, unknown>;
  loadBalancerNames: readonly string[];
  targetGroups: readonly Record<string, unknown>[];
  buckets: readonly string[];
  /** Origin domains served by something of this source besides buckets and load balancers (API Gateway). */
  claimedDomains?: ReadonlySet<string>;
  /** FunctionName → true when bound. */
  functions?: Readonly<Record<string, boolean>>;
  /** KeyValueStore name → true when the overlay names its local JSON file (`local.keyValueStores`). */
  keyValueStores?: Readonly<Record<string, boolean>>;
  /** `local:` as the source itself and the overlay bind it. */
  bound: { targetGroups: ReadonlySet<string>; buckets: ReadonlySet<string> };
  overlayLocal: Record<string, unknown>;
  locate(stackPath: (string | number)[]): SourcePosition | undefined;
}

export interface UnboundWarning {
  at: SourcePosition | undefined;
  path: string;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function findUnbound(u: UnboundInput): UnboundWarning[] {
  const out: UnboundWarning[] = [];
  const has = (section: string, key: string) => {
    const s = u.overlayLocal[section];
    return isRecord(s) && Object.keys(s).some((k) => k.toLowerCase() === key.toLowerCase());
  };
  const claimed = new Set<string>(u.claimedDomains ?? []);
  for (const b of u.buckets)
    for (const h of [
      `${b}.s3.amazonaws.com`,
      `${b}.s3.${REGION}.amazonaws.com`,
      `${b}.s3-${REGION}.amazonaws.com`,
      `${b}.s3-website-${REGION}.amazonaws.com`,
      `${b}.s3-website.${REGION}.amazonaws.com`,
    ])
      claimed.add(h);
  const lbNames = new Set(u.loadBalancerNames.map((n) => n.toLowerCase()));
  const tail = `Add to edgeparity.yaml beside ${u.beside}:\n      local:`;
  for (const [name, dc] of Object.entries(u.distributions)) {
    const origins = (dc as { Origins?: { Items?: unknown[] } }).Origins?.Items ?? [];
    origins.forEach((o, i) => {
      const domain = isRecord(o) && typeof o.DomainName === "string" ? o.DomainName.toLowerCase() : undefined;
      if (!domain || claimed.has(domain) || has("origins", domain)) return;
      const lb = /^(?:internal-)?([a-z0-9-]+?)-\d+\.[a-z0-9-]+\.elb\.amazonaws\.com$/.exec(domain)?.[1];
      if (lb && lbNames.has(lb)) return;
      out.push({
        at: u.locate(["distributions", name, "Origins", "Items", i]),
        path: `distributions.${name}.Origins.Items[${i}].DomainName`,
        message: `origin ${domain} is not a bucket, load balancer or API of ${u.beside}, so nothing local serves it. ${tail}\n        origins:\n          ${domain}: http://127.0.0.1:PORT`,
      });
    });
  }
  u.targetGroups.forEach((tg, i) => {
    const name = String(tg.Name);
    if (u.bound.targetGroups.has(name) || has("targetGroups", name)) return;
    const lambda = tg.TargetType === "lambda";
    out.push({
      at: u.locate(["targetGroups", i]),
      path: `targetGroups[${i}]`,
      message: `target group ${name} has no local target, so its load balancer answers 503. ${tail}\n        targetGroups:\n          ${name}:\n            targets:\n              - ${lambda ? "lambda: ./handler.mjs" : "http://127.0.0.1:PORT   # or: command: node server.mjs"}`,
    });
  });
  for (const name of u.buckets) {
    if (u.bound.buckets.has(name) || has("buckets", name)) continue;
    out.push({
      at: u.locate(["buckets", name]),
      path: `buckets.${name}`,
      message: `bucket ${name} has no local folder, so it starts empty. To seed it, ${tail.slice(0, 1).toLowerCase()}${tail.slice(1)}\n        buckets:\n          ${name}:\n            folder: ./site`,
    });
  }
  for (const [fn, bound] of Object.entries(u.functions ?? {})) {
    if (bound || has("functions", fn)) continue;
    out.push({
      at: u.locate(["local", "functions", fn]),
      path: `local.functions.${fn}`,
      message: `Lambda function ${fn} has no local handler file, so its integrations answer 502. ${tail}\n        functions:\n          ${fn}:\n            handler: ./index.mjs`,
    });
  }
  for (const [kvs, bound] of Object.entries(u.keyValueStores ?? {})) {
    if (bound) continue;
    out.push({
      at: u.locate(["keyValueStores", kvs]),
      path: `keyValueStores.${kvs}`,
      message: `KeyValueStore ${kvs} has no local JSON file, so it is left out and functions associated with it run without it. ${tail}\n        keyValueStores:\n          ${kvs}: ./kvs/${kvs}.json`,
    });
  }
  // An overlay line for a name the source does not define binds nothing (a typo, or a renamed resource).
  const defined: Record<string, Set<string>> = {
    buckets: new Set(u.buckets.map((b) => b.toLowerCase())),
    targetGroups: new Set(u.targetGroups.map((t) => String(t.Name).toLowerCase())),
    functions: new Set(Object.keys(u.functions ?? {}).map((f) => f.toLowerCase())),
    ...(u.keyValueStores ? { keyValueStores: new Set(Object.keys(u.keyValueStores).map((k) => k.toLowerCase())) } : {}),
  };
  for (const [section, names] of Object.entries(defined)) {
    const s = u.overlayLocal[section];
    if (!isRecord(s)) continue;
    for (const key of Object.keys(s))
      if (!names.has(key.toLowerCase()))
        out.push({
          at: undefined,
          path: `local.${section}.${key}`,
          message: `the overlay binds ${section === "buckets" ? "bucket" : section === "targetGroups" ? "target group" : section === "keyValueStores" ? "KeyValueStore" : "function"} ${key}, which ${u.beside} do not define; it binds nothing${names.size ? ` (defined: ${[...names].join(", ")})` : ""}`,
        });
  }
  return out;
}
