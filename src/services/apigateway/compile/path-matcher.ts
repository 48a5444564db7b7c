import type { PathPart } from "../schema/api-names.js";

/**
 * Resource paths and route paths, compiled once into matchers ordered most specific first
 * (apigateway.md §2, §3): at the first position where two paths differ, a literal part outranks a
 * `{param}`, which outranks a greedy `{proxy+}`; a route with an explicit method outranks `ANY` on the
 * same path. A request takes the first entry whose path matches and whose method is its own or ANY.
 */
export interface PathEntry<T> {
  parts: readonly PathPart[];
  /** The HTTP method, or `ANY`. */
  method: string;
  value: T;
}

export interface PathMatch<T> {
  value: T;
  /** Path variables, raw (not percent-decoded: apigateway.md §2 [aws-snap]). */
  pathParameters: Record<string, string> | undefined;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

function compareEntries(a: PathEntry<unknown>, b: PathEntry<unknown>): number {
  const n = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const pa = a.parts[i];
    const pb = b.parts[i];
    // A shorter path without a greedy part cannot match the same requests; order is irrelevant then.
    if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
    const d = RANK[pa.kind] - RANK[pb.kind];
    if (d !== 0) return d;
  }
  return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
}

export class PathMatcher<T> {
  readonly #entries: readonly PathEntry<T>[];

  constructor(entries: readonly PathEntry<T>[]) {
    this.#entries = [...entries].sort(compareEntries);
  }

  /** `path` is the raw request path without query (and without the stage prefix). */
  match(method: string, path: string): PathMatch<T> | undefined {
    // A trailing slash does not change which resource matches (it stays in `path`, apigateway.md §2).
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const segments = trimmed === "/" || trimmed === "" ? [] : trimmed.slice(1).split("/");
    for (const e of this.#entries) {
      if (e.method !== method && e.method !== "ANY") continue;
      const params = matchParts(e.parts, segments);
      if (params !== undefined) return { value: e.value, pathParameters: params === null ? undefined : params };
    }
    return undefined;
  }
}

/** The path variables (null: none), or undefined when the parts do not match. */
function matchParts(parts: readonly PathPart[], segments: readonly string[]): Record<string, string> | null | undefined {
  let params: Record<string, string> | null = null;
  for (const [i, p] of parts.entries()) {
    if (p.kind === "greedy") {
      // {proxy+} takes one or more segments, slashes included; it never matches `/` itself.
      if (i >= segments.length) return undefined;
      const rest = segments.slice(i).join("/");
      if (rest === "") return undefined;
      (params ??= {})[p.name] = rest;
      return params;
    }
    const s = segments[i];
    if (s === undefined) return undefined;
    if (p.kind === "literal") {
      if (s !== p.text) return undefined;
    } else {
      if (s === "") return undefined;
      (params ??= {})[p.name] = s;
    }
  }
  return parts.length === segments.length ? params : undefined;
}
