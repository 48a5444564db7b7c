import { isDeepStrictEqual } from "node:util";
import type { Stack } from "../model/stack.js";

/**
 * What changed between two revisions of a stack, one line per change, in the words of the AWS
 * API: `distribution app: CacheBehaviors[1] /api/* added`. Steps: resources are matched by the
 * identity AWS gives them (distributions, buckets and policies by key; load balancers and target
 * groups by Name), list items inside a resource by theirs (behaviours by PathPattern, origins and
 * origin groups by Id, custom error responses by ErrorCode, listeners by Port, rules by Priority,
 * attributes by Key), then each matched pair is compared field by field down to its scalars.
 * Behaviour order is precedence (cloudfront.md §2: first match wins), so a behaviour that changed place is reported
 * as moved; an insertion that merely shifts the others is not.
 */
export function describeChanges(before: Stack, after: Stack): string[] {
  const out: string[] = [];
  diffRecord(out, "distribution", before.distributions, after.distributions, diffDistribution);
  // Policies are small and named by the Id behaviours point at; "changed" is what an operator needs.
  diffRecord(out, "cache policy", before.cachePolicies, after.cachePolicies);
  diffRecord(out, "origin request policy", before.originRequestPolicies, after.originRequestPolicies);
  diffRecord(out, "response headers policy", before.responseHeadersPolicies, after.responseHeadersPolicies);
  diffRecord(out, "origin access control", before.originAccessControls, after.originAccessControls);
  diffRecord(out, "bucket", before.buckets, after.buckets, diffBucket);
  diffRecord(out, "load balancer", byName(before.loadBalancers), byName(after.loadBalancers), diffLoadBalancer);
  diffRecord(out, "target group", byName(before.targetGroups), byName(after.targetGroups), diffTargetGroup);
  diffObject(out, "local.", before.local, after.local);
  return out;
}

type Fields = Record<string, unknown>;

/**
 * Resources of one kind: `<kind> <name> added|removed`, and `<kind> <name>: <detail>` per detail
 * (none when only an unordered list was reordered), or `<kind> <name> changed` without `details`.
 */
function diffRecord<T>(out: string[], kind: string, a: Record<string, T>, b: Record<string, T>, details?: (a: T, b: T) => string[]): void {
  for (const [name, next] of Object.entries(b)) {
    const prior = a[name];
    if (prior === undefined) out.push(`${kind} ${name} added`);
    else if (!isDeepStrictEqual(prior, next)) {
      if (!details) out.push(`${kind} ${name} changed`);
      else for (const l of details(prior, next)) out.push(`${kind} ${name}: ${l}`);
    }
  }
  for (const name of Object.keys(a)) if (!(name in b)) out.push(`${kind} ${name} removed`);
}

function byName<T extends { Name: string }>(items: readonly T[]): Record<string, T> {
  return Object.fromEntries(items.map((i) => [i.Name, i]));
}

function diffDistribution(a: Stack["distributions"][string], b: Stack["distributions"][string]): string[] {
  const out: string[] = [];
  const { Origins: ao, OriginGroups: ag, CacheBehaviors: ab, CustomErrorResponses: ae, Aliases: aa, ...aRest } = a;
  const { Origins: bo, OriginGroups: bg, CacheBehaviors: bb, CustomErrorResponses: be, Aliases: ba, ...bRest } = b;
  diffSet(out, "alias", aa?.Items ?? [], ba?.Items ?? []);
  diffKeyedList(
    out,
    ao.Items ?? [],
    bo.Items ?? [],
    (o) => o.Id,
    (o) => `origin ${o.Id}`,
  );
  diffKeyedList(
    out,
    ag?.Items ?? [],
    bg?.Items ?? [],
    (g) => g.Id,
    (g) => `origin group ${g.Id}`,
  );
  diffKeyedList(
    out,
    ab?.Items ?? [],
    bb?.Items ?? [],
    (c) => c.PathPattern,
    (c, i) => `CacheBehaviors[${i}] ${c.PathPattern}`,
    { ordered: true },
  );
  diffKeyedList(
    out,
    ae?.Items ?? [],
    be?.Items ?? [],
    (e) => String(e.ErrorCode),
    (e) => `CustomErrorResponses ${e.ErrorCode}`,
  );
  diffObject(out, "", aRest, bRest);
  return out;
}

/** Bucket configurations are documents (a policy, CORS rules): which one changed is the useful fact. */
function diffBucket(a: Stack["buckets"][string], b: Stack["buckets"][string]): string[] {
  const out: string[] = [];
  const fields = a as Fields;
  const next = b as Fields;
  for (const k of unionKeys(fields, next)) {
    if (isDeepStrictEqual(fields[k], next[k])) continue;
    out.push(`${k} ${fields[k] === undefined ? "added" : next[k] === undefined ? "removed" : "changed"}`);
  }
  return out;
}

function diffLoadBalancer(a: Stack["loadBalancers"][number], b: Stack["loadBalancers"][number]): string[] {
  const out: string[] = [];
  const { Listeners: al, Attributes: aAttr, Name: _a, ...aRest } = a;
  const { Listeners: bl, Attributes: bAttr, Name: _b, ...bRest } = b;
  diffAttributes(out, "", aAttr, bAttr);
  diffKeyedList(
    out,
    al,
    bl,
    (l) => String(l.Port),
    (l) => `listener ${l.Port}`,
    {
      details: (prefix, x, y) => {
        const { Rules: xr, Attributes: xa, Port: _x, ...xRest } = x;
        const { Rules: yr, Attributes: ya, Port: _y, ...yRest } = y;
        const lines: string[] = [];
        diffKeyedList(
          lines,
          xr,
          yr,
          (r) => String(r.Priority),
          (r) => `${prefix}rule priority ${r.Priority}`,
        );
        diffAttributes(lines, prefix, xa, ya);
        diffObject(lines, prefix, xRest, yRest);
        return lines;
      },
    },
  );
  diffObject(out, "", aRest, bRest);
  return out;
}

function diffTargetGroup(a: Stack["targetGroups"][number], b: Stack["targetGroups"][number]): string[] {
  const out: string[] = [];
  const { Attributes: aAttr, Name: _a, ...aRest } = a;
  const { Attributes: bAttr, Name: _b, ...bRest } = b;
  diffAttributes(out, "", aAttr, bAttr);
  diffObject(out, "", aRest, bRest);
  return out;
}

/** ELBv2 attributes are a Key/Value list; each key is one setting (`attribute idle_timeout.timeout_seconds 60 → 10`). */
function diffAttributes(out: string[], prefix: string, a: readonly { Key: string; Value: string }[], b: readonly { Key: string; Value: string }[]): void {
  const toMap = (l: readonly { Key: string; Value: string }[]) => Object.fromEntries(l.map((x) => [x.Key, x.Value])) as Fields;
  const x = toMap(a);
  const y = toMap(b);
  for (const k of unionKeys(x, y)) diffValue(out, `${prefix}attribute ${k}`, x[k], y[k]);
}

/** Scalars as a set (aliases): `alias www.example.com added`. */
function diffSet(out: string[], label: string, a: readonly string[], b: readonly string[]): void {
  for (const v of b) if (!a.includes(v)) out.push(`${label} ${v} added`);
  for (const v of a) if (!b.includes(v)) out.push(`${label} ${v} removed`);
}

/**
 * Items matched by `key`. Added items are named by their new index, removed ones by their old.
 * `ordered`: the order is meaningful, and an item whose place among the surviving items changed
 * (outside their longest common subsequence) is reported as moved.
 */
function diffKeyedList<T>(
  out: string[],
  a: readonly T[],
  b: readonly T[],
  key: (t: T) => string,
  label: (t: T, index: number) => string,
  o: { ordered?: boolean; details?: (prefix: string, a: T, b: T) => string[] } = {},
): void {
  const oldIndex = new Map<string, number>();
  a.forEach((t, i) => oldIndex.has(key(t)) || oldIndex.set(key(t), i));
  const newKeys = new Set(b.map(key));
  const stayed = o.ordered
    ? keptInPlace(
        a.map(key).filter((k) => newKeys.has(k)),
        b.map(key).filter((k) => oldIndex.has(k)),
      )
    : undefined;
  b.forEach((next, j) => {
    const i = oldIndex.get(key(next));
    const name = label(next, j);
    if (i === undefined) return void out.push(`${name} added`);
    if (stayed && !stayed.has(key(next))) out.push(`${name} moved from [${i}]`);
    const prior = a[i]!;
    if (isDeepStrictEqual(prior, next)) return;
    if (o.details) out.push(...o.details(`${name} `, prior, next));
    else diffObject(out, `${name} `, prior as Fields, next as Fields);
  });
  a.forEach((prior, i) => {
    if (!newKeys.has(key(prior))) out.push(`${label(prior, i)} removed`);
  });
}

/** The keys of a longest common subsequence of two orderings of the same keys. */
function keptInPlace(a: readonly string[], b: readonly string[]): Set<string> {
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => Array.from({ length: m + 1 }, () => 0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) len[i]![j] = a[i] === b[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/** Field by field; `prefix` is what goes before each field name (`""`, `"listener 80 "`, `"local."`). */
function diffObject(out: string[], prefix: string, a: object, b: object): void {
  const x = a as Fields;
  const y = b as Fields;
  for (const k of unionKeys(x, y)) diffValue(out, `${prefix}${k}`, x[k], y[k]);
}

/** A value longer than this is reported as `changed` rather than printed (a policy document). */
const MAX_SHOWN = 80;

function diffValue(out: string[], path: string, a: unknown, b: unknown): void {
  if (isDeepStrictEqual(a, b)) return;
  if (isAwsList(a) || isAwsList(b)) {
    // `{ Quantity, Items }`: Quantity is derived from Items, so the Items are the change.
    const items = (v: unknown) => (isAwsList(v) ? (v.Items ?? []) : v);
    return diffValue(out, path, items(a), items(b));
  }
  if (isRecord(a) && isRecord(b)) return diffObject(out, `${path}.`, a, b);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && !(a.every(isScalar) && b.every(isScalar))) {
    a.forEach((v, i) => diffValue(out, `${path}[${i}]`, v, b[i]));
    return;
  }
  if (isShown(a) && isShown(b)) {
    const from = render(a);
    const to = render(b);
    if (from.length + to.length <= MAX_SHOWN) return void out.push(`${path} ${from} → ${to}`);
  }
  out.push(`${path} ${a === undefined ? "added" : b === undefined ? "removed" : "changed"}`);
}

function isAwsList(v: unknown): v is { Quantity?: number; Items?: unknown[] } {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === "Quantity" || k === "Items") && (v.Items === undefined || Array.isArray(v.Items));
}

function isRecord(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== "object";
}

/** Scalars and lists of scalars are printed; objects are only named. */
function isShown(v: unknown): boolean {
  return isScalar(v) || (Array.isArray(v) && v.every(isScalar));
}

function render(v: unknown): string {
  if (v === undefined) return "(unset)";
  if (v === "") return '""';
  if (Array.isArray(v)) return `[${v.map(render).join(", ")}]`;
  return String(v);
}

function unionKeys(a: Fields, b: Fields): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}
