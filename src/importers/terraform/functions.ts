import { createHash } from "node:crypto";

/**
 * Terraform's built-in functions that configurations of the edge use (Terraform docs, "Functions"),
 * over plain JSON values. A function that reads files (`file`, `templatefile`, `fileexists`) gets
 * them through `FunctionHost`, which resolves paths against the module folder. A call of a function
 * not listed here is a "not supported locally" error naming it.
 */

export class FunctionError extends Error {}

export interface FunctionHost {
  readFile(path: string): string;
  fileExists(path: string): boolean;
  /** Renders a template file with `vars` (the evaluator parses and evaluates it). */
  renderTemplate(path: string, vars: Record<string, unknown>): string;
}

type Fn = (args: unknown[], host: FunctionHost) => unknown;

const fail = (m: string): never => {
  throw new FunctionError(m);
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown, fn: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return fail(`${fn}: expected a string, got ${describe(v)}`);
}

function num(v: unknown, fn: string): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || Number.isNaN(n)) fail(`${fn}: expected a number, got ${describe(v)}`);
  return n as number;
}

function list(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  return fail(`${fn}: expected a list, got ${describe(v)}`);
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "a list";
  if (isObject(v)) return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Terraform's string form of a primitive (numbers without a trailing `.0`). */
export function toText(v: unknown, where: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null || v === undefined) return fail(`${where}: a null value cannot be used in a string template`);
  return fail(`${where}: ${describe(v)} cannot be used in a string template (use jsonencode)`);
}

/** Go's fmt verbs as Terraform's format() takes them: %s %d %f %q %v %t %%, with width and precision. */
function format(spec: string, args: unknown[]): string {
  let n = 0;
  return spec.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdfqvtxXeEgbo%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === "%") return "%";
    if (n >= args.length) fail(`format: too few arguments for ${spec}`);
    const a = args[n++];
    let out: string;
    switch (verb) {
      case "d":
        out = String(Math.trunc(num(a, "format")));
        break;
      case "f":
        out = num(a, "format").toFixed(prec === undefined ? 6 : Number(prec));
        break;
      case "e":
      case "E":
        out = num(a, "format").toExponential(prec === undefined ? 6 : Number(prec));
        if (verb === "E") out = out.toUpperCase();
        break;
      case "g":
        out = String(num(a, "format"));
        break;
      case "x":
      case "X":
        out = Math.trunc(num(a, "format")).toString(16);
        if (verb === "X") out = out.toUpperCase();
        break;
      case "o":
        out = Math.trunc(num(a, "format")).toString(8);
        break;
      case "b":
        out = Math.trunc(num(a, "format")).toString(2);
        break;
      case "q":
        out = JSON.stringify(str(a, "format"));
        break;
      case "t":
        out = String(Boolean(a));
        break;
      case "v":
        out = typeof a === "string" ? a : JSON.stringify(a);
        break;
      default:
        out = str(a, "format");
        if (prec !== undefined) out = out.slice(0, Number(prec));
    }
    if (width !== undefined && out.length < Number(width)) {
      const pad = flags.includes("0") && !flags.includes("-") ? "0" : " ";
      out = flags.includes("-") ? out.padEnd(Number(width), " ") : out.padStart(Number(width), pad);
    }
    return out;
  });
}

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort();
}

/** jsonencode: keys sorted, as Terraform's encoder writes objects. */
function jsonEncode(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(jsonEncode).join(",")}]`;
  if (isObject(v)) return `{${sortedKeys(v).map((k) => `${JSON.stringify(k)}:${jsonEncode(v[k])}`)}}`;
  return JSON.stringify(v ?? null);
}

function flatten(v: unknown[]): unknown[] {
  return v.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]));
}

function unique(v: unknown[]): unknown[] {
  const seen = new Set<string>();
  return v.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const FUNCTIONS: Record<string, Fn> = {
  // --- strings
  format: ([spec, ...rest]) => format(str(spec, "format"), rest),
  formatlist: ([spec, ...rest]) => {
    const lists = rest.filter(Array.isArray);
    const len = lists.length ? lists[0]!.length : 1;
    return Array.from({ length: len }, (_, i) =>
      format(
        str(spec, "formatlist"),
        rest.map((a) => (Array.isArray(a) ? a[i] : a)),
      ),
    );
  },
  join: ([sep, ...lists]) =>
    lists
      .flatMap((l) => list(l, "join"))
      .map((x) => toText(x, "join"))
      .join(str(sep, "join")),
  split: ([sep, s]) => str(s, "split").split(str(sep, "split")),
  lower: ([s]) => str(s, "lower").toLowerCase(),
  upper: ([s]) => str(s, "upper").toUpperCase(),
  title: ([s]) => str(s, "title").replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
  trimspace: ([s]) => str(s, "trimspace").trim(),
  trim: ([s, chars]) => {
    const set = new Set(str(chars, "trim"));
    let t = str(s, "trim");
    while (t && set.has(t[0]!)) t = t.slice(1);
    while (t && set.has(t[t.length - 1]!)) t = t.slice(0, -1);
    return t;
  },
  trimprefix: ([s, p]) => (str(s, "trimprefix").startsWith(str(p, "trimprefix")) ? str(s, "trimprefix").slice(str(p, "trimprefix").length) : s),
  trimsuffix: ([s, p]) => {
    const t = str(s, "trimsuffix");
    const x = str(p, "trimsuffix");
    return x && t.endsWith(x) ? t.slice(0, -x.length) : t;
  },
  replace: ([s, search, rep]) => {
    const t = str(s, "replace");
    const q = str(search, "replace");
    const r = str(rep, "replace");
    // A search string in slashes is a regular expression (RE2 syntax; `$1` references captures).
    if (q.length > 1 && q.startsWith("/") && q.endsWith("/")) return t.replace(new RegExp(q.slice(1, -1), "g"), r.replace(/\$\{(\d+)\}/g, "$$$1"));
    return t.split(q).join(r);
  },
  substr: ([s, off, len]) => {
    const chars = [...str(s, "substr")];
    let o = num(off, "substr");
    if (o < 0) o = chars.length + o;
    const l = num(len, "substr");
    return chars.slice(o, l < 0 ? undefined : o + l).join("");
  },
  strrev: ([s]) => [...str(s, "strrev")].reverse().join(""),
  startswith: ([s, p]) => str(s, "startswith").startsWith(str(p, "startswith")),
  endswith: ([s, p]) => str(s, "endswith").endsWith(str(p, "endswith")),
  strcontains: ([s, p]) => str(s, "strcontains").includes(str(p, "strcontains")),
  regex: ([re, s]) => {
    const m = new RegExp(str(re, "regex")).exec(str(s, "regex"));
    if (!m) return fail(`regex: ${JSON.stringify(s)} does not match ${JSON.stringify(re)}`);
    if (m.groups) return { ...m.groups };
    return m.length > 1 ? m.slice(1) : m[0];
  },
  can: () => fail("can: handled by the evaluator"),
  indent: ([n, s]) =>
    str(s, "indent")
      .split("\n")
      .map((l, i) => (i === 0 ? l : " ".repeat(num(n, "indent")) + l))
      .join("\n"),
  chomp: ([s]) => str(s, "chomp").replace(/(\r?\n)+$/, ""),
  // --- numbers
  max: (a) => Math.max(...flatten(a).map((x) => num(x, "max"))),
  min: (a) => Math.min(...flatten(a).map((x) => num(x, "min"))),
  abs: ([n]) => Math.abs(num(n, "abs")),
  ceil: ([n]) => Math.ceil(num(n, "ceil")),
  floor: ([n]) => Math.floor(num(n, "floor")),
  parseint: ([s, base]) => parseInt(str(s, "parseint"), num(base, "parseint")),
  tonumber: ([v]) => (v === null ? null : num(v, "tonumber")),
  tostring: ([v]) => (v === null ? null : str(v, "tostring")),
  tobool: ([v]) => (v === null ? null : v === true || v === "true" ? true : v === false || v === "false" ? false : fail(`tobool: ${describe(v)}`)),
  // --- collections
  length: ([v]) => (typeof v === "string" ? [...v].length : Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : fail(`length: ${describe(v)}`)),
  keys: ([m]) => (isObject(m) ? sortedKeys(m) : fail(`keys: expected a map, got ${describe(m)}`)),
  values: ([m]) => (isObject(m) ? sortedKeys(m).map((k) => m[k]) : fail(`values: expected a map, got ${describe(m)}`)),
  lookup: ([m, k, d], _h) => {
    if (!isObject(m)) return fail(`lookup: expected a map, got ${describe(m)}`);
    const key = str(k, "lookup");
    if (key in m) return m[key];
    if (d === undefined) return fail(`lookup: the map has no key ${JSON.stringify(key)} and no default was given`);
    return d;
  },
  merge: (maps) => Object.assign({}, ...maps.filter((m) => m !== null).map((m) => (isObject(m) ? m : fail(`merge: expected maps, got ${describe(m)}`)))),
  concat: (lists) => lists.flatMap((l) => list(l, "concat")),
  flatten: ([l]) => flatten(list(l, "flatten")),
  distinct: ([l]) => unique(list(l, "distinct")),
  compact: ([l]) => list(l, "compact").filter((x) => x !== null && x !== ""),
  contains: ([l, v]) => list(l, "contains").some((x) => JSON.stringify(x) === JSON.stringify(v)),
  element: ([l, i]) => {
    const a = list(l, "element");
    if (a.length === 0) return fail("element: the list is empty");
    return a[num(i, "element") % a.length];
  },
  index: ([l, v]) => {
    const i = list(l, "index").findIndex((x) => JSON.stringify(x) === JSON.stringify(v));
    return i < 0 ? fail(`index: ${describe(v)} is not in the list`) : i;
  },
  slice: ([l, a, b]) => list(l, "slice").slice(num(a, "slice"), num(b, "slice")),
  reverse: ([l]) => [...list(l, "reverse")].reverse(),
  sort: ([l]) => [...list(l, "sort")].map((x) => toText(x, "sort")).sort(),
  range: (a) => {
    const [start, end, step] =
      a.length === 1 ? [0, num(a[0], "range"), 1] : [num(a[0], "range"), num(a[1], "range"), a[2] === undefined ? 1 : num(a[2], "range")];
    const out: number[] = [];
    if (step === 0) return fail("range: step cannot be 0");
    for (let x = start; step > 0 ? x < end : x > end; x += step) {
      out.push(x);
      if (out.length > 1024) return fail("range: more than 1024 elements");
    }
    return out;
  },
  zipmap: ([ks, vs]) => Object.fromEntries(list(ks, "zipmap").map((k, i) => [str(k, "zipmap"), list(vs, "zipmap")[i]])),
  setunion: (sets) => unique(sets.flatMap((s) => list(s, "setunion"))),
  setintersection: ([first, ...rest]) =>
    unique(list(first, "setintersection")).filter((x) => rest.every((s) => list(s, "setintersection").some((y) => JSON.stringify(y) === JSON.stringify(x)))),
  setsubtract: ([a, b]) => list(a, "setsubtract").filter((x) => !list(b, "setsubtract").some((y) => JSON.stringify(y) === JSON.stringify(x))),
  chunklist: ([l, n]) => {
    const a = list(l, "chunklist");
    const size = num(n, "chunklist");
    const out: unknown[][] = [];
    for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
    return out;
  },
  one: ([l]) => {
    const a = list(l, "one");
    return a.length === 0 ? null : a.length === 1 ? a[0] : fail("one: the list has more than one element");
  },
  alltrue: ([l]) => list(l, "alltrue").every((x) => x === true || x === "true"),
  anytrue: ([l]) => list(l, "anytrue").some((x) => x === true || x === "true"),
  sum: ([l]) => list(l, "sum").reduce((a: number, x) => a + num(x, "sum"), 0),
  transpose: ([m]) => {
    const out: Record<string, string[]> = {};
    for (const [k, vs] of Object.entries(isObject(m) ? m : {})) for (const v of list(vs, "transpose")) (out[str(v, "transpose")] ??= []).push(k);
    return out;
  },
  tolist: ([v]) => (Array.isArray(v) ? v : v === null ? null : fail(`tolist: ${describe(v)}`)),
  toset: ([v]) => (Array.isArray(v) ? unique(v) : v === null ? null : fail(`toset: ${describe(v)}`)),
  tomap: ([v]) => (isObject(v) ? v : v === null ? null : fail(`tomap: ${describe(v)}`)),
  coalesce: (a) => {
    const v = a.find((x) => x !== null && x !== "");
    return v === undefined ? fail("coalesce: no non-null, non-empty argument") : v;
  },
  coalescelist: (a) => a.find((x) => Array.isArray(x) && x.length > 0) ?? fail("coalescelist: no non-empty list"),
  // --- encoding
  jsonencode: ([v]) => jsonEncode(v),
  jsondecode: ([s]) => {
    try {
      return JSON.parse(str(s, "jsondecode")) as unknown;
    } catch (e) {
      return fail(`jsondecode: ${(e as Error).message}`);
    }
  },
  base64encode: ([s]) => Buffer.from(str(s, "base64encode")).toString("base64"),
  base64decode: ([s]) => Buffer.from(str(s, "base64decode"), "base64").toString("utf8"),
  urlencode: ([s]) => encodeURIComponent(str(s, "urlencode")),
  md5: ([s]) => createHash("md5").update(str(s, "md5")).digest("hex"),
  sha1: ([s]) => createHash("sha1").update(str(s, "sha1")).digest("hex"),
  sha256: ([s]) => createHash("sha256").update(str(s, "sha256")).digest("hex"),
  base64sha256: ([s]) => createHash("sha256").update(str(s, "base64sha256")).digest("base64"),
  // --- files (through the host: paths are the module's)
  file: ([p], h) => h.readFile(str(p, "file")),
  fileexists: ([p], h) => h.fileExists(str(p, "fileexists")),
  filebase64: ([p], h) => Buffer.from(h.readFile(str(p, "filebase64"))).toString("base64"),
  filemd5: ([p], h) =>
    createHash("md5")
      .update(h.readFile(str(p, "filemd5")))
      .digest("hex"),
  filesha256: ([p], h) =>
    createHash("sha256")
      .update(h.readFile(str(p, "filesha256")))
      .digest("hex"),
  filebase64sha256: ([p], h) =>
    createHash("sha256")
      .update(h.readFile(str(p, "filebase64sha256")))
      .digest("base64"),
  templatefile: ([p, vars], h) => h.renderTemplate(str(p, "templatefile"), isObject(vars) ? vars : {}),
  abspath: ([p]) => str(p, "abspath"),
  basename: ([p]) => str(p, "basename").replace(/\/+$/, "").split("/").pop() ?? "",
  dirname: ([p]) => {
    const parts = str(p, "dirname").split("/");
    parts.pop();
    return parts.join("/") || ".";
  },
  // --- time (fixed: a local import is reproducible)
  timestamp: () => "2026-01-01T00:00:00Z",
  uuid: () => "00000000-0000-4000-8000-000000000000",
};

export function hasFunction(name: string): boolean {
  return name in FUNCTIONS;
}

export function callFunction(name: string, args: unknown[], host: FunctionHost): unknown {
  const fn = FUNCTIONS[name];
  if (!fn) return fail(`function ${name}() is not supported by edgeparity's Terraform import`);
  return fn(args, host);
}
