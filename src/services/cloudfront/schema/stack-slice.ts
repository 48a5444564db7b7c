import { z } from "zod";
import type { StackSlice } from "../../../core/stack-slice.js";
import { DistributionConfigSchema, type DistributionConfig } from "./distribution-config.js";
import { findNotEmulated } from "./not-emulated.js";
import {
  FunctionEntrySchema,
  KeyValueStoreEntrySchema,
  validateFunctionAssociations,
  validateFunctions,
  type FunctionEntry,
  type KeyValueStoreEntry,
} from "./functions.js";
import { OriginAccessControlConfigSchema } from "./origin-access-control.js";
import { CachePolicyConfigSchema, OriginRequestPolicyConfigSchema, type CachePolicyConfig, type OriginRequestPolicyConfig } from "./policies.js";
import { ResponseHeadersPolicyConfigSchema, type ResponseHeadersPolicyConfig } from "./response-headers-policy.js";
import { validateDistribution } from "./validate-distribution.js";

/** A distribution entry is a DistributionConfig, or `{ DistributionConfig }` as `get-distribution-config` prints it. */
type DistributionConfigInput = z.input<typeof DistributionConfigSchema>;
/** A distribution as written: its DistributionConfig, or wrapped as `aws cloudfront get-distribution-config` prints it. */
export type DistributionEntryInput = DistributionConfigInput | { DistributionConfig: DistributionConfigInput; ETag?: string };

// The cast only names the input type (a preprocess step's input is `unknown` to zod), so the stack's
// input type completes and refuses typos in editors (issue 15); parsing is unchanged.
const DistributionEntrySchema = z.preprocess(
  (v) => (v && typeof v === "object" && "DistributionConfig" in v ? (v as { DistributionConfig: unknown }).DistributionConfig : v),
  DistributionConfigSchema,
) as unknown as z.ZodType<z.output<typeof DistributionConfigSchema>, z.ZodTypeDef, DistributionEntryInput>;

const sections = {
  /** Logical name → DistributionConfig. The logical name seeds the local distribution id. */
  distributions: z.record(DistributionEntrySchema).default({}),
  /** Custom cache policies: key = the Id a behaviour's CachePolicyId names. */
  cachePolicies: z.record(CachePolicyConfigSchema).default({}),
  originRequestPolicies: z.record(OriginRequestPolicyConfigSchema).default({}),
  /** Custom response headers policies by the Id a behaviour's ResponseHeadersPolicyId names (cloudfront.md §6). */
  responseHeadersPolicies: z.record(ResponseHeadersPolicyConfigSchema).default({}),
  /** OriginAccessControlConfig by the Id an origin's OriginAccessControlId names (cloudfront.md §10.4). */
  originAccessControls: z.record(OriginAccessControlConfigSchema).default({}),
  /** CloudFront Functions by name: `{ FunctionConfig, FunctionCode }` as CreateFunction takes them (cloudfront.md §13). */
  functions: z.record(FunctionEntrySchema).default({}),
  /** KeyValueStores by name, each bound to a local import-source JSON file (§13.5). */
  keyValueStores: z.record(KeyValueStoreEntrySchema).default({}),
};

const local = {
  /**
   * KeyValueStore name → its local import-source JSON file, for a store defined by an imported
   * source (Terraform, CloudFormation) that cannot say where the file is; the importer reads it.
   */
  keyValueStores: z.record(z.string().min(1)).default({}),
  /** Custom origin domain name → URL it stands for (`api.example.com: http://127.0.0.1:8080`). */
  origins: z.record(z.string().url()).default({}),
  /**
   * Where loopback viewers are "from": the values of CloudFront-Viewer-Country (ISO 3166-1
   * alpha-2) and CloudFront-Viewer-ASN when a policy names them (cloudfront.md §7.4).
   */
  viewer: z
    .object({
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code, e.g. US")
        .default("US"),
      asn: z.number().int().min(0).default(16509),
    })
    .strict()
    .default({}),
};

export interface CloudFrontSections {
  distributions: Record<string, DistributionConfig>;
  cachePolicies: Record<string, CachePolicyConfig>;
  originRequestPolicies: Record<string, OriginRequestPolicyConfig>;
  responseHeadersPolicies: Record<string, ResponseHeadersPolicyConfig>;
  functions: Record<string, FunctionEntry>;
  keyValueStores: Record<string, KeyValueStoreEntry>;
}

export const CLOUDFRONT_STACK_SLICE = {
  sections,
  local,
  check(stack: CloudFrontSections) {
    const problems: [readonly (string | number)[], string][] = [];
    const notEmulated: { path: readonly (string | number)[]; message: string }[] = [];
    const catalog = {
      cachePolicies: new Set(Object.keys(stack.cachePolicies)),
      originRequestPolicies: new Set(Object.keys(stack.originRequestPolicies)),
      responseHeadersPolicies: new Set(Object.keys(stack.responseHeadersPolicies)),
    };
    for (const [name, dc] of Object.entries(stack.distributions)) {
      const prefix = ["distributions", name];
      for (const [path, message] of validateDistribution(dc, catalog)) problems.push([[...prefix, ...path], message]);
      for (const w of findNotEmulated(dc)) notEmulated.push({ path: [...prefix, ...w.path], message: w.message });
      for (const [path, message] of validateFunctionAssociations(dc, stack.functions)) problems.push([[...prefix, ...path], message]);
    }
    // API:ResponseHeadersPolicyConfig: "The name must be unique for response headers policies in this AWS account."
    const names = new Map<string, string>();
    for (const [id, p] of Object.entries(stack.responseHeadersPolicies)) {
      const first = names.get(p.Name);
      if (first !== undefined)
        problems.push([
          ["responseHeadersPolicies", id, "Name"],
          `ResponseHeadersPolicyAlreadyExists: A response headers policy with the name '${p.Name}' already exists (responseHeadersPolicies.${first}).`,
        ]);
      else names.set(p.Name, id);
    }
    for (const [id, p] of Object.entries(stack.responseHeadersPolicies))
      if (p.ServerTimingHeadersConfig?.Enabled)
        notEmulated.push({
          path: ["responseHeadersPolicies", id, "ServerTimingHeadersConfig"],
          message: "approximated: cdn-upstream-dns and cdn-upstream-connect are 0 (local origins, pooled connections); one cache layer (EDGE)",
        });
    problems.push(...validateFunctions(stack.functions, stack.keyValueStores));
    return { problems, notEmulated };
  },
} satisfies StackSlice<CloudFrontSections>;
