import type { ZodTypeAny } from "zod";

/**
 * A service's part of the stack file (design.md "StackSchema = every service's schema slice +
 * bindings"): its top-level sections in AWS's shapes, its `local:` bindings, and the checks AWS's
 * API would make across fields. `services/schemas.ts` composes the slices; the model names none.
 */
export interface StackSlice<S = never> {
  /** Top-level stack sections (`distributions`, `buckets` …) → their schema. */
  readonly sections: Readonly<Record<string, ZodTypeAny>>;
  /** `local:` keys this service binds (`buckets`, `origins` …) → their schema. */
  readonly local: Readonly<Record<string, ZodTypeAny>>;
  /** AWS's cross-field refusals (`[path, "Code: message"]`) and the settings accepted but not emulated. */
  check?(stack: S): { problems: [readonly (string | number)[], string][]; notEmulated: { path: readonly (string | number)[]; message: string }[] };
}
