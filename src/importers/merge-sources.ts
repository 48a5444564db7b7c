import { isDeepStrictEqual } from "node:util";
import { EdgeparityError } from "../core/errors.js";
import { formatPath } from "../model/format-issues.js";
import type { ImportResult, SourcePosition } from "./importer.js";

/**
 * Several sources of one folder (say Terraform files plus an edgeparity.yaml overlay holding only
 * `local:` bindings) become one stack input. Resource maps (distributions, buckets, policies) and
 * lists (loadBalancers, targetGroups, by Name) are unions; `local:` merges key by key. A name
 * defined differently by two sources is an error naming both, never a silent winner.
 */
export interface MergedInput {
  input: Record<string, unknown>;
  /** The source position of a stack field path in whichever source wrote it. */
  locate(path: readonly (string | number)[]): SourcePosition | undefined;
}

export function mergeSources(results: readonly ImportResult[]): MergedInput {
  if (results.length === 1) return { input: results[0]!.input, locate: (p) => results[0]!.locate(p) };
  const input: Record<string, unknown> = {};
  /** For each top-level list: the index range each source's items took. */
  const listOffsets = new Map<string, { result: ImportResult; start: number; end: number }[]>();
  const where = (r: ImportResult, path: (string | number)[]): string => {
    const p = r.locate(path);
    return p ? `${p.file}:${p.line}` : (r.label ?? r.files.join(", "));
  };
  /** `pathInA`: where the first source holds it, when list indexes differ between the sources. */
  const conflict = (label: string, path: (string | number)[], a: ImportResult, b: ImportResult, pathInA = path): never => {
    throw new EdgeparityError(
      "STACK_INVALID",
      `${label} is defined differently in two sources: ${where(a, pathInA)} and ${where(b, path)}; define it in one of them`,
    );
  };
  const firstOwner = new Map<string, ImportResult>();
  for (const r of results) {
    for (const [key, value] of Object.entries(r.input)) {
      const prior = input[key];
      const owner = firstOwner.get(key);
      if (owner === undefined) {
        firstOwner.set(key, r);
        input[key] = Array.isArray(value) ? [...value] : isRecord(value) ? { ...value } : value;
        if (Array.isArray(value)) listOffsets.set(key, [{ result: r, start: 0, end: value.length }]);
        continue;
      }
      if (Array.isArray(prior) && Array.isArray(value)) {
        for (const [i, item] of value.entries()) {
          const name = isRecord(item) ? item.Name : undefined;
          const j = name === undefined ? -1 : prior.findIndex((x) => isRecord(x) && x.Name === name);
          // The same Name twice is a conflict even when equal: the list would hold it twice.
          if (j >= 0) {
            const first = ownerOfIndex(listOffsets.get(key)!, j);
            conflict(`${key} '${String(name)}'`, [key, i], first.result, r, [key, j - first.start]);
          }
        }
        listOffsets.get(key)!.push({ result: r, start: prior.length, end: prior.length + value.length });
        prior.push(...value);
      } else if (isRecord(prior) && isRecord(value)) {
        if (key === "local") mergeDeep(prior, value, [key], (path) => conflict(formatPath(path), path, ownerOf(results, path), r));
        else
          for (const [name, v] of Object.entries(value)) {
            if (name in prior && !isDeepStrictEqual(prior[name], v)) conflict(formatPath([key, name]), [key, name], ownerOf(results, [key, name]), r);
            prior[name] = v;
          }
      } else if (!isDeepStrictEqual(prior, value)) conflict(key, [key], owner, r);
    }
  }
  return {
    input,
    locate(path) {
      const [key, index] = path;
      const ranges = typeof key === "string" ? listOffsets.get(key) : undefined;
      if (ranges && typeof index === "number") {
        const range = ownerOfIndex(ranges, index);
        return range.result.locate([key!, index - range.start, ...path.slice(2)]);
      }
      return ownerOf(results, path).locate(path);
    },
  };
}

function mergeDeep(
  into: Record<string, unknown>,
  from: Record<string, unknown>,
  at: (string | number)[],
  onConflict: (path: (string | number)[]) => void,
): void {
  for (const [k, v] of Object.entries(from)) {
    const prior = into[k];
    if (isRecord(prior) && isRecord(v)) {
      const copy = { ...prior };
      mergeDeep(copy, v, [...at, k], onConflict);
      into[k] = copy;
    } else if (k in into && !isDeepStrictEqual(prior, v)) onConflict([...at, k]);
    else into[k] = v;
  }
}

function ownerOfIndex<T extends { start: number; end: number }>(ranges: T[], index: number): T {
  return ranges.find((r) => index >= r.start && index < r.end) ?? ranges[0]!;
}

/** The source holding the longest prefix of `path` (the first such source on a tie). */
function ownerOf(results: readonly ImportResult[], path: readonly (string | number)[]): ImportResult {
  let best = results[0]!;
  let bestDepth = -1;
  for (const r of results) {
    let cur: unknown = r.input;
    let depth = 0;
    for (const seg of path) {
      if (!isRecord(cur) && !Array.isArray(cur)) break;
      if (!(String(seg) in cur)) break;
      cur = (cur as Record<string, unknown>)[String(seg)];
      depth++;
    }
    if (depth > bestDepth) {
      best = r;
      bestDepth = depth;
    }
  }
  return best;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
