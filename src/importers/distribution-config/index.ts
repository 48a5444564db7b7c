import { basename, extname } from "node:path";
import type { Importer } from "../importer.js";

/**
 * A DistributionConfig document on its own, as given to `aws cloudfront create-distribution
 * --distribution-config file://cf.json` (or wrapped as get-distribution-config prints it).
 */
export const DISTRIBUTION_CONFIG_IMPORTER: Importer = {
  name: "distribution-config",
  detect(doc) {
    if (typeof doc !== "object" || doc === null) return false;
    const d = "DistributionConfig" in doc ? (doc as { DistributionConfig: unknown }).DistributionConfig : doc;
    return typeof d === "object" && d !== null && "Origins" in d && "DefaultCacheBehavior" in d;
  },
  import(doc, file) {
    const name = basename(file, extname(file)).replace(/[^A-Za-z0-9-]/g, "-") || "distribution";
    return { input: { distributions: { [name]: doc } }, warnings: [] };
  },
};
