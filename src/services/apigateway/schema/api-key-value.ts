import { createHash } from "node:crypto";
import type { ApiKey } from "./usage-plans.js";

/** A key's value: its `Value`, or 40 characters derived from its name (CreateApiKey generates one when none is given). */
export function apiKeyValue(name: string, key: ApiKey): string {
  return key.Value ?? createHash("sha256").update(`apikey:${name}`).digest("base64url").slice(0, 40);
}
