import { didYouMean } from "../../core/did-you-mean.js";
import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import type { ServiceModule } from "../../core/service.js";
import type { Stack } from "../../model/stack.js";
import { bucketFromHost, DEFAULT_CREDENTIALS, startS3, type BucketRuntime, type Credential, type RunningS3 } from "./index.js";

/**
 * S3 as the engine drives it: bind checks bucket folders; an origin DomainName that names a bucket
 * virtual-hosted style is claimed (an S3 origin naming an undeclared bucket gets it, empty); every
 * revision re-applies the declared bucket configuration to the one long-lived store.
 */
export interface S3Plan {
  buckets: BucketRuntime[];
  credentials: Credential[];
}

type S3Live = RunningS3 & { apply(plan: S3Plan): Promise<void> };

export const S3_SERVICE: ServiceModule<Stack, BucketRuntime[], S3Plan, S3Live> = {
  name: "s3",
  async bind(stack, ctx) {
    const problems: string[] = [];
    const buckets: BucketRuntime[] = [];
    const names = new Set([...Object.keys(stack.buckets), ...Object.keys(stack.local.buckets)]);
    for (const name of [...names].sort()) {
      const near = name in stack.buckets ? "" : didYouMean(name, Object.keys(stack.buckets));
      if (near) ctx.log.warn(`local.buckets.${name}: binds a bucket no entry under buckets declares${near}; it is served as a bucket of its own`);
      const bound = stack.local.buckets[name]?.folder;
      if (bound === undefined) {
        buckets.push({ name, folder: join(ctx.stateDir, "s3", name), config: stack.buckets[name] });
        continue;
      }
      const folder = isAbsolute(bound) ? bound : resolve(ctx.baseDir, bound);
      const s = await stat(folder).catch(() => undefined);
      if (!s?.isDirectory()) problems.push(`local.buckets.${name}.folder: folder not found: ${folder}`);
      buckets.push({ name, folder, seed: true, config: stack.buckets[name] });
    }
    return {
      binding: buckets,
      problems,
      claimOrigin(domain) {
        const bucket = bucketFromHost(domain);
        return bucket === undefined ? undefined : `${bucket}.s3.localhost`;
      },
    };
  },
  async compile(_stack, buckets, ctx) {
    const declared = new Set(buckets.map((b) => b.name));
    const implicit: BucketRuntime[] = [];
    for (const domain of ctx.claimed) {
      const name = bucketFromHost(domain)!;
      if (declared.has(name)) continue;
      declared.add(name);
      const near = didYouMean(name, Object.keys(_stack.buckets));
      // A name close to a declared bucket is most likely a typo in the origin's DomainName (issue 15).
      if (near) ctx.log.warn(`bucket ${name}: created empty because an origin's DomainName names it${near}`);
      else ctx.log.info(`bucket ${name}: created empty (an origin names it); bind it to a folder with local.buckets.${name}.folder`);
      implicit.push({ name, folder: join(ctx.stateDir, "s3", name) });
    }
    const credentials = [...DEFAULT_CREDENTIALS, ...ctx.offers.signingPrincipals];
    return Object.freeze({ buckets: [...buckets, ...implicit], credentials });
  },
  async start(plan, ctx) {
    const s3 = await startS3(plan.buckets, {
      ids: ctx.ids,
      log: ctx.log,
      region: ctx.region,
      clock: ctx.clock,
      stateDir: ctx.stateDir,
      credentials: plan.credentials,
      // CreateBucket / DeleteBucket / Put-Delete Bucket{Cors,Policy,Website} through the API become the
      // API fragment's `buckets.<name>` (issue 11): exported, persisted, re-applied by every revision.
      // A bucket the stack file declares or binds keeps the file as its source: the API change holds
      // until the file's next revision re-applies it (README "Stack file and AWS API").
      onBucketChanged: async (name, current) => {
        const api = ctx.stackApi;
        const live = api.live();
        if (api.ownerOf("buckets", name) === "file") return;
        if (name in live.local.buckets && !(name in ((api.fragment().local as Record<string, Record<string, unknown>> | undefined)?.buckets ?? {}))) return;
        await api.mutate("s3", (draft) => {
          const buckets = (draft.stack.buckets ??= {}) as Record<string, unknown>;
          // Read inside the serialized mutation: the latest live configuration, never an older one.
          const config = current();
          if (config === undefined) delete buckets[name];
          else buckets[name] = config;
        });
      },
    });
    // An API-made bucket's live configuration is the truth (persisted in its bucket.json); its record
    // in the API's fragment follows it, so revisions in between must not re-apply an older record.
    const apiOwned = (name: string) => ctx.stackApi.ownerOf("buckets", name) === "api";
    return Object.assign(s3, { apply: (p: S3Plan) => s3.applyBuckets(p.buckets, p.credentials, apiOwned) });
  },
};
