import type { QueryValue } from "../../../core/query-protocol.js";
import { validation } from "./api-error.js";

/**
 * Query parameters arrive as strings; the stack model (CreateLoadBalancer / CreateListener / …
 * inputs) has numbers and booleans where the API's shapes do. Which members are which is the
 * API's (ELBv2 2015-12-01 shapes), so the conversion is by member name.
 */
const NUMBER_MEMBERS = new Set([
  "Port",
  "Priority",
  "Order",
  "Weight",
  "DurationSeconds",
  "HealthCheckIntervalSeconds",
  "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount",
  "UnhealthyThresholdCount",
  "PageSize",
]);
const BOOLEAN_MEMBERS = new Set(["Enabled", "HealthCheckEnabled", "IsDefault"]);

export function coerce(value: QueryValue | undefined, member = ""): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => coerce(v, member));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = coerce(v, k);
    return out;
  }
  if (NUMBER_MEMBERS.has(member)) {
    if (!/^-?\d+$/.test(value))
      throw validation(`'${value}' at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must be a number`);
    return Number(value);
  }
  if (BOOLEAN_MEMBERS.has(member)) {
    if (value !== "true" && value !== "false") throw validation(`'${value}' at '${member}' failed to satisfy constraint: Member must be a boolean`);
    return value === "true";
  }
  return value;
}

/** A string member; an empty one is absent (SDKs send `Member=` for an unset optional enum, and AWS ignores it). */
export function str(params: Record<string, unknown>, key: string): string | undefined {
  const v = params[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function required(params: Record<string, unknown>, key: string): string {
  const v = str(params, key);
  if (v === undefined || v === "")
    throw validation(
      `1 validation error detected: Value null at '${key.charAt(0).toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  return v;
}

export function list(params: Record<string, unknown>, key: string): unknown[] {
  const v = params[key];
  return Array.isArray(v) ? v : [];
}

export function strings(params: Record<string, unknown>, key: string): string[] {
  return list(params, key).filter((v): v is string => typeof v === "string");
}
