import { basename, extname } from "node:path";
import type { Importer } from "../importer.js";
import { parseQuietly, readStructuredFile } from "../structured-file.js";

/**
 * A DistributionConfig document on its own, as given to `aws cloudfront create-distribution
 * --distribution-config file://cf.json`, or wrapped (`{ ETag, DistributionConfig }`) as
 * `aws cloudfront get-distribution-config` prints it. The file name becomes the distribution's
 * logical name, which seeds its local id.
 */
export const DISTRIBUTION_CONFIG_IMPORTER: Importer = {
  name: "distribution-config",
  patterns: ["*.json"],
  scope: "file",
  detect(path, bytes) {
    return isDistributionConfig(unwrap(parseQuietly(path, bytes)));
  },
  async import(path) {
    const f = await readStructuredFile(path);
    const name = distributionName(path);
    const wrapped = typeof f.value === "object" && f.value !== null && "DistributionConfig" in f.value;
    return {
      input: { distributions: { [name]: f.value } },
      warnings: [],
      files: [path],
      // Stack path distributions.<name>.X is document path X (DistributionConfig.X when wrapped).
      locate: (p) => (p[0] === "distributions" && p[1] === name ? f.locate(wrapped ? ["DistributionConfig", ...p.slice(2)] : p.slice(2)) : undefined),
    };
  },
};

export function distributionName(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9-]/g, "-") || "distribution";
}

function unwrap(doc: unknown): unknown {
  return typeof doc === "object" && doc !== null && "DistributionConfig" in doc ? (doc as { DistributionConfig: unknown }).DistributionConfig : doc;
}

function isDistributionConfig(d: unknown): boolean {
  return typeof d === "object" && d !== null && "Origins" in d && "DefaultCacheBehavior" in d;
}
