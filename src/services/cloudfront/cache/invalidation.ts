import type { CachedObject } from "./cache-store.js";

/**
 * Invalidation paths (cloudfront.md §12): start with `/`, case-sensitive, `*` only as the last
 * character (matching anything after, `/` and `?query` included), compared with the cached
 * object's path plus keyed query string, so a plain path removes every header/cookie variant but
 * only the query variant it names.
 */
export interface Invalidation {
  Id: string;
  Status: "InProgress" | "Completed";
  CreateTime: string;
  InvalidationBatch: { Paths: { Quantity: number; Items: string[] }; CallerReference: string };
  /** Objects removed (edgeparity's own field, for tests and the console). */
  ObjectsRemoved: number;
}

export type InvalidationPathProblem = { path: string; message: string };

export function checkInvalidationPaths(paths: readonly string[]): InvalidationPathProblem | undefined {
  if (paths.length === 0) return { path: "", message: "InvalidArgument: an invalidation needs at least one path" };
  for (const p of paths) {
    if (!p.startsWith("/")) return { path: p, message: `InvalidArgument: invalidation path '${p}' must begin with '/'` };
    if (p.length > 4000) return { path: p, message: "InvalidArgument: an invalidation path is at most 4,000 characters" };
    const star = p.indexOf("*");
    if (star !== -1 && star !== p.length - 1) return { path: p, message: `InvalidArgument: '*' may only be the last character of '${p}'` };
  }
  return undefined;
}

/** One predicate over all paths, built once per invalidation. */
export function compileInvalidationPaths(paths: readonly string[]): (object: CachedObject) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of paths) {
    if (p.endsWith("*")) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  return (o) => exact.has(o.path) || prefixes.some((prefix) => o.path.startsWith(prefix));
}
