import { basename } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import type { SourcePosition } from "../importer.js";

/**
 * Evaluates CloudFormation's intrinsic functions (User Guide, "Intrinsic function reference") the
 * way CloudFormation does at stack creation, with the values edgeparity assigns: `Ref`, `Fn::GetAtt`,
 * `Fn::Sub` (both forms), `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::FindInMap`,
 * `Fn::Base64`, `Fn::GetAZs`, conditions (`Fn::Equals`/`And`/`Or`/`Not`, `Condition`) and
 * `AWS::NoValue`. What only a deployed account knows (`Fn::ImportValue`) is an error with file:line.
 */

/** `Ref: AWS::NoValue` — the property is removed, as if not written. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

/** Where a value sits: its template path (`Resources.Web.Properties.DistributionConfig`) and the closest known position. */
export interface Where {
  path: string;
  at: SourcePosition | undefined;
}

export interface ResolveScope {
  file: string;
  positionOf(node: object): SourcePosition | undefined;
  /** A parameter's or pseudo parameter's value, or undefined when `name` is neither. */
  parameter(name: string, where: Where): unknown;
  /** `Ref` of a resource; undefined when `name` is not a resource of the template. */
  ref(logicalId: string, where: Where): unknown;
  getAtt(logicalId: string, attribute: string, where: Where): unknown;
  condition(name: string, where: Where): boolean;
  mappings: Record<string, unknown>;
}

/** Availability Zones of us-east-1 as `Fn::GetAZs` lists them for an account (names, not ids). */
const US_EAST_1_AZS = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"];

export function templateError(scope: Pick<ResolveScope, "file">, where: Where, message: string): EdgeparityError<"STACK_INVALID"> {
  const at = where.at ? `${basename(scope.file)}:${where.at.line}` : basename(scope.file);
  return new EdgeparityError("STACK_INVALID", `${at}: ${where.path}: ${message}`);
}

/** The single key of an intrinsic function object, or undefined for a plain object. */
export function intrinsicName(v: unknown): string | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === "Ref" || k === "Condition" || k.startsWith("Fn::") ? k : undefined;
}

export function resolveValue(scope: ResolveScope, value: unknown, where: Where): unknown {
  if (value === null || typeof value !== "object") return value;
  const at = scope.positionOf(value) ?? where.at;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((v, i) => {
      const r = resolveValue(scope, v, { path: `${where.path}[${i}]`, at });
      if (r !== NO_VALUE) out.push(r);
    });
    return out;
  }
  const fn = intrinsicName(value);
  // `Condition` as a key is an intrinsic only inside conditions; elsewhere (a resource's Condition) it is a name.
  if (fn !== undefined && fn !== "Condition") return evaluate(scope, fn, (value as Record<string, unknown>)[fn], { path: where.path, at });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveValue(scope, v, { path: `${where.path}.${k}`, at: scope.positionOf(v as object) ?? at });
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function evaluate(scope: ResolveScope, fn: string, arg: unknown, where: Where): unknown {
  const fail = (message: string) => templateError(scope, where, `${fn}: ${message}`);
  const r = (v: unknown, sub = "") => resolveValue(scope, v, { path: `${where.path}${sub}`, at: where.at });
  const str = (v: unknown, what: string): string => {
    const x = r(v);
    if (typeof x === "string") return x;
    if (typeof x === "number" || typeof x === "boolean") return String(x);
    throw fail(`${what} must be a string, not ${JSON.stringify(x)}`);
  };
  const list = (v: unknown, n: number | undefined, what: string): unknown[] => {
    if (!Array.isArray(v) || (n !== undefined && v.length !== n)) throw fail(`takes ${what}`);
    return v;
  };
  switch (fn) {
    case "Ref": {
      if (typeof arg !== "string") throw fail("takes the name of a parameter or resource");
      if (arg === "AWS::NoValue") return NO_VALUE;
      const p = scope.parameter(arg, where);
      if (p !== undefined) return p;
      const ref = scope.ref(arg, where);
      if (ref !== undefined) return ref;
      throw fail(`'${arg}' is not a parameter, pseudo parameter or resource of this template`);
    }
    case "Fn::GetAtt": {
      // `Fn::GetAtt: A.B` (a string) is read as the short form reads it: `[A, B]`.
      const pair = typeof arg === "string" && arg.includes(".") ? [arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1)] : arg;
      const [id, attr] = list(pair, 2, "[LogicalId, Attribute]").map((x, i) => str(x, i === 0 ? "the logical id" : "the attribute"));
      return scope.getAtt(id!, attr!, where);
    }
    case "Fn::Sub": {
      const [template, vars] = typeof arg === "string" ? [arg, {}] : list(arg, 2, "a string, or [string, { Name: value }]");
      if (typeof template !== "string") throw fail("the first element is the string to substitute into");
      const values = vars && typeof vars === "object" ? (r(vars) as Record<string, unknown>) : {};
      // `${!Literal}` stays `${Literal}`; `${Name}` is a variable, a parameter or a resource; `${Res.Attr}` is GetAtt.
      return template.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, name: string) => {
        if (bang) return `\${${name}}`;
        const key = name.trim();
        if (key in values) return String(values[key]);
        const dot = key.indexOf(".");
        const v = dot > 0 && !key.startsWith("AWS::") ? scope.getAtt(key.slice(0, dot), key.slice(dot + 1), where) : evaluate(scope, "Ref", key, where);
        if (Array.isArray(v)) throw fail(`\${${key}} is a list; Fn::Sub substitutes strings only`);
        return String(v);
      });
    }
    case "Fn::Join": {
      const [delimiter, items] = list(arg, 2, "[delimiter, [values]]");
      const d = str(delimiter, "the delimiter");
      const values = r(items, ".Fn::Join[1]");
      if (!Array.isArray(values)) throw fail("the second element must be a list");
      return values.map((v) => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : fail("joins strings only"))).join(d);
    }
    case "Fn::Select": {
      const [index, items] = list(arg, 2, "[index, [values]]");
      const i = Number(r(index));
      const values = r(items);
      if (!Array.isArray(values)) throw fail("the second element must be a list");
      if (!Number.isInteger(i) || i < 0 || i >= values.length) throw fail(`index ${String(i)} is out of range for a list of ${values.length}`);
      return values[i];
    }
    case "Fn::Split": {
      const [delimiter, source] = list(arg, 2, "[delimiter, string]");
      return str(source, "the string to split").split(str(delimiter, "the delimiter"));
    }
    case "Fn::If": {
      const [name, yes, no] = list(arg, 3, "[condition name, value if true, value if false]");
      if (typeof name !== "string") throw fail("the first element is a condition name");
      return scope.condition(name, where) ? r(yes) : r(no);
    }
    case "Fn::Equals": {
      const [a, b] = list(arg, 2, "[value, value]");
      return canonical(r(a)) === canonical(r(b));
    }
    case "Fn::And":
    case "Fn::Or": {
      const items = list(arg, undefined, "a list of 2 to 10 conditions");
      if (items.length < 2 || items.length > 10) throw fail("takes 2 to 10 conditions");
      const values = items.map((c) => conditionValue(scope, c, where));
      return fn === "Fn::And" ? values.every(Boolean) : values.some(Boolean);
    }
    case "Fn::Not": {
      const [c] = list(arg, 1, "[condition]");
      return !conditionValue(scope, c, where);
    }
    case "Condition":
      if (typeof arg !== "string") throw fail("takes a condition name");
      return scope.condition(arg, where);
    case "Fn::FindInMap": {
      const [map, top, second] = list(arg, undefined, "[MapName, TopLevelKey, SecondLevelKey]").map((x, i) =>
        str(x, ["the map name", "the top-level key", "the second-level key"][i] ?? "a key"),
      );
      const m = scope.mappings[map!] as Record<string, Record<string, unknown>> | undefined;
      if (!m) throw fail(`there is no mapping '${map}' under Mappings`);
      const row = m[top!];
      if (!row || typeof row !== "object") throw fail(`mapping '${map}' has no key '${top}'`);
      if (!(second! in row)) throw fail(`mapping '${map}' key '${top}' has no key '${second}'`);
      return row[second!];
    }
    case "Fn::Base64":
      return Buffer.from(str(arg, "the value"), "utf8").toString("base64");
    case "Fn::GetAZs": {
      const region = r(arg);
      if (region === "" || region === "us-east-1") return [...US_EAST_1_AZS];
      throw fail(`only the region edgeparity emulates (us-east-1) has known Availability Zones, not '${String(region)}'`);
    }
    case "Fn::Length": {
      const v = r(arg);
      if (!Array.isArray(v)) throw fail("takes a list");
      return v.length;
    }
    case "Fn::ToJsonString":
      return JSON.stringify(r(arg));
    case "Fn::ImportValue":
      throw fail(
        `'${typeof arg === "string" ? arg : JSON.stringify(r(arg))}' is an export of another deployed stack, which is not resolvable locally. Write the value itself here (or a Parameter with a Default) for local use.`,
      );
    default:
      throw fail(
        "is not resolvable locally (edgeparity evaluates Ref, GetAtt, Sub, Join, Select, Split, If, FindInMap, Base64, GetAZs, Length, ToJsonString and the condition functions)",
      );
  }
}

function conditionValue(scope: ResolveScope, c: unknown, where: Where): boolean {
  const fn = intrinsicName(c);
  if (fn === undefined) throw templateError(scope, where, `a condition must be a condition function or { Condition: name }, not ${JSON.stringify(c)}`);
  const v = evaluate(scope, fn, (c as Record<string, unknown>)[fn], where);
  if (typeof v !== "boolean") throw templateError(scope, where, `${fn} does not give true or false here`);
  return v;
}

/** Evaluates a condition definition of the Conditions section. */
export function evaluateCondition(scope: ResolveScope, definition: unknown, where: Where): boolean {
  return conditionValue(scope, definition, where);
}

/** Fn::Equals compares strings: CloudFormation passes every parameter value as a string. */
function canonical(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
