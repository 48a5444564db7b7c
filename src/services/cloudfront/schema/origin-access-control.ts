import { z } from "zod";

/** CreateOriginAccessControl's OriginAccessControlConfig (cloudfront.md §10.4); the stack key is the Id origins name. */
export const OriginAccessControlConfigSchema = z
  .object({
    Name: z.string().min(1).max(64).optional(),
    Description: z.string().optional(),
    SigningProtocol: z.literal("sigv4").default("sigv4"),
    SigningBehavior: z.enum(["always", "never", "no-override"]).default("always"),
    OriginAccessControlOriginType: z.enum(["s3", "lambda", "mediastore", "mediapackagev2"]).default("s3"),
  })
  .strict();
export type OriginAccessControlConfig = z.infer<typeof OriginAccessControlConfigSchema>;
