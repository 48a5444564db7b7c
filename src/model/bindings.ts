import { z } from "zod";

/**
 * The `local:` section: how cloud names bind to local stand-ins (design.md §Binding). It adds no
 * AWS vocabulary; everything outside it is AWS's own shapes.
 */
const TargetSchema = z.union([
  z.string().url(),
  z.object({ url: z.string().url() }).strict(),
  z
    .object({
      /** A command edgeparity starts; the port it must listen on is passed in env `PORT`. */
      command: z.string().min(1),
      cwd: z.string().optional(),
      env: z.record(z.string()).optional(),
      port: z.number().int().min(0).max(65535).optional(),
    })
    .strict(),
  z
    .object({
      /** A Lambda target (TargetType lambda): a handler file, run in the Lambda runtime (services/lambda; alb.md §10). */
      lambda: z.string().min(1),
      /** The exported function. Default `handler`. */
      handler: z.string().min(1).default("handler"),
    })
    .strict(),
]);
export type TargetBinding = z.infer<typeof TargetSchema>;

export const LocalBindingsSchema = z
  .object({
    buckets: z.record(z.object({ folder: z.string().min(1) }).strict()).default({}),
    targetGroups: z.record(z.object({ targets: z.array(TargetSchema).default([]) }).strict()).default({}),
    /** Load balancer name → `listeners: { <listener Port>: <local port> }`; unlisted listeners take a free port. */
    loadBalancers: z.record(z.object({ listeners: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(65535)).default({}) }).strict()).default({}),
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
  })
  .strict()
  .default({});
export type LocalBindings = z.infer<typeof LocalBindingsSchema>;
