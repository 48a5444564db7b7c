import { constraintViolation, queryInteger, queryList, queryRequired, queryString, QueryApiError } from "../../../core/query-api.js";
import type { QueryParams } from "../../../core/query-protocol.js";
import { invalidArn, limitExceeded } from "./errors.js";
import type { Tag } from "./records.js";

/**
 * IAM's input constraints (IAM API Reference, each parameter's "Length Constraints" and
 * "Pattern"), answered with AWS's `ValidationError` text naming the member.
 */
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[!-~]+\/)$/;

function checked(params: QueryParams, key: string, value: string, max: number, pattern?: RegExp, patternText?: string): string {
  if (value.length > max) throw constraintViolation(key, value, `Member must have length less than or equal to ${max}`);
  if (pattern && !pattern.test(value)) throw constraintViolation(key, value, `Member must satisfy regular expression pattern: ${patternText}`);
  return value;
}

/** RoleName: 1–64 of `[\w+=,.@-]`. */
export const roleNameParam = (p: QueryParams, key = "RoleName") => checked(p, key, queryRequired(p, key), 64, NAME, "[\\w+=,.@-]+");
/** PolicyName: 1–128 of `[\w+=,.@-]`. */
export const policyNameParam = (p: QueryParams, key = "PolicyName") => checked(p, key, queryRequired(p, key), 128, NAME, "[\\w+=,.@-]+");

/** Path (default `/`): `/` or `/…/`, up to 512 printable ASCII characters. */
export function pathParam(p: QueryParams, key = "Path"): string {
  const v = queryString(p, key);
  return v === undefined ? "/" : checked(p, key, v, 512, PATH, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
}

export function pathPrefixParam(p: QueryParams): string {
  const v = queryString(p, "PathPrefix");
  return v === undefined ? "/" : checked(p, "PathPrefix", v, 512, /^\/[!-~]*$/, "\\u002F[\\u0021-\\u007F]*");
}

export function descriptionParam(p: QueryParams): string | undefined {
  const v = p.Description;
  if (typeof v !== "string") return undefined;
  return checked(p, "Description", v, 1000);
}

/** PolicyArn: an IAM policy ARN (the local account's or AWS's); anything else is InvalidInput, as IAM answers. */
export function policyArnParam(p: QueryParams): string {
  const arn = checked(p, "PolicyArn", queryRequired(p, "PolicyArn"), 2048);
  if (!/^arn:aws:iam::(\d{12}|aws):policy\//.test(arn)) throw invalidArn(arn);
  return arn;
}

/** Tags.member.N.{Key,Value}: at most 50, keys 1–128 and values 0–256 characters (IAM "Tagging IAM resources"). */
export function tagsParam(p: QueryParams): Tag[] {
  const tags = queryList(p, "Tags").map((t) => {
    const o = (typeof t === "object" && t !== null && !Array.isArray(t) ? t : {}) as Record<string, unknown>;
    const Key = typeof o.Key === "string" ? o.Key : "";
    const Value = typeof o.Value === "string" ? o.Value : "";
    if (Key === "") throw constraintViolation("tags.member.key", null, "Member must not be null");
    if (Key.length > 128) throw constraintViolation("tags.member.key", Key, "Member must have length less than or equal to 128");
    if (Value.length > 256) throw constraintViolation("tags.member.value", Value, "Member must have length less than or equal to 256");
    return { Key, Value };
  });
  if (tags.length > 50) throw limitExceeded("The number of tags has reached the maximum limit.");
  return tags;
}

/** Merges `added` into `tags` (a key already there takes the new value), keeping at most 50. */
export function mergeTags(tags: Tag[], added: readonly Tag[]): Tag[] {
  const out = tags.filter((t) => !added.some((a) => a.Key === t.Key)).concat(added);
  if (out.length > 50) throw limitExceeded("The number of tags has reached the maximum limit.");
  return out;
}

export function tagKeysParam(p: QueryParams): string[] {
  return queryList(p, "TagKeys").filter((k): k is string => typeof k === "string");
}

/**
 * IAM's pagination: `MaxItems` (1–1000, default 100) and an opaque `Marker`; the answer says
 * `IsTruncated` and carries the next `Marker` while it is true.
 */
export function page<T>(items: readonly T[], p: QueryParams): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const size = queryInteger(p, "MaxItems", 1, 1000) ?? 100;
  const marker = queryString(p, "Marker");
  let start = 0;
  if (marker !== undefined) {
    const m = /^ep1:(\d+)$/.exec(Buffer.from(marker, "base64url").toString("utf8"));
    if (!m) throw new QueryApiError("ValidationError", "Invalid Marker.");
    start = Number(m[1]);
  }
  const slice = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: slice, IsTruncated: more, ...(more ? { Marker: Buffer.from(`ep1:${start + size}`).toString("base64url") } : {}) };
}
