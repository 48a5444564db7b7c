import { z } from "zod";
import type { StackSlice } from "../../../core/stack-slice.js";
import { LoadBalancerSchema, TargetGroupSchema, type LoadBalancer, type TargetGroup } from "./load-balancer.js";
import { findNotEmulatedElbv2 } from "./not-emulated.js";
import { validateLoadBalancers } from "./validate-load-balancers.js";

/** A target group member as bound locally: a URL, a command edgeparity starts, or a Lambda handler file. */
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

export interface Elbv2Sections {
  loadBalancers: LoadBalancer[];
  targetGroups: TargetGroup[];
}

export const ELBV2_STACK_SLICE = {
  sections: {
    /** CreateLoadBalancer inputs, each with Listeners (CreateListener) and their Rules (CreateRule). */
    loadBalancers: z.array(LoadBalancerSchema).default([]),
    /** CreateTargetGroup inputs. */
    targetGroups: z.array(TargetGroupSchema).default([]),
  },
  local: {
    targetGroups: z
      .record(
        z
          .object({
            targets: z.array(TargetSchema).default([]),
            /** Seconds a command target has to listen on its PORT before start fails (default 15), on the stack's clock. */
            startTimeout: z.number().positive().optional(),
            /** Where a command target's stdout/stderr go: `info` (default, prefixed with the group's name), `debug` (only with -v) or `off`. */
            output: z.enum(["info", "debug", "off"]).optional(),
          })
          .strict(),
      )
      .default({}),
    /** Load balancer name → `listeners: { <listener Port>: <local port> }`; unlisted listeners take a free port. */
    loadBalancers: z.record(z.object({ listeners: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(65535)).default({}) }).strict()).default({}),
  },
  check(stack: Elbv2Sections) {
    return {
      problems: validateLoadBalancers(stack.loadBalancers, stack.targetGroups).map(
        ([path, message]) => [path, message] as [readonly (string | number)[], string],
      ),
      notEmulated: findNotEmulatedElbv2(stack.loadBalancers, stack.targetGroups).map((w) => ({ path: w.path, message: w.message })),
    };
  },
} satisfies StackSlice<Elbv2Sections>;
