import type { Importer } from "../importer.js";

const STACK_KEYS = ["distributions", "buckets", "loadBalancers", "targetGroups", "cachePolicies", "originRequestPolicies", "local"];

/** Our edgeparity.yaml is already the stack's shape: AWS shapes plus `local:` bindings. */
export const YAML_STACK_IMPORTER: Importer = {
  name: "edgeparity-yaml",
  detect: (doc) => typeof doc === "object" && doc !== null && !Array.isArray(doc) && Object.keys(doc).some((k) => STACK_KEYS.includes(k)),
  import: (doc) => ({ input: doc, warnings: [] }),
};
