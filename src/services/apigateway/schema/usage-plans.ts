import { z } from "zod";

/**
 * REST API keys and usage plans as the API spells them (apigateway.md §8): CreateApiKey (keyed by
 * a local name), CreateUsagePlan (`ApiStages` naming a REST API by its stack name or id and a
 * stage, plan `Throttle`, per-method `ApiStages[].Throttle`, `Quota`), and CreateUsagePlanKey
 * (`UsagePlanId` / `KeyId` name a plan and a key of this file, `KeyType: API_KEY`).
 */
const notApplied = z.unknown().optional();

export const ApiKeySchema = z
  .object({
    Name: z.string().optional(),
    Description: z.string().optional(),
    /** The key clients send in `x-api-key` (default: a value derived from the key's name). */
    Value: z.string().optional(),
    Enabled: z.boolean().default(true),
    CustomerId: notApplied,
    GenerateDistinctId: notApplied,
    StageKeys: notApplied,
    Tags: notApplied,
  })
  .strict();
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ThrottleSettingsSchema = z.object({ RateLimit: z.number().min(0).optional(), BurstLimit: z.number().int().min(0).optional() }).strict();
export type ThrottleSettings = z.infer<typeof ThrottleSettingsSchema>;

export const UsagePlanSchema = z
  .object({
    Name: z.string().optional(),
    Description: z.string().optional(),
    ApiStages: z
      .array(
        z
          .object({
            /** A REST API of this stack, by name or id. */
            ApiId: z.string(),
            Stage: z.string(),
            /** `/<resource path>/<METHOD>` → that method's limits for each key. */
            Throttle: z.record(ThrottleSettingsSchema).optional(),
          })
          .strict(),
      )
      .default([]),
    Throttle: ThrottleSettingsSchema.optional(),
    Quota: z
      .object({
        Limit: z.number().int().min(0),
        /** Requests subtracted from the limit in the first period. */
        Offset: z.number().int().min(0).default(0),
        Period: z.enum(["DAY", "WEEK", "MONTH"]),
      })
      .strict()
      .optional(),
    Tags: notApplied,
  })
  .strict();
export type UsagePlan = z.infer<typeof UsagePlanSchema>;

export const UsagePlanKeySchema = z
  .object({
    UsagePlanId: z.string(),
    KeyId: z.string(),
    KeyType: z.literal("API_KEY").default("API_KEY"),
  })
  .strict();
export type UsagePlanKey = z.infer<typeof UsagePlanKeySchema>;

type Problem = [readonly (string | number)[], string];

/** CreateApiKey / CreateUsagePlan / CreateUsagePlanKey refusals. */
export function validateUsagePlans(
  apiKeys: Record<string, ApiKey>,
  usagePlans: Record<string, UsagePlan>,
  usagePlanKeys: UsagePlanKey[],
  restApis: Record<string, { Stages: Record<string, unknown> }>,
  restApiId: (name: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  for (const [name, k] of Object.entries(apiKeys))
    if (k.Value !== undefined && k.Value.length < 20)
      problems.push([["apiKeys", name, "Value"], "BadRequestException: API Key value should be at least 20 characters"]);
  const apiByRef = new Map<string, string>();
  for (const name of Object.keys(restApis)) {
    apiByRef.set(name, name);
    apiByRef.set(restApiId(name), name);
  }
  for (const [name, p] of Object.entries(usagePlans))
    for (const [i, s] of p.ApiStages.entries()) {
      const api = apiByRef.get(s.ApiId);
      if (api === undefined) problems.push([["usagePlans", name, "ApiStages", i, "ApiId"], `NotFoundException: Invalid API identifier specified: ${s.ApiId}`]);
      else if (!(s.Stage in restApis[api]!.Stages))
        problems.push([["usagePlans", name, "ApiStages", i, "Stage"], `NotFoundException: Invalid stage identifier specified: ${s.Stage}`]);
    }
  // A key may belong to one plan per API stage (CreateUsagePlanKey ConflictException).
  const seen = new Map<string, string>();
  for (const [i, pk] of usagePlanKeys.entries()) {
    const plan = usagePlans[pk.UsagePlanId];
    if (!plan) problems.push([["usagePlanKeys", i, "UsagePlanId"], `NotFoundException: Invalid Usage Plan ID specified: ${pk.UsagePlanId}`]);
    if (!(pk.KeyId in apiKeys)) problems.push([["usagePlanKeys", i, "KeyId"], `NotFoundException: Invalid API Key identifier specified: ${pk.KeyId}`]);
    for (const s of plan?.ApiStages ?? []) {
      const at = `${pk.KeyId}|${apiByRef.get(s.ApiId) ?? s.ApiId}|${s.Stage}`;
      const other = seen.get(at);
      if (other !== undefined && other !== pk.UsagePlanId)
        problems.push([
          ["usagePlanKeys", i],
          `ConflictException: API Key ${pk.KeyId} cannot reference multiple Usage Plans with the same API Stage: ${s.ApiId}:${s.Stage}`,
        ]);
      seen.set(at, pk.UsagePlanId);
    }
  }
  return problems;
}
