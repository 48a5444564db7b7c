import { APIGATEWAY_STACK_SLICE } from "./apigateway/schema/stack-slice.js";
import { CLOUDFRONT_STACK_SLICE } from "./cloudfront/schema/stack-slice.js";
import { ELBV2_STACK_SLICE } from "./elbv2/schema/stack-slice.js";
import { S3_STACK_SLICE } from "./s3/schema/stack-slice.js";

/**
 * The schema registry: every service's slice of the stack file, one line each (the runtime
 * registry is `services/index.ts`). Pure shapes: the model composes these into StackSchema, and a
 * layer rule keeps this file free of anything but schema folders.
 */
export const STACK_SLICES = [CLOUDFRONT_STACK_SLICE, ELBV2_STACK_SLICE, S3_STACK_SLICE, APIGATEWAY_STACK_SLICE] as const;

// Key order is the order stack files and change reports list sections in.
export const STACK_SECTIONS = {
  ...CLOUDFRONT_STACK_SLICE.sections,
  ...S3_STACK_SLICE.sections,
  ...ELBV2_STACK_SLICE.sections,
  ...APIGATEWAY_STACK_SLICE.sections,
};
export const LOCAL_SECTIONS = { ...S3_STACK_SLICE.local, ...ELBV2_STACK_SLICE.local, ...CLOUDFRONT_STACK_SLICE.local, ...APIGATEWAY_STACK_SLICE.local };
