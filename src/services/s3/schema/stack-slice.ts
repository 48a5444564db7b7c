import { z } from "zod";
import type { StackSlice } from "../../../core/stack-slice.js";
import { BucketSchema } from "./bucket.js";

const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const S3_STACK_SLICE = {
  sections: {
    /** Bucket name → CORSConfiguration, Policy, WebsiteConfiguration. */
    buckets: z
      .record(BucketSchema)
      .default({})
      .superRefine((b, ctx) => {
        for (const name of Object.keys(b)) {
          if (!BUCKET_NAME.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: `'${name}' is not a valid S3 bucket name (3–63 lowercase letters, digits, dots, hyphens)` });
        }
      }),
  },
  local: {
    /** Bucket name → the folder its objects are seeded from (and re-synced on change). */
    buckets: z.record(z.object({ folder: z.string().min(1) }).strict()).default({}),
  },
} satisfies StackSlice;
