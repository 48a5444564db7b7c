import { z } from "zod";
import type { StackSlice } from "../../../core/stack-slice.js";
import { HttpApiSchema, type HttpApi } from "./http-api.js";
import { findNotEmulatedApis } from "./not-emulated.js";
import { RestApiSchema, type RestApi } from "./rest-api.js";
import { deriveApiId } from "./api-names.js";
import { ApiKeySchema, UsagePlanKeySchema, UsagePlanSchema, validateUsagePlans, type ApiKey, type UsagePlan, type UsagePlanKey } from "./usage-plans.js";
import { validateHttpApis, validateRestApis } from "./validate-apis.js";

/** A Lambda function bound to a local handler file (the CreateFunction fields the runtime honours). */
const FunctionBindingSchema = z
  .object({
    /** The handler file, relative to the stack file's folder. */
    handler: z.string().min(1),
    /** The exported function. Default `handler`. */
    export: z.string().min(1).default("handler"),
    Runtime: z.string().optional(),
    Timeout: z.number().int().min(1).max(900).optional(),
    MemorySize: z.number().int().min(128).max(10240).optional(),
    Environment: z
      .object({ Variables: z.record(z.string()).default({}) })
      .strict()
      .optional(),
  })
  .strict();
export type FunctionBinding = z.infer<typeof FunctionBindingSchema>;

const ApiBindingSchema = z.record(z.object({ apiId: z.string().optional() }).strict()).default({});

export interface ApiGatewaySections {
  restApis: Record<string, RestApi>;
  httpApis: Record<string, HttpApi>;
  apiKeys: Record<string, ApiKey>;
  usagePlans: Record<string, UsagePlan>;
  usagePlanKeys: UsagePlanKey[];
  local: { restApis: Record<string, { apiId?: string }>; httpApis: Record<string, { apiId?: string }>; jwks: Record<string, string> };
}

export const APIGATEWAY_STACK_SLICE = {
  sections: {
    /** REST API name → CreateRestApi with its Resources (methods, integrations) and Stages. */
    restApis: z.record(RestApiSchema).default({}),
    /** HTTP API name → CreateApi with its Routes, Integrations and Stages. */
    httpApis: z.record(HttpApiSchema).default({}),
    /** Key name → CreateApiKey. */
    apiKeys: z.record(ApiKeySchema).default({}),
    /** Plan name → CreateUsagePlan. */
    usagePlans: z.record(UsagePlanSchema).default({}),
    /** CreateUsagePlanKey: which keys belong to which plans. */
    usagePlanKeys: z.array(UsagePlanKeySchema).default([]),
  },
  local: {
    /** FunctionName → the handler file Lambda integrations run (in the shared Lambda runtime). */
    functions: z.record(FunctionBindingSchema).default({}),
    /** REST API name → `apiId` pinned (default: derived from the name). */
    restApis: ApiBindingSchema,
    /** HTTP API name → `apiId` pinned. */
    httpApis: ApiBindingSchema,
    /** JWT authorizer Issuer → the JWKS file (`{"keys": [...]}`, relative to the stack file) its tokens are verified with. */
    jwks: z.record(z.string().min(1)).default({}),
  },
  check(stack: ApiGatewaySections) {
    return {
      problems: [
        ...validateRestApis(stack.restApis, stack.local.restApis),
        ...validateHttpApis(stack.httpApis, stack.local.httpApis),
        ...validateUsagePlans(
          stack.apiKeys,
          stack.usagePlans,
          stack.usagePlanKeys,
          stack.restApis,
          (n) => stack.local.restApis[n]?.apiId ?? deriveApiId("rest", n),
        ),
      ],
      notEmulated: findNotEmulatedApis(stack.restApis, stack.httpApis, stack.apiKeys),
    };
  },
} satisfies StackSlice<ApiGatewaySections>;
