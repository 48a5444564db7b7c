/** Small helpers for turning CloudFormation property shapes into API shapes. */

/** A property the importer does not carry into the stack, with why; `path` is under the resource's Properties. */
export type Dropped = { path: (string | number)[]; message: string }[];

/** A plain list → the API's `{ Quantity, Items }` wrapper; anything else is left for the schema to refuse. */
export function apiList(v: unknown): unknown {
  return Array.isArray(v) ? { Quantity: v.length, Items: v } : v;
}

/** The same object with some keys renamed (key order kept). */
export function rename(o: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [names[k] ?? k, v]));
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Keeps the listed keys (renamed where `names` says), and reports every other one as not emulated. */
export function pick(
  o: Record<string, unknown>,
  keep: readonly string[],
  names: Readonly<Record<string, string>>,
  dropped: Dropped,
  what: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k in names) out[names[k]!] = v;
    else if (keep.includes(k)) out[k] = v;
    else dropped.push({ path: [k], message: `${what} property ${k} is not emulated; ignored` });
  }
  return out;
}

/** As apiList, always an object to spread into: a non-list lands in `Items` for the schema to refuse. */
export function apiListObject(v: unknown): Record<string, unknown> {
  return Array.isArray(v) ? { Quantity: v.length, Items: v } : { Items: v };
}
