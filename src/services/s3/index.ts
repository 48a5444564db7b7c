import { join } from "node:path";
import { LOCAL_CREDENTIALS } from "../../core/account.js";
import { systemClock, type Clock } from "../../core/clock.js";
import type { Ids } from "../../core/ids.js";
import type { Log } from "../../core/log.js";
import type { HostPolicy, HttpHandler, RunningService } from "../../core/service.js";
import type { Credential } from "./auth/sigv4.js";
import { s3HostPolicy } from "./gateway-rejection.js";
import { PolicyError } from "./policy/evaluate-policy.js";
import { S3Service, type S3ServiceDeps } from "./s3-service.js";
import type { Bucket } from "./schema/bucket.js";
import { syncFolder, watchFolder } from "./seed/seed-folder.js";
import { answerWebsiteFailure, serveWebsite } from "./website/serve-website.js";
import type { WebsiteConfig } from "./website/website-config.js";

export type { Credential } from "./auth/sigv4.js";

/**
 * The S3 service: an object store per bucket under the state dir, the REST API on virtual-hosted
 * (`<bucket>.s3.localhost` and the bucket's cloud names) and path-style hosts (`s3.localhost`, and
 * the control-plane `localhost` through the router's fallback), and website endpoints.
 */
export interface BucketRuntime {
  name: string;
  /** The bound folder (seeded from) or, for unbound buckets, the bucket's own store folder. */
  folder: string;
  /** True when `folder` is a local.buckets binding to load objects from. */
  seed?: boolean;
  /** The stack's declared configuration (CORS, policy, website); re-applied at every start. */
  config?: Bucket;
}

export interface S3Deps {
  ids: Ids;
  log: Log;
  region: string;
  clock?: Clock;
  /** Objects live under `<stateDir>/s3/<bucket>`. Default: the parent of the first unbound bucket folder. */
  stateDir?: string;
  /** Access keys SigV4 is verified against. Default: test/test (s3.md §7). */
  credentials?: readonly Credential[];
  /** See S3ServiceDeps.onBucketChanged. */
  onBucketChanged?: S3ServiceDeps["onBucketChanged"];
}

export const DEFAULT_CREDENTIALS: readonly Credential[] = LOCAL_CREDENTIALS;

export interface RunningS3 extends RunningService {
  /** Path-style S3 for the control-plane hosts (localhost, 127.0.0.1), for HostRouter's fallback. */
  pathStyle: HttpHandler;
  /** Virtual-hosted S3 for buckets created through the API after start, whose hosts `routes` lacks (s3.md §1). */
  resolveHost(host: string): HttpHandler | undefined;
  /**
   * A new revision's buckets: opened (existing objects stay), declared configuration re-applied,
   * folder bindings synced and watched; `credentials` replaces the keys SigV4 accepts.
   */
  /**
   * `keepsLiveConfig(name)`: a bucket whose configuration the AWS API made keeps its live CORS,
   * policy and website (the API's record mirrors them), so a revision never re-applies an older copy.
   */
  applyBuckets(buckets: readonly BucketRuntime[], credentials?: readonly Credential[], keepsLiveConfig?: (name: string) => boolean): Promise<void>;
}

/** Every host name that addresses a bucket virtual-hosted style (s3.md §1). */
export function bucketHosts(bucket: string, region: string): string[] {
  return [
    `${bucket}.s3.localhost`,
    `${bucket}.s3.amazonaws.com`,
    `${bucket}.s3.${region}.amazonaws.com`,
    `${bucket}.s3-${region}.amazonaws.com`,
    `${bucket}.s3.localhost.localstack.cloud`,
  ];
}

/** Website endpoints of a bucket (s3.md §1, §9): HTTP only in AWS. */
export function websiteHosts(bucket: string, region: string): string[] {
  return [`${bucket}.s3-website.localhost`, `${bucket}.s3-website-${region}.amazonaws.com`, `${bucket}.s3-website.${region}.amazonaws.com`];
}

export const S3_PATH_STYLE_HOST = "s3.localhost";

const WEBSITE_HOST = /\.s3-website[.-]/;
const BUCKET_HOST = /^(.+?)\.s3(?:[.-][a-z0-9-]+)?\.(?:amazonaws\.com|localhost(?:\.localstack\.cloud)?)$/;

/** A bucket name from an S3 REST host name, or undefined when the host is not an S3 bucket endpoint. */
export function bucketFromHost(host: string): string | undefined {
  if (WEBSITE_HOST.test(host)) return undefined; // website endpoints are custom origins (s3.md §9)
  return BUCKET_HOST.exec(host.toLowerCase())?.[1];
}

export async function startS3(buckets: readonly BucketRuntime[], deps: S3Deps): Promise<RunningS3> {
  const clock = deps.clock ?? systemClock;
  const stateDir = deps.stateDir ?? join(buckets.find((b) => !b.seed)?.folder ?? ".edgeparity/s3/x", "..", "..");
  const service = new S3Service({
    clock,
    ids: deps.ids,
    log: deps.log,
    region: deps.region,
    credentials: deps.credentials ?? DEFAULT_CREDENTIALS,
    storeRoot: join(stateDir, "s3"),
    onBucketChanged: deps.onBucketChanged,
  });
  // Every S3 host answers gateway-level rejections as S3 does (s3.md §5; core/service.ts HostPolicy).
  const policy = s3HostPolicy({ now: () => clock.now(), hex32: () => deps.ids.hex32() });
  const restHandlers = new Map<string, HttpHandler>();
  const restHandler = (name: string): HttpHandler => {
    let h = restHandlers.get(name);
    if (!h) restHandlers.set(name, (h = (req, res, conn) => service.handle(req, res, conn, name)));
    return h;
  };
  const websiteHandler = (name: string): HttpHandler => {
    // The website endpoint's catch point: a throw answers this request's 500 (HTML), never ends the process.
    return (req, res) => {
      const requestId = deps.ids.hex32().slice(0, 16).toUpperCase();
      const fail = (e: unknown) => {
        deps.log.error(`s3 website ${name}: ${req.method} ${req.url} (request ${requestId}) failed inside edgeparity: ${(e as Error)?.stack ?? String(e)}`);
        answerWebsiteFailure(name, req, res, requestId);
      };
      try {
        serveWebsite(service.buckets.get(name), name, req, res, {
          requestId: () => requestId,
          reportFault: (e) =>
            deps.log.error(`s3 website ${name}: ${req.method} ${req.url} (request ${requestId}) failed while streaming the body: ${e.stack ?? String(e)}`),
        }).catch(fail);
      } catch (e) {
        fail(e);
      }
    };
  };
  const pathStyle: HttpHandler = (req, res, conn) => service.handle(req, res, conn, undefined);

  // Folder bindings are watched per (bucket, folder); a revision that keeps the binding keeps the watcher.
  const watchers = new Map<string, () => void>();
  let routes = new Map<string, HttpHandler>();
  const hostPolicies = new Map<string, HostPolicy>();
  const applyBuckets = async (next: readonly BucketRuntime[], credentials?: readonly Credential[], keepsLiveConfig?: (name: string) => boolean) => {
    if (credentials) service.setCredentials(credentials);
    const keep = new Set<string>();
    for (const b of next) {
      const apiMade = keepsLiveConfig?.(b.name) === true;
      // An API-made bucket exists while S3 has it: a revision composed before its DeleteBucket was
      // recorded must not bring it back (live state first, the API's record follows).
      if (apiMade && !service.buckets.has(b.name)) continue;
      const state = await service.openBucket(b.name);
      if (!apiMade) applyDeclaredConfig(state, b, deps.log);
      await state.save();
      if (b.seed) {
        const key = `${b.name}\u0000${b.folder}`;
        keep.add(key);
        if (!watchers.has(key)) {
          const r = await syncFolder(state, b.folder, () => clock.now());
          deps.log.debug(`bucket ${b.name}: loaded ${r.written} object(s) from ${b.folder}`);
          watchers.set(key, watchFolder(state, b.folder, clock, deps.log));
        }
      }
    }
    for (const [key, stop] of watchers) {
      if (keep.has(key)) continue;
      stop();
      watchers.delete(key);
    }
    await service.loadPersisted();
    const nextRoutes = new Map<string, HttpHandler>();
    const names = new Set<string>([...next.map((b) => b.name), ...service.buckets.keys()]);
    for (const name of names) {
      for (const h of bucketHosts(name, deps.region)) {
        nextRoutes.set(h, restHandler(name));
        hostPolicies.set(h, policy);
      }
      const website = websiteHandler(name);
      for (const h of websiteHosts(name, deps.region)) {
        nextRoutes.set(h, website);
        hostPolicies.set(h, policy);
      }
    }
    nextRoutes.set(S3_PATH_STYLE_HOST, pathStyle);
    hostPolicies.set(S3_PATH_STYLE_HOST, policy);
    routes = nextRoutes;
  };
  await applyBuckets(buckets);

  return {
    get routes() {
      return routes;
    },
    hostPolicies,
    pathStyle,
    // Path-style S3 through the control-plane endpoint (`--endpoint-url http://localhost:4480`).
    controlPlane: { signingName: "s3", handler: pathStyle },
    resolveHost(host) {
      // Only a bucket that exists now: the router must not serve arbitrary `*.s3.localhost` names.
      const name = bucketFromHost(host);
      if (name === undefined || !service.buckets.has(name) || !bucketHosts(name, deps.region).includes(host)) return undefined;
      for (const h of bucketHosts(name, deps.region)) if (!hostPolicies.has(h)) hostPolicies.set(h, policy);
      return restHandler(name);
    },
    applyBuckets,
    describeOrigin(domain, caller) {
      const name = bucketFromHost(domain);
      if (name === undefined) return undefined;
      return service.describeBucketFor(name, caller);
    },
    async close() {
      for (const stop of watchers.values()) stop();
      watchers.clear();
    },
  };
}

/** The stack's bucket configuration wins over what the API stored, at each start (docs/fidelity.md). */
function applyDeclaredConfig(state: Awaited<ReturnType<S3Service["openBucket"]>>, b: BucketRuntime, log: Log): void {
  const c = b.config;
  if (!c) return;
  if (c.CORSConfiguration) state.setCors(c.CORSConfiguration.CORSRules);
  if (c.Policy !== undefined) {
    try {
      state.setPolicy(typeof c.Policy === "string" ? c.Policy : JSON.stringify(c.Policy));
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      log.warn(`buckets.${b.name}.Policy: ${e.message}; the bucket has no policy`);
    }
  }
  if (c.WebsiteConfiguration) {
    try {
      state.setWebsite(c.WebsiteConfiguration as WebsiteConfig);
    } catch (e) {
      log.warn(`buckets.${b.name}.WebsiteConfiguration: ${(e as Error).message}; the bucket has no website configuration`);
    }
  }
}
