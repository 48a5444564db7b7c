import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { EdgeparityError } from "../core/errors.js";
import { stableId } from "../core/ids.js";
import { listItems } from "../model/aws-list.js";
import type { Stack } from "../model/stack.js";
import { loadBalancerFromHost, loadBalancerHosts } from "../services/elbv2/index.js";
import { bucketFromHost, bucketHosts, S3_PATH_STYLE_HOST } from "../services/s3/index.js";

/**
 * Binding (design.md §Binding): every cloud name in the stack resolves to a local stand-in, before
 * anything listens, so `validate` reports a missing binding exactly as `up` would.
 */
export type OriginBinding =
  | { kind: "url"; url: URL }
  /** Served by edgeparity's own gateway under this host (a bucket, a load balancer, a distribution). */
  | { kind: "gateway"; service: "s3" | "elbv2" | "cloudfront"; name: string };

export interface BoundBucket {
  name: string;
  folder: string;
  /** Created because an S3 origin names it, with no bucket declared. */
  implicit: boolean;
}

export interface DistributionNames {
  name: string;
  id: string;
  domain: string;
}

export interface BindingPlan {
  region: string;
  buckets: BoundBucket[];
  distributions: DistributionNames[];
  /** Origin DomainName (lower-case) → binding. */
  origins: Map<string, OriginBinding>;
  /** Extra host → load balancer name: AWS DNS names an origin uses that differ from ours only in the id. */
  loadBalancerAliases: Map<string, string>;
  /** Every host the HTTPS certificate must cover. */
  certificateHosts: string[];
}

export const REGION = "us-east-1";

export function distributionNames(name: string): DistributionNames {
  const id = stableId(`distribution:${name}`);
  return { name, id, domain: `d${id.slice(1).toLowerCase()}.cloudfront.localhost` };
}

export async function resolveBindings(stack: Stack, baseDir: string, stateDir: string): Promise<BindingPlan> {
  const region = REGION;
  const distributions = Object.keys(stack.distributions).map(distributionNames);
  const distributionByDomain = new Map<string, string>();
  for (const d of distributions) {
    distributionByDomain.set(d.domain, d.name);
    for (const a of listItems(stack.distributions[d.name]!.Aliases)) distributionByDomain.set(a.toLowerCase(), d.name);
  }
  const lbNames = new Set(stack.loadBalancers.map((l) => l.Name.toLowerCase()));
  const bucketNames = new Set([...Object.keys(stack.buckets), ...Object.keys(stack.local.buckets)]);
  const implicitBuckets = new Set<string>();
  const localOrigins = new Map(Object.entries(stack.local.origins).map(([k, v]) => [k.toLowerCase(), v]));
  const origins = new Map<string, OriginBinding>();
  const loadBalancerAliases = new Map<string, string>();
  const missing: string[] = [];

  for (const [dname, dc] of Object.entries(stack.distributions)) {
    listItems(dc.Origins).forEach((o, i) => {
      const domain = o.DomainName.toLowerCase();
      const where = `distributions.${dname}.Origins.Items[${i}]`;
      const url = localOrigins.get(domain);
      if (url) return void origins.set(domain, { kind: "url", url: new URL(url) });
      const bucket = bucketFromHost(domain);
      if (bucket && (o.S3OriginConfig || bucketNames.has(bucket))) {
        if (!bucketNames.has(bucket)) implicitBuckets.add(bucket);
        return void origins.set(domain, { kind: "gateway", service: "s3", name: bucket });
      }
      const lb = loadBalancerFromHost(domain);
      if (lb && lbNames.has(lb.toLowerCase())) {
        loadBalancerAliases.set(domain, lb);
        return void origins.set(domain, { kind: "gateway", service: "elbv2", name: lb });
      }
      const dist = distributionByDomain.get(domain);
      if (dist) return void origins.set(domain, { kind: "gateway", service: "cloudfront", name: dist });
      missing.push(
        `${where} (Id '${o.Id}', DomainName '${o.DomainName}') is not bound to anything local. ` +
          (lb
            ? `No load balancer named '${lb}' is declared under loadBalancers; declare it, or bind the name under local.origins.`
            : `Add a binding to the stack:\n      local:\n        origins:\n          ${o.DomainName}: http://127.0.0.1:PORT`),
      );
    });
  }
  if (missing.length) throw new EdgeparityError("BINDING_MISSING", missing.join("\n  "));

  const buckets: BoundBucket[] = [];
  for (const name of [...bucketNames, ...implicitBuckets].sort()) {
    const bound = stack.local.buckets[name]?.folder;
    if (bound !== undefined) {
      const folder = isAbsolute(bound) ? bound : resolve(baseDir, bound);
      const s = await stat(folder).catch(() => undefined);
      if (!s?.isDirectory()) throw new EdgeparityError("FILE_NOT_FOUND", `local.buckets.${name}.folder: folder not found: ${folder}`);
      buckets.push({ name, folder, implicit: false });
    } else {
      buckets.push({ name, folder: join(stateDir, "s3", name), implicit: implicitBuckets.has(name) });
    }
  }

  const certificateHosts = ["localhost", "127.0.0.1", "::1", "edgeparity.localhost", S3_PATH_STYLE_HOST];
  for (const d of distributions) certificateHosts.push(d.domain);
  for (const host of distributionByDomain.keys()) certificateHosts.push(host);
  for (const b of buckets) certificateHosts.push(...bucketHosts(b.name, region));
  for (const lb of stack.loadBalancers) {
    const h = loadBalancerHosts(lb.Name, region);
    certificateHosts.push(h.local, h.cloud);
  }
  certificateHosts.push(...loadBalancerAliases.keys());
  return { region, buckets, distributions, origins, loadBalancerAliases, certificateHosts: [...new Set(certificateHosts)] };
}
