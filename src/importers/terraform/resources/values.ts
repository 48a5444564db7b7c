/**
 * Reading Terraform argument values the same way from a folder and from a plan: `null`, `""` and
 * `[]` mean "not set" (a plan writes every optional argument, set or not); nested blocks are lists
 * of objects (a `.tf.json` may give one object); sets are sorted (a plan lists them sorted).
 */

export type Values = Record<string, unknown>;

export function isRecord(v: unknown): v is Values {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isSet(v: unknown): boolean {
  return !(v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0));
}

export function blocks(v: unknown): Values[] {
  if (Array.isArray(v)) return v.filter(isRecord);
  return isRecord(v) ? [v] : [];
}

export function block(v: unknown): Values | undefined {
  return blocks(v)[0];
}

/** A Terraform set of strings or numbers, sorted as a plan lists it. */
export function sortedSet(v: unknown): unknown[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return [...v].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

export function apiList(items: unknown[] | undefined): { Quantity: number; Items: unknown[] } | undefined {
  return items && items.length ? { Quantity: items.length, Items: items } : undefined;
}

/** An object without its undefined fields. */
export function compact<T extends Values>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function opt(v: unknown): unknown {
  return isSet(v) ? v : undefined;
}

/** A provider default written into a folder's values where the configuration leaves it out, as the plan would show it. */
export function withDefaults(v: Values, defaults: Readonly<Values>): Values {
  const out = { ...v };
  for (const [k, d] of Object.entries(defaults)) if (out[k] === undefined || out[k] === null) out[k] = d;
  return out;
}

/** Terraform converts a string to a number where the schema wants one (`port = "8080"`); a plan already holds numbers. */
export function num(v: unknown): unknown {
  return typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : v;
}
