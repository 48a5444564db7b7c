import { z } from "zod";

/** A bucket as the stack declares it: CreateBucket's name plus the bucket-level configurations S3 keeps. */
export const CORSRuleSchema = z
  .object({
    ID: z.string().optional(),
    AllowedHeaders: z.array(z.string()).optional(),
    AllowedMethods: z.array(z.enum(["GET", "PUT", "HEAD", "POST", "DELETE"])).min(1),
    AllowedOrigins: z.array(z.string()).min(1),
    ExposeHeaders: z.array(z.string()).optional(),
    MaxAgeSeconds: z.number().int().optional(),
  })
  .strict();
export type CORSRule = z.infer<typeof CORSRuleSchema>;

export const BucketSchema = z
  .object({
    CORSConfiguration: z
      .object({ CORSRules: z.array(CORSRuleSchema).min(1).max(100) })
      .strict()
      .optional(),
    Policy: z.union([z.string(), z.record(z.unknown())]).optional(),
    WebsiteConfiguration: z.record(z.unknown()).optional(),
  })
  .strict();
export type Bucket = z.infer<typeof BucketSchema>;
