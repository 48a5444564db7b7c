import type { ZodIssue } from "zod";

/** `["DistributionConfig","CacheBehaviors","Items",1,"PathPattern"]` → `DistributionConfig.CacheBehaviors.Items[1].PathPattern`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? p : `.${p}`;
  }
  return out || "(root)";
}

export function formatIssues(issues: readonly ZodIssue[], prefix: readonly (string | number)[] = []): string[] {
  return issues.map((i) => {
    let message = i.message;
    if (i.code === "unrecognized_keys") message = `unknown field(s) ${i.keys.map((k) => `'${k}'`).join(", ")}`;
    if (i.code === "invalid_type" && i.received === "undefined") message = "required field is missing";
    return `${formatPath([...prefix, ...i.path])}: ${message}`;
  });
}
