import { z } from "zod";
import { STACK_SECTIONS } from "../services/schemas.js";
import { LocalBindingsSchema } from "./bindings.js";

/** StackSchema = every service's schema slice (services/schemas.ts) + the `local:` bindings. */
export const StackSchema = z
  .object({
    ...STACK_SECTIONS,
    local: LocalBindingsSchema,
  })
  .strict();

export type Stack = z.infer<typeof StackSchema>;
export type StackInput = z.input<typeof StackSchema>;
