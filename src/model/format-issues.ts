import { z, type ZodIssue, type ZodTypeAny } from "zod";
import { didYouMean } from "../core/did-you-mean.js";

/** `["DistributionConfig","CacheBehaviors","Items",1,"PathPattern"]` → `DistributionConfig.CacheBehaviors.Items[1].PathPattern`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? p : `.${p}`;
  }
  return out || "(root)";
}

/**
 * Zod issues as `field.path: message` lines. With the schema they were found against, an unknown
 * field also names the nearest fields that exist there (issue 15: "did you mean …").
 */
export function formatIssues(issues: readonly ZodIssue[], prefix: readonly (string | number)[] = [], schema?: ZodTypeAny): string[] {
  return issues.map((i) => {
    let message = i.message;
    if (i.code === "unrecognized_keys") {
      const known = schema ? keysAt(schema, i.path) : [];
      message = `unknown field(s) ${i.keys.map((k) => `'${k}'${didYouMean(k, known)}`).join(", ")}`;
    }
    if (i.code === "invalid_type" && i.received === "undefined") message = "required field is missing";
    return `${formatPath([...prefix, ...i.path])}: ${message}`;
  });
}

/** The field names an object schema accepts at `path` (through records, arrays, unions, defaults). */
function keysAt(schema: ZodTypeAny, path: readonly (string | number)[]): string[] {
  const found = new Set<string>();
  const walk = (s: ZodTypeAny, rest: readonly (string | number)[]): void => {
    const d = s._def as {
      typeName?: string;
      innerType?: ZodTypeAny;
      schema?: ZodTypeAny;
      options?: ZodTypeAny[];
      type?: ZodTypeAny;
      valueType?: ZodTypeAny;
      left?: ZodTypeAny;
      right?: ZodTypeAny;
      in?: ZodTypeAny;
    };
    if (s instanceof z.ZodObject) {
      if (rest.length === 0) return void Object.keys(s.shape as object).forEach((k) => found.add(k));
      const next = (s.shape as Record<string, ZodTypeAny>)[String(rest[0])];
      if (next) walk(next, rest.slice(1));
      return;
    }
    if (s instanceof z.ZodRecord) return rest.length ? walk(s.valueSchema as ZodTypeAny, rest.slice(1)) : undefined;
    if (s instanceof z.ZodArray) return rest.length ? walk(s.element as ZodTypeAny, rest.slice(1)) : undefined;
    if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) return void (d.options ?? []).forEach((o) => walk(o, rest));
    if (s instanceof z.ZodIntersection) return void [d.left!, d.right!].forEach((o) => walk(o, rest));
    const inner = d.innerType ?? d.schema ?? d.in;
    if (inner) walk(inner, rest);
  };
  walk(schema, path);
  return [...found];
}
