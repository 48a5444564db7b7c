import { z } from "zod";
import { LOCAL_SECTIONS } from "../services/schemas.js";

/**
 * The `local:` section: how cloud names bind to local stand-ins (design.md §Binding). It adds no
 * AWS vocabulary; everything outside it is AWS's own shapes. Each service contributes its keys.
 */
export const LocalBindingsSchema = z.object(LOCAL_SECTIONS).strict().default({});
export type LocalBindings = z.infer<typeof LocalBindingsSchema>;
