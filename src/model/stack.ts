import { z } from "zod";
import { DistributionConfigSchema } from "../services/cloudfront/schema/distribution-config.js";
import { CachePolicyConfigSchema, OriginRequestPolicyConfigSchema } from "../services/cloudfront/schema/policies.js";
import { LoadBalancerSchema, TargetGroupSchema } from "../services/elbv2/schema/load-balancer.js";
import { BucketSchema } from "../services/s3/schema/bucket.js";
import { OriginAccessControlConfigSchema } from "../services/cloudfront/schema/origin-access-control.js";
import { LocalBindingsSchema } from "./bindings.js";

/** A distribution entry is a DistributionConfig, or `{ DistributionConfig }` as `get-distribution-config` prints it. */
const DistributionEntrySchema = z.preprocess(
  (v) => (v && typeof v === "object" && "DistributionConfig" in v ? (v as { DistributionConfig: unknown }).DistributionConfig : v),
  DistributionConfigSchema,
);

const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const StackSchema = z
  .object({
    /** Logical name → DistributionConfig. The logical name seeds the local distribution id. */
    distributions: z.record(DistributionEntrySchema).default({}),
    /** Custom cache policies: key = the Id a behaviour's CachePolicyId names. */
    cachePolicies: z.record(CachePolicyConfigSchema).default({}),
    originRequestPolicies: z.record(OriginRequestPolicyConfigSchema).default({}),
    /** OriginAccessControlConfig by the Id an origin's OriginAccessControlId names (cloudfront.md §10.4). */
    originAccessControls: z.record(OriginAccessControlConfigSchema).default({}),
    buckets: z
      .record(BucketSchema)
      .default({})
      .superRefine((b, ctx) => {
        for (const name of Object.keys(b)) {
          if (!BUCKET_NAME.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: `'${name}' is not a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)` });
        }
      }),
    loadBalancers: z.array(LoadBalancerSchema).default([]),
    targetGroups: z.array(TargetGroupSchema).default([]),
    local: LocalBindingsSchema,
  })
  .strict();

export type Stack = z.infer<typeof StackSchema>;
export type StackInput = z.input<typeof StackSchema>;
