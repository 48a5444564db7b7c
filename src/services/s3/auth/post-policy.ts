import { invalidPolicyDocument, policyConditionFailed, policyExtraInputFields, type S3Error } from "../errors.js";

/**
 * The POST policy of a browser upload (s3.md §7.3): decode and parse it once, then check each
 * condition against the form fields and that every field is named by some condition. Messages are
 * S3's as captured on the wire (s3.md §5, §7.3); those only third parties record are marked Choice.
 */
export interface PostPolicy {
  /** Milliseconds since the epoch. */
  expiration: number;
  conditions: PostCondition[];
}

type PostCondition =
  { op: "eq" | "starts-with"; operand: string; value: string; text: string } | { op: "content-length-range"; min: unknown; max: unknown; text: string };

/** A form field: the name as sent and its value. Keyed by the lower-case name. */
export interface FormField {
  name: string;
  value: string;
}

export interface PolicyVerdict {
  /** Bytes the file may have, bounds included; absent when no content-length-range condition. */
  lengthRange?: { min: number; max: number };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// S3 refuses an offset or a space for `T` (carrierwave_direct#2, #189); milliseconds optional.
const EXPIRATION = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;
const UNCOVERED_EXEMPT = new Set(["x-amz-signature", "file", "policy"]);
const IGNORE_PREFIX = "x-ignore-";
const NON_NEGATIVE_INTEGER = /^\d+$/;

export function parsePostPolicy(policyB64: string): PostPolicy | S3Error {
  // Choice: S3's text for base64 that does not decode is unrecorded; versitygw's.
  if (policyB64.length % 4 !== 0 || !BASE64.test(policyB64)) return invalidPolicyDocument("invalid Base64 encoding.");
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policyB64, "base64").toString("utf8"));
  } catch {
    return invalidPolicyDocument("Invalid JSON.");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return invalidPolicyDocument("Invalid JSON.");
  const o = doc as Record<string, unknown>;
  // The member names are case-sensitive (ceph s3-tests expects 400 for "EXPIRATION", "CONDITIONS").
  for (const k in o) if (k !== "expiration" && k !== "conditions") return invalidPolicyDocument(`Unexpected: '${k.toLowerCase()}'`);
  // Choice: the texts for a missing member are unrecorded for S3; versitygw's.
  if (o.expiration === undefined) return invalidPolicyDocument("Policy missing expiration.");
  if (o.conditions === undefined) return invalidPolicyDocument("Policy missing conditions.");
  if (typeof o.expiration !== "string" || !EXPIRATION.test(o.expiration)) return invalidPolicyDocument(`Invalid 'expiration' value: '${String(o.expiration)}'`);
  const expiration = Date.parse(o.expiration);
  if (Number.isNaN(expiration)) return invalidPolicyDocument(`Invalid 'expiration' value: '${o.expiration}'`);
  if (!Array.isArray(o.conditions)) return invalidPolicyDocument("Invalid 'conditions' value: must be a List.");
  const conditions: PostCondition[] = [];
  for (const c of o.conditions as unknown[]) {
    const parsed = parseCondition(c);
    if ("code" in parsed) return parsed;
    conditions.push(parsed);
  }
  return { expiration, conditions };
}

function parseCondition(c: unknown): PostCondition | S3Error {
  if (Array.isArray(c)) {
    if (c.length === 0) return invalidPolicyDocument("Invalid Condition: missing operation identifier.");
    const op = typeof c[0] === "string" ? c[0].toLowerCase() : "";
    const text = conditionText(c);
    // Choice: the wrong-arity and unknown-operation texts are versitygw's (S3's unrecorded).
    if (op === "eq" || op === "starts-with") {
      if (c.length !== 3) return invalidPolicyDocument(`Invalid ${String(c[0])}: wrong number of arguments.`);
      if (typeof c[1] !== "string" || typeof c[2] !== "string") return invalidPolicyDocument("Invalid JSON.");
      return { op, operand: c[1], value: c[2], text };
    }
    if (op === "content-length-range") {
      if (c.length !== 3) return invalidPolicyDocument(`Invalid ${String(c[0])}: wrong number of arguments.`);
      return { op, min: c[1], max: c[2], text };
    }
    return invalidPolicyDocument(`Invalid Condition: unknown operation '${String(c[0])}'.`);
  }
  if (typeof c === "object" && c !== null) {
    const entries = Object.entries(c);
    if (entries.length !== 1) return invalidPolicyDocument("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    const [name, value] = entries[0]!;
    // A null value is "Invalid JSON." and a number "value must be a string." (carrierwave_direct#230, modbox#10).
    if (value === null) return invalidPolicyDocument("Invalid JSON.");
    if (typeof value !== "string") return invalidPolicyDocument("Invalid Simple-Condition: value must be a string.");
    // S3 reports a simple condition as the eq it stands for (boto3#4514).
    return { op: "eq", operand: `$${name}`, value, text: conditionText(["eq", `$${name}`, value]) };
  }
  // Choice: versitygw's text.
  return invalidPolicyDocument("Invalid condition test: must be a List or Object.");
}

/** `["eq", "$key", "a\"b"]`: the policy's spelling, JSON-escaped, `, ` between items (s3.md §7.3). */
function conditionText(items: readonly unknown[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(", ")}]`;
}

/**
 * Checks every condition, then that each field is covered. `fields` holds the key with `${filename}`
 * already expanded; `bucket` conditions match the addressed bucket, not a form field.
 */
export function checkPostPolicy(policy: PostPolicy, fields: ReadonlyMap<string, FormField>, bucket: string): PolicyVerdict | S3Error {
  const covered = new Set<string>();
  let lengthRange: PolicyVerdict["lengthRange"];
  for (const c of policy.conditions) {
    if (c.op === "content-length-range") {
      const min = toLength(c.min);
      const max = toLength(c.max);
      // Numbers and digit strings both pass (LocalStack recording, s3.md §7.3); anything else fails.
      if (min === undefined || max === undefined) return policyConditionFailed(c.text);
      lengthRange = { min, max };
      continue;
    }
    // Without `$` the operand names no field, and the condition fails (LocalStack recording).
    if (!c.operand.startsWith("$")) return policyConditionFailed(c.text);
    const name = c.operand.slice(1).toLowerCase();
    covered.add(name);
    const actual = name === "bucket" ? bucket : fields.get(name)?.value;
    // A condition on an absent field fails, even `starts-with ""` (s3_direct_upload#29).
    if (actual === undefined || !matches(c.op, name, actual, c.value)) return policyConditionFailed(c.text);
  }
  const extra: string[] = [];
  for (const [lower, f] of fields) {
    if (UNCOVERED_EXEMPT.has(lower) || lower.startsWith(IGNORE_PREFIX) || covered.has(lower)) continue;
    // Choice: named as sent (one capture shows "StorageClass"), in form order, joined by ", ".
    extra.push(f.name);
  }
  if (extra.length) return policyExtraInputFields(extra);
  return lengthRange ? { lengthRange } : {};
}

function matches(op: "eq" | "starts-with", name: string, actual: string, value: string): boolean {
  if (op === "eq") return actual === value;
  // Content-Type may list several types; each must start with the prefix (HTTPPOSTConstructPolicy).
  if (name === "content-type") return actual.split(",").every((t) => t.trim().startsWith(value));
  return actual.startsWith(value);
}

function toLength(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === "string" && NON_NEGATIVE_INTEGER.test(v)) return Number(v);
  return undefined;
}
