import type { Expr, Pos, Step, TemplatePart } from "./hcl-ast.js";
import { callFunction, describe, FunctionError, type FunctionHost, toText } from "./functions.js";

/**
 * Evaluates HCL expressions to plain JSON values (Terraform docs, "Expressions"). Objects that are
 * expensive or self-referential to build — a resource's attributes, a module's outputs — are
 * `Lazy`: an attribute is computed only when an expression reads it, so a bucket policy may name
 * the distribution's ARN while the distribution names the bucket's domain.
 */

export class EvalError extends Error {
  constructor(
    message: string,
    readonly at: Pos,
  ) {
    super(message);
  }
}

/** An object whose attributes are computed on first read. */
export class Lazy {
  constructor(
    readonly label: string,
    readonly keys: () => string[],
    readonly get: (key: string, at: Pos) => unknown,
  ) {}
}

export interface Scope {
  /** A root name (`var`, `local`, `aws_lb`, `data`, `module`, `each`, `count`, `path`, …); undefined when unknown. */
  root(name: string, at: Pos): unknown;
  host: FunctionHost;
}

/** A scope with loop variables on top of another. */
export function withVariables(parent: Scope, vars: Record<string, unknown>): Scope {
  return {
    root: (name, at) => (Object.hasOwn(vars, name) ? vars[name] : parent.root(name, at)),
    host: parent.host,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Lazy);
}

/** Lazy objects made plain, all the way down (for functions, templates and the final values). */
export function force(v: unknown, depth = 0): unknown {
  if (depth > 64) throw new Error("a value refers to itself");
  if (v instanceof Lazy) {
    const at = { file: v.label, line: 0, column: 0 };
    return Object.fromEntries(v.keys().map((k) => [k, force(v.get(k, at), depth + 1)]));
  }
  if (Array.isArray(v)) return v.map((x) => force(x, depth + 1));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, force(x, depth + 1)]));
  return v;
}

export function evaluate(e: Expr, scope: Scope): unknown {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "paren":
      return evaluate(e.expr, scope);
    case "template": {
      // `"${x}"` alone is x itself, not its string (HCL spec, template interpolation unwrapping).
      if (e.parts.length === 1 && e.parts[0]!.kind === "interp") return evaluate(e.parts[0]!.expr, scope);
      return renderParts(e.parts, scope, e.at);
    }
    case "variable": {
      const v = scope.root(e.name, e.at);
      if (v === undefined) throw new EvalError(`'${e.name}' is not defined here (Terraform: Reference to undeclared ${e.name})`, e.at);
      return v;
    }
    case "traverse":
      return applyStep(evaluate(e.target, scope), e.step, scope);
    case "splat": {
      const target = evaluate(e.target, scope);
      // A splat of null is an empty list; of a single non-list value, that value in a list (HCL spec).
      const items = target === null ? [] : Array.isArray(target) ? target : [target];
      return items.map((item) => e.steps.reduce((v, s) => applyStep(v, s, scope), item));
    }
    case "call":
      return call(e, scope);
    case "tuple":
      return e.items.map((x) => evaluate(x, scope));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const item of e.items) {
        const k = force(evaluate(item.key, scope));
        out[toText(k, "object key")] = evaluate(item.value, scope);
      }
      return out;
    }
    case "conditional": {
      const c = evaluate(e.cond, scope);
      return truthy(c, e.cond.at) ? evaluate(e.whenTrue, scope) : evaluate(e.whenFalse, scope);
    }
    case "unary": {
      const v = force(evaluate(e.operand, scope));
      if (e.op === "!") return !truthy(v, e.at);
      return -number(v, e.at);
    }
    case "binary":
      return binary(e.op, e.left, e.right, scope, e.at);
    case "for":
      return forExpr(e, scope);
  }
}

function truthy(v: unknown, at: Pos): boolean {
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw new EvalError(`a condition must be a bool, not ${describe(v)}`, at);
}

function number(v: unknown, at: Pos): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || Number.isNaN(n)) throw new EvalError(`expected a number, not ${describe(v)}`, at);
  return n;
}

function binary(op: string, l: Expr, r: Expr, scope: Scope, at: Pos): unknown {
  if (op === "&&") return truthy(evaluate(l, scope), l.at) && truthy(evaluate(r, scope), r.at);
  if (op === "||") return truthy(evaluate(l, scope), l.at) || truthy(evaluate(r, scope), r.at);
  const a = force(evaluate(l, scope));
  const b = force(evaluate(r, scope));
  switch (op) {
    case "==":
      return JSON.stringify(a) === JSON.stringify(b);
    case "!=":
      return JSON.stringify(a) !== JSON.stringify(b);
    case "<":
      return number(a, l.at) < number(b, r.at);
    case "<=":
      return number(a, l.at) <= number(b, r.at);
    case ">":
      return number(a, l.at) > number(b, r.at);
    case ">=":
      return number(a, l.at) >= number(b, r.at);
    case "+":
      return number(a, l.at) + number(b, r.at);
    case "-":
      return number(a, l.at) - number(b, r.at);
    case "*":
      return number(a, l.at) * number(b, r.at);
    case "/":
      return number(a, l.at) / number(b, r.at);
    case "%":
      return number(a, l.at) % number(b, r.at);
  }
  throw new EvalError(`unknown operator ${op}`, at);
}

function applyStep(v: unknown, step: Step, scope: Scope): unknown {
  if (step.kind === "attr") return attribute(v, step.name, step.at);
  const key = force(evaluate(step.key, scope));
  if (Array.isArray(v)) {
    const i = number(key, step.at);
    if (!Number.isInteger(i) || i < 0 || i >= v.length) throw new EvalError(`index ${i} is out of range (the list has ${v.length} elements)`, step.at);
    return v[i];
  }
  return attribute(v, toText(key, "index"), step.at);
}

function attribute(v: unknown, name: string, at: Pos): unknown {
  if (v instanceof Lazy) return v.get(name, at);
  if (isObject(v)) {
    if (!Object.hasOwn(v, name)) throw new EvalError(`this object has no attribute or key "${name}"`, at);
    return v[name];
  }
  if (v === null) throw new EvalError(`cannot read "${name}" of a null value`, at);
  throw new EvalError(`cannot read "${name}" of ${describe(v)}`, at);
}

function call(e: Extract<Expr, { kind: "call" }>, scope: Scope): unknown {
  // try() and can() evaluate their arguments themselves: an error is a fallback, not a failure.
  if (e.name === "try") {
    for (const a of e.args)
      try {
        return force(evaluate(a, scope));
      } catch (err) {
        if (!(err instanceof EvalError || err instanceof FunctionError)) throw err;
      }
    throw new EvalError("try: every argument failed", e.at);
  }
  if (e.name === "can") {
    try {
      force(evaluate(e.args[0]!, scope));
      return true;
    } catch (err) {
      if (err instanceof EvalError || err instanceof FunctionError) return false;
      throw err;
    }
  }
  let args = e.args.map((a) => force(evaluate(a, scope)));
  if (e.expandLast) {
    const last = args[args.length - 1];
    if (!Array.isArray(last)) throw new EvalError(`${e.name}: the argument before ... must be a list`, e.at);
    args = [...args.slice(0, -1), ...last];
  }
  try {
    return callFunction(e.name, args, scope.host);
  } catch (err) {
    if (err instanceof FunctionError) throw new EvalError(err.message, e.at);
    throw err;
  }
}

function forExpr(e: Extract<Expr, { kind: "for" }>, scope: Scope): unknown {
  const coll = force(evaluate(e.coll, scope));
  const entries: [unknown, unknown][] = Array.isArray(coll)
    ? coll.map((v, i) => [i, v])
    : isObject(coll)
      ? Object.keys(coll)
          .sort()
          .map((k) => [k, coll[k]])
      : (() => {
          throw new EvalError(`a for expression needs a list or a map, not ${describe(coll)}`, e.coll.at);
        })();
  const isObjectFor = e.keyExpr !== undefined;
  const list: unknown[] = [];
  const obj: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const vars: Record<string, unknown> = { [e.valueVar]: v };
    if (e.keyVar) vars[e.keyVar] = k;
    const s = withVariables(scope, vars);
    if (e.cond && !truthy(evaluate(e.cond, s), e.cond.at)) continue;
    if (!isObjectFor) {
      list.push(evaluate(e.valueExpr, s));
      continue;
    }
    const key = toText(force(evaluate(e.keyExpr!, s)), "for key");
    const value = evaluate(e.valueExpr, s);
    if (e.group) ((obj[key] ??= []) as unknown[]).push(value);
    else if (Object.hasOwn(obj, key)) throw new EvalError(`two elements have the key "${key}" (add ... to group them)`, e.at);
    else obj[key] = value;
  }
  return isObjectFor ? obj : list;
}

function renderParts(parts: TemplatePart[], scope: Scope, at: Pos): string {
  let out = "";
  for (const p of parts) {
    if (p.kind === "text") out += p.text;
    else if (p.kind === "interp") {
      try {
        out += toText(force(evaluate(p.expr, scope)), "template");
      } catch (err) {
        if (err instanceof FunctionError) throw new EvalError(err.message, p.expr.at);
        throw err;
      }
    } else if (p.kind === "if") out += renderParts(truthy(evaluate(p.cond, scope), at) ? p.whenTrue : p.whenFalse, scope, at);
    else {
      const coll = force(evaluate(p.coll, scope));
      const entries: [unknown, unknown][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : isObject(coll) ? Object.entries(coll) : [];
      for (const [k, v] of entries) out += renderParts(p.body, withVariables(scope, { [p.valueVar]: v, ...(p.keyVar ? { [p.keyVar]: k } : {}) }), at);
    }
  }
  return out;
}
