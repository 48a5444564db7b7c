import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { compileCorsRules, type CompiledCorsRule } from "./cors/evaluate-cors.js";
import { BucketStore } from "./object-store/bucket-store.js";
import { MultipartUploads } from "./object-store/multipart-uploads.js";
import { compilePolicy, type CompiledPolicy } from "./policy/evaluate-policy.js";
import type { CORSRule } from "./schema/bucket.js";
import { compileWebsite, type WebsiteConfig, type WebsitePlan } from "./website/website-config.js";

/**
 * A bucket at run time: its object store, uploads in progress and bucket-level configuration
 * (CORS, policy, website), compiled when set. Configuration is kept in `bucket.json` beside the
 * objects so buckets made with the API survive a restart.
 */
export interface BucketConfigFile {
  creationDate: number;
  cors?: CORSRule[];
  policy?: string;
  website?: WebsiteConfig;
  /** PutBucketTagging's tag set, in the order given. */
  tags?: [string, string][];
}

export class BucketState {
  cors: { rules: CORSRule[]; compiled: CompiledCorsRule[] } | undefined;
  policy: CompiledPolicy | undefined;
  website: { config: WebsiteConfig; plan: WebsitePlan } | undefined;
  tags: [string, string][] | undefined;

  private constructor(
    readonly name: string,
    readonly creationDate: number,
    readonly store: BucketStore,
    readonly uploads: MultipartUploads,
  ) {}

  static async open(name: string, dir: string, now: number, uuid: () => string): Promise<BucketState> {
    const store = await BucketStore.open(dir, uuid);
    const uploads = await MultipartUploads.open(join(dir, "uploads"), uuid);
    let file: BucketConfigFile | undefined;
    try {
      file = JSON.parse(await readFile(join(dir, "bucket.json"), "utf8")) as BucketConfigFile;
    } catch {
      file = undefined;
    }
    const b = new BucketState(name, file?.creationDate ?? Math.floor(now / 1000) * 1000, store, uploads);
    if (file?.cors) b.setCors(file.cors);
    if (file?.policy) b.setPolicy(file.policy);
    if (file?.website) b.setWebsite(file.website);
    if (file?.tags) b.tags = file.tags;
    if (!file) await b.save();
    return b;
  }

  setCors(rules: CORSRule[] | undefined): void {
    this.cors = rules ? { rules, compiled: compileCorsRules(rules) } : undefined;
  }

  /** Throws PolicyError (MalformedPolicy) before changing anything. */
  setPolicy(text: string | undefined): void {
    this.policy = text === undefined ? undefined : compilePolicy(text);
  }

  setWebsite(config: WebsiteConfig | undefined): void {
    this.website = config ? { config, plan: compileWebsite(config) } : undefined;
  }

  async save(): Promise<void> {
    const file: BucketConfigFile = { creationDate: this.creationDate };
    if (this.cors) file.cors = this.cors.rules;
    if (this.policy) file.policy = this.policy.text;
    if (this.website) file.website = this.website.config;
    if (this.tags) file.tags = this.tags;
    await mkdir(this.store.dir, { recursive: true });
    // Temp file, fsync, rename, fsync the folder: an acknowledged configuration change survives kill -9 (s3.md §10).
    const tmp = join(this.store.dir, "bucket.json.tmp");
    const h = await open(tmp, "w");
    try {
      await h.writeFile(JSON.stringify(file));
      await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, join(this.store.dir, "bucket.json"));
    const d = await open(this.store.dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}
