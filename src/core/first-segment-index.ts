/**
 * First-match lists (ALB rules, alb.md §2; CloudFront cache behaviours, cloudfront.md §2) cut down
 * per request path before the scan (issue 14: 100 ALB rules matching the last cost 4 % of a
 * request, 25 behaviours ~2 % of a cache hit). A wildcard path pattern (core/wildcard.ts) whose
 * literal start reaches a second `/` (`/api/*`, `/img/a?.png`), or that has no wildcard at all
 * (`/health`), matches only paths with that first segment. For each such segment the items that
 * may match are listed once, in their order, together with every item that has no fixed first
 * segment; a path whose segment no item names gets those alone. Scanning the list for the path's
 * segment finds what scanning everything finds: only items that cannot match are left out.
 */

/** Fewer keyed items than this are scanned as they are: the index would not pay for its lookup. */
const MIN_INDEXED = 8;

/** `/a/b` → `/a`; a path with no second `/` is its own first segment. */
export function firstSegment(path: string): string {
  const i = path.indexOf("/", 1);
  return i < 0 ? path : path.slice(0, i);
}

/**
 * The first segments a set of ORed wildcard patterns admits, or undefined when one of them does not
 * fix its first segment (a `*` or `?` before the second `/`).
 */
export function firstSegmentsOf(patterns: readonly string[]): string[] | undefined {
  const keys: string[] = [];
  for (const p of patterns) {
    const wild = p.search(/[*?]/);
    const literal = wild < 0 ? p : p.slice(0, wild);
    const slash = literal.indexOf("/", 1);
    if (slash > 0) keys.push(literal.slice(0, slash));
    // No wildcard: the path is the literal itself, whose first segment it is.
    else if (wild < 0) keys.push(literal);
    else return undefined;
  }
  return keys;
}

/**
 * `items` in order, with the path patterns each one requires (undefined: any path). Undefined when
 * too few items are keyed for an index to pay: the caller scans `items`.
 */
export function indexByFirstSegment<T>(
  items: readonly T[],
  patternsOf: (item: T) => readonly string[] | undefined,
): ((path: string) => readonly T[]) | undefined {
  const keys = items.map((item) => {
    const patterns = patternsOf(item);
    return patterns === undefined ? undefined : firstSegmentsOf(patterns);
  });
  if (keys.filter((k) => k !== undefined).length < MIN_INDEXED) return undefined;
  const bySegment = new Map<string, T[]>();
  for (const k of keys) for (const key of k ?? []) bySegment.set(key, []);
  const unkeyed: T[] = [];
  items.forEach((item, i) => {
    const k = keys[i];
    if (k === undefined) {
      unkeyed.push(item);
      for (const list of bySegment.values()) list.push(item);
    } else for (const key of new Set(k)) bySegment.get(key)!.push(item);
  });
  return (path) => bySegment.get(firstSegment(path)) ?? unkeyed;
}
