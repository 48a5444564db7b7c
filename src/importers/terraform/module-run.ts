import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import type { ImportWarning } from "../importer.js";
import { assignedAttribute, type InstanceFacts } from "./assigned-attributes.js";
import { answerDataSource } from "./data-sources.js";
import { EvalError, evaluate, force, Lazy, withVariables, type Scope } from "./evaluate.js";
import { FunctionError, type FunctionHost } from "./functions.js";
import type { Attribute, Block, Body, Expr, Pos } from "./hcl-ast.js";
import { parseHcl, parseHclExpression } from "./hcl-parser.js";
import { readModuleFiles, type ModuleFiles } from "./module-files.js";
import type { ResourceInstance } from "./resource-instance.js";

/**
 * Evaluates a Terraform module folder the way `terraform plan` would, minus AWS: input variables
 * (defaults, then TF_VAR_*, terraform.tfvars, *.auto.tfvars, --var-file, --var), locals, resources
 * expanded by `count` / `for_each` with `dynamic` blocks, data sources answered locally, local-path
 * child modules, and outputs. Meta-arguments (`depends_on`, `lifecycle`, `provider`) are ignored.
 * References to a resource's computed attributes take the values edgeparity assigns.
 */

export interface RootInputs {
  /** `--var name=value`, in order. */
  vars: Readonly<Record<string, string>>;
  /** `--var-file` paths (relative to the working directory), in order. */
  varFiles: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export interface RunResult {
  instances: ResourceInstance[];
  warnings: ImportWarning[];
  files: string[];
}

const META_ATTRIBUTES = new Set(["count", "for_each", "depends_on", "provider", "providers"]);
const META_BLOCKS = new Set(["lifecycle", "provisioner", "connection", "precondition", "postcondition"]);

export function runRootModule(dir: string, inputs: RootInputs): RunResult {
  const ctx: RunContext = { instances: [], warnings: [], files: [], rootDir: dir, depth: 0 };
  const files = readModuleFiles(dir);
  const run = new ModuleRun(ctx, files, [], rootVariables(ctx, files, inputs));
  run.expandAll();
  return { instances: ctx.instances, warnings: ctx.warnings, files: ctx.files };
}

interface RunContext {
  instances: ResourceInstance[];
  warnings: ImportWarning[];
  files: string[];
  rootDir: string;
  depth: number;
}

function errorAt(at: Pos, where: string, message: string): EdgeparityError {
  return new EdgeparityError("STACK_INVALID", `${basename(at.file)}:${at.line}: ${where}: ${message}`);
}

/** Variable values for the root module, by Terraform's precedence (docs: "Variable definition precedence"), later wins. */
function rootVariables(ctx: RunContext, files: ModuleFiles, inputs: RootInputs): Map<string, VariableValue> {
  const out = new Map<string, VariableValue>();
  for (const [k, v] of Object.entries(inputs.env)) if (k.startsWith("TF_VAR_") && v !== undefined) out.set(k.slice(7), { value: v, raw: true });
  const readTfvars = (file: string, required: boolean) => {
    if (!existsSync(file)) {
      if (required) throw new EdgeparityError("FILE_NOT_FOUND", `--var-file ${file}: no such file`);
      return;
    }
    ctx.files.push(file);
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".json")) {
      const e = parseHclExpression(text, file);
      if (e.kind !== "object") throw new EdgeparityError("STACK_INVALID", `${file}: a .tfvars.json file holds one JSON object`);
      const v = force(evaluate(e, emptyScope(files.dir))) as Record<string, unknown>;
      for (const [k, x] of Object.entries(v)) out.set(k, { value: x, raw: false });
      return;
    }
    const body = parseHcl(text, file);
    for (const a of body.attributes) out.set(a.name, { value: force(evaluate(a.expr, emptyScope(files.dir))), raw: false, at: a.at });
  };
  readTfvars(join(files.dir, "terraform.tfvars"), false);
  readTfvars(join(files.dir, "terraform.tfvars.json"), false);
  for (const n of readdirSync(files.dir)
    .filter((n) => /\.auto\.tfvars(\.json)?$/.test(n))
    .sort())
    readTfvars(join(files.dir, n), false);
  for (const f of inputs.varFiles) readTfvars(isAbsolute(f) ? f : resolve(f), true);
  for (const [k, v] of Object.entries(inputs.vars)) out.set(k, { value: v, raw: true, cli: true });
  return out;
}

function emptyScope(dir: string): Scope {
  return { root: () => undefined, host: fileHost(dir, () => emptyScope(dir)) };
}

function fileHost(dir: string, scopeFor: () => Scope, onRead?: (file: string) => void): FunctionHost {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  return {
    readFile(p) {
      const f = abs(p);
      onRead?.(f);
      try {
        return readFileSync(f, "utf8");
      } catch (e) {
        throw new FunctionError(`file(${JSON.stringify(p)}): ${(e as Error).message}`);
      }
    },
    fileExists: (p) => existsSync(abs(p)),
    renderTemplate(p, vars) {
      const f = abs(p);
      onRead?.(f);
      let text: string;
      try {
        text = readFileSync(f, "utf8");
      } catch (e) {
        throw new FunctionError(`templatefile(${JSON.stringify(p)}): ${(e as Error).message}`);
      }
      // The file is a template: its text parsed as a heredoc body and evaluated with `vars` only (Terraform: templatefile).
      const expr = parseHclExpression(`<<EDGEPARITY_TEMPLATE_END\n${text}${text.endsWith("\n") ? "" : "\n"}EDGEPARITY_TEMPLATE_END\n`, f);
      const v = evaluate(expr, { root: (n) => (Object.hasOwn(vars, n) ? vars[n] : undefined), host: scopeFor().host });
      const s = typeof v === "string" ? v : String(v);
      // The heredoc adds the final newline back only if the file had one.
      return text.endsWith("\n") ? s : s.replace(/\n$/, "");
    },
  };
}

type Declared = { block: Block; file: string };

/** A root variable's value and where it came from (`raw`: a string from --var or TF_VAR_, still to be typed). */
interface VariableValue {
  value: unknown;
  raw: boolean;
  cli?: boolean;
  at?: Pos;
}

/** A resource or data block, with its expansion (`count` / `for_each`) once computed. */
interface ResourceDecl extends Declared {
  mode: "managed" | "data";
  type: string;
  name: string;
  expansion?: { kind: "single" } | { kind: "count"; keys: number[] } | { kind: "for_each"; entries: [string, unknown][] };
  instances: Map<string, InstanceState>;
}

interface InstanceState {
  key: string | number | undefined;
  each: unknown;
  address: string;
  modelKey: string;
  lazy: Lazy;
  attrs: Map<string, unknown>;
  values?: { values: Record<string, unknown>; positions: Map<string, Pos> };
}

class ModuleRun {
  readonly #ctx: RunContext;
  readonly #files: ModuleFiles;
  readonly #path: string[];
  readonly #variables = new Map<string, Declared>();
  readonly #locals = new Map<string, { attr: Attribute; file: string }>();
  readonly #outputs = new Map<string, { block: Block }>();
  readonly #resources = new Map<string, ResourceDecl>();
  readonly #modules = new Map<string, Declared>();
  /** Module call name → its instances (`[undefined, run]` without count/for_each), or null when its source is not local. */
  readonly #moduleRuns = new Map<string, [string | number | undefined, ModuleRun][] | null>();
  readonly #memo = new Map<string, unknown>();
  readonly #busy = new Set<string>();
  readonly #inputs: Map<string, VariableValue>;
  readonly #lazyInputs: Map<string, () => unknown> | undefined;
  readonly scope: Scope;

  constructor(ctx: RunContext, files: ModuleFiles, path: string[], inputs: Map<string, VariableValue>, lazyInputs?: Map<string, () => unknown>) {
    this.#ctx = ctx;
    this.#files = files;
    this.#path = path;
    this.#inputs = inputs;
    this.#lazyInputs = lazyInputs;
    ctx.files.push(...files.files);
    for (const b of files.blocks) this.#declare(b);
    // Relative paths in file() and templatefile() are the working directory's, the root module's
    // folder (Terraform docs, "Filesystem and Workspace Info"); path.module says where a module is.
    this.scope = {
      root: (n, at) => this.#root(n, at),
      host: fileHost(
        ctx.rootDir,
        () => this.scope,
        (f) => this.#noteFile(f),
      ),
    };
    if (!lazyInputs)
      for (const [name, v] of inputs)
        // Terraform refuses a -var for an undeclared variable and ignores an undeclared TF_VAR_; here both tfvars and --var warn.
        if (!this.#variables.has(name) && (!v.raw || v.cli))
          this.#warn(v.at, `var.${name}`, `a value is given for variable "${name}", which this configuration does not declare; ignored`);
  }

  #noteFile(f: string): void {
    if (!this.#ctx.files.includes(f)) this.#ctx.files.push(f);
  }

  #prefix(): string {
    return this.#path.map((m) => `module.${m}.`).join("");
  }

  #warn(at: Pos | undefined, path: string, message: string): void {
    this.#ctx.warnings.push({ file: at?.file ?? this.#files.files[0]!, ...(at ? { line: at.line, column: at.column } : {}), path, message });
  }

  #declare(b: Block): void {
    const file = b.at.file;
    const dup = (what: string) => {
      throw errorAt(b.at, what, "is declared twice in this module");
    };
    switch (b.type) {
      case "variable":
        if (this.#variables.has(b.labels[0]!)) dup(`variable "${b.labels[0]}"`);
        this.#variables.set(b.labels[0]!, { block: b, file });
        return;
      case "locals":
        for (const a of b.body.attributes) {
          if (this.#locals.has(a.name)) dup(`local.${a.name}`);
          this.#locals.set(a.name, { attr: a, file });
        }
        return;
      case "output":
        this.#outputs.set(b.labels[0]!, { block: b });
        return;
      case "module":
        this.#modules.set(b.labels[0]!, { block: b, file });
        return;
      case "resource":
      case "data": {
        const [type, name] = b.labels;
        if (type === undefined || name === undefined) throw errorAt(b.at, b.type, "needs a type and a name label");
        const id = `${b.type === "data" ? "data." : ""}${type}.${name}`;
        if (this.#resources.has(id)) dup(id);
        this.#resources.set(id, { block: b, file, mode: b.type === "data" ? "data" : "managed", type, name, instances: new Map() });
        return;
      }
      // terraform { required_providers }, provider "aws" {}, moved, import, check: nothing to emulate.
      default:
        return;
    }
  }

  // --- names in expressions ---------------------------------------------------------------------

  #root(name: string, at: Pos): unknown {
    switch (name) {
      case "var":
        return new Lazy(
          "var",
          () => [...this.#variables.keys()],
          (k, at2) => this.#memoized(`var.${k}`, at2, () => this.#variable(k, at2)),
        );
      case "local":
        return new Lazy(
          "local",
          () => [...this.#locals.keys()],
          (k, at2) => this.#memoized(`local.${k}`, at2, () => this.#local(k, at2)),
        );
      case "path":
        return {
          module: relativePath(this.#ctx.rootDir, this.#files.dir),
          root: ".",
          cwd: ".",
        };
      case "terraform":
        return { workspace: "default" };
      case "data":
        return new Lazy(
          "data",
          () => [...new Set([...this.#resources.values()].filter((r) => r.mode === "data").map((r) => r.type))],
          (type) =>
            new Lazy(
              `data.${type}`,
              () => [...this.#resources.values()].filter((r) => r.mode === "data" && r.type === type).map((r) => r.name),
              (n, at2) => this.#resourceValue(`data.${type}.${n}`, at2),
            ),
        );
      case "module":
        return new Lazy(
          "module",
          () => [...this.#modules.keys()],
          (n, at2) => this.#moduleOutputs(n, at2),
        );
      case "self":
      case "each":
      case "count":
        return undefined;
    }
    if ([...this.#resources.values()].some((r) => r.mode === "managed" && r.type === name))
      return new Lazy(
        name,
        () => [...this.#resources.values()].filter((r) => r.mode === "managed" && r.type === name).map((r) => r.name),
        (n, at2) => this.#resourceValue(`${name}.${n}`, at2),
      );
    if (/^aws_|^archive_|^random_|^null_|^local_|^tls_/.test(name)) throw new EvalError(`there is no resource of type ${name} in this module`, at);
    return undefined;
  }

  #memoized(key: string, at: Pos, compute: () => unknown): unknown {
    if (this.#memo.has(key)) return this.#memo.get(key);
    if (this.#busy.has(key)) throw new EvalError(`${key} refers to itself (Terraform: Cycle)`, at);
    this.#busy.add(key);
    try {
      const v = compute();
      this.#memo.set(key, v);
      return v;
    } finally {
      this.#busy.delete(key);
    }
  }

  #variable(name: string, at: Pos): unknown {
    const decl = this.#variables.get(name);
    if (!decl) throw new EvalError(`there is no variable "${name}" in this module (Terraform: Reference to undeclared input variable)`, at);
    const attrs = new Map(decl.block.body.attributes.map((a) => [a.name, a]));
    const typeExpr = attrs.get("type")?.expr;
    const typeName = typeExpr?.kind === "variable" ? typeExpr.name : typeExpr?.kind === "call" ? typeExpr.name : undefined;
    const lazy = this.#lazyInputs?.get(name);
    if (lazy) return lazy();
    const given = this.#inputs.get(name);
    if (given) {
      if (!given.raw || typeName === "string" || typeName === undefined) return given.value;
      // A -var or TF_VAR_ value of a non-string type is an HCL expression (Terraform docs, "Input variables").
      try {
        return force(evaluate(parseHclExpression(String(given.value), `--var ${name}`), emptyScope(this.#files.dir)));
      } catch (e) {
        throw errorAt(decl.block.at, `var.${name}`, `the value ${JSON.stringify(given.value)} is not a valid ${typeName}: ${(e as Error).message}`);
      }
    }
    const def = attrs.get("default");
    if (def) return force(evaluate(def.expr, emptyScope(this.#files.dir)));
    throw errorAt(
      decl.block.at,
      `var.${name}`,
      `variable "${name}" has no default and no value: pass --var ${name}=VALUE, a --var-file, terraform.tfvars or TF_VAR_${name}`,
    );
  }

  #local(name: string, at: Pos): unknown {
    const l = this.#locals.get(name);
    if (!l) throw new EvalError(`there is no local value "${name}" in this module`, at);
    return this.#evalAt(l.attr.expr, this.scope, `local.${name}`);
  }

  /** Evaluates with errors made operator errors that name file:line and what was being evaluated. */
  #evalAt(e: Expr, scope: Scope, where: string): unknown {
    try {
      return evaluate(e, scope);
    } catch (err) {
      if (err instanceof EvalError) throw errorAt(err.at, where, err.message);
      throw err;
    }
  }

  #moduleOutputs(name: string, at: Pos): unknown {
    const runs = this.#childModules(name, at);
    if (runs === null)
      return new Lazy(
        `module.${name}`,
        () => [],
        (k) => `module.${name}.${k} (not resolvable locally)`,
      );
    const outputs = (run: ModuleRun) =>
      new Lazy(
        `module.${name}`,
        () => [...run.#outputs.keys()],
        (k, at2) => run.output(k, at2),
      );
    const [first] = runs;
    if (runs.length === 1 && first![0] === undefined) return outputs(first![1]);
    // With count a list of output objects, with for_each a map of them (Terraform docs, "Modules": count and for_each).
    if (runs.every(([k]) => typeof k === "number")) return runs.map(([, r]) => outputs(r));
    return Object.fromEntries(runs.map(([k, r]) => [String(k), outputs(r)]));
  }

  output(name: string, at: Pos): unknown {
    const o = this.#outputs.get(name);
    if (!o) throw new EvalError(`the module has no output "${name}"`, at);
    const value = o.block.body.attributes.find((a) => a.name === "value");
    if (!value) return null;
    return this.#memoized(`output.${name}`, at, () => this.#evalAt(value.expr, this.scope, `${this.#prefix()}output.${name}`));
  }

  #childModules(name: string, at: Pos): [string | number | undefined, ModuleRun][] | null {
    if (this.#moduleRuns.has(name)) return this.#moduleRuns.get(name)!;
    const decl = this.#modules.get(name);
    if (!decl) throw new EvalError(`there is no module "${name}" in this configuration`, at);
    const attrs = decl.block.body.attributes;
    const source = attrs.find((a) => a.name === "source");
    const src = source ? force(this.#evalAt(source.expr, this.scope, `module.${name}.source`)) : undefined;
    const where = `${this.#prefix()}module.${name}`;
    if (typeof src !== "string" || !(src.startsWith("./") || src.startsWith("../"))) {
      this.#warn(
        decl.block.at,
        where,
        `module source ${JSON.stringify(src)} is not a local path (./ or ../), which is not resolvable locally; its resources are not imported`,
      );
      this.#moduleRuns.set(name, null);
      return null;
    }
    if (this.#ctx.depth > 16) throw errorAt(decl.block.at, where, "modules nest more than 16 deep");
    const files = readModuleFiles(resolve(this.#files.dir, src));
    const ex = this.#expand(attrs, where);
    const keys: [string | number | undefined, unknown][] =
      ex.kind === "single" ? [[undefined, undefined]] : ex.kind === "count" ? ex.keys.map((k) => [k, undefined]) : ex.entries;
    const runs: [string | number | undefined, ModuleRun][] = [];
    for (const [key, each] of keys) {
      const scope = withVariables(this.scope, {
        ...(typeof key === "number" ? { count: { index: key } } : {}),
        ...(typeof key === "string" ? { each: { key, value: each } } : {}),
      });
      const lazyInputs = new Map<string, () => unknown>();
      for (const a of attrs) {
        if (a.name === "source" || a.name === "version" || META_ATTRIBUTES.has(a.name)) continue;
        lazyInputs.set(a.name, () => force(this.#evalAt(a.expr, scope, `${where}.${a.name}`)));
      }
      const segment = key === undefined ? name : `${name}[${typeof key === "number" ? key : JSON.stringify(key)}]`;
      this.#ctx.depth++;
      const run = new ModuleRun(this.#ctx, files, [...this.#path, segment], new Map(), lazyInputs);
      this.#ctx.depth--;
      for (const a of attrs)
        if (lazyInputs.has(a.name) && !run.#variables.has(a.name))
          throw errorAt(a.at, where, `the module at ${src} has no variable "${a.name}" (Terraform: Unsupported argument)`);
      runs.push([key, run]);
    }
    this.#moduleRuns.set(name, runs);
    return runs;
  }

  // --- resources --------------------------------------------------------------------------------

  #expansion(r: ResourceDecl): NonNullable<ResourceDecl["expansion"]> {
    r.expansion ??= this.#expand(r.block.body.attributes, `${this.#prefix()}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`);
    return r.expansion;
  }

  /** `count` / `for_each` of a resource or module call (Terraform docs, "The count / for_each Meta-Argument"). */
  #expand(attrs: readonly Attribute[], id: string): NonNullable<ResourceDecl["expansion"]> {
    const count = attrs.find((a) => a.name === "count");
    const forEach = attrs.find((a) => a.name === "for_each");
    if (count) {
      const n = force(this.#evalAt(count.expr, this.scope, `${id}.count`));
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
        throw errorAt(count.at, `${id}.count`, `count must be a whole number, not ${JSON.stringify(n)}`);
      return { kind: "count", keys: Array.from({ length: n }, (_, i) => i) };
    }
    if (!forEach) return { kind: "single" };
    const v = force(this.#evalAt(forEach.expr, this.scope, `${id}.for_each`));
    if (Array.isArray(v)) {
      if (!v.every((x) => typeof x === "string"))
        throw errorAt(forEach.at, `${id}.for_each`, "for_each takes a map or a set of strings (Terraform: Invalid for_each argument)");
      return { kind: "for_each", entries: [...new Set(v as string[])].sort().map((k) => [k, k]) };
    }
    if (v && typeof v === "object")
      return {
        kind: "for_each",
        entries: Object.keys(v)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      };
    throw errorAt(forEach.at, `${id}.for_each`, `for_each takes a map or a set of strings, not ${JSON.stringify(v)}`);
  }

  #resourceValue(id: string, at: Pos): unknown {
    const r = this.#resources.get(id);
    if (!r) throw new EvalError(`there is no ${id} in this module (Terraform: Reference to undeclared resource)`, at);
    const ex = this.#expansion(r);
    if (ex.kind === "single") return this.#instance(r, undefined, undefined).lazy;
    if (ex.kind === "count") return ex.keys.map((k) => this.#instance(r, k, undefined).lazy);
    return Object.fromEntries(ex.entries.map(([k, v]) => [k, this.#instance(r, k, v).lazy]));
  }

  #instance(r: ResourceDecl, key: string | number | undefined, each: unknown): InstanceState {
    const k = String(key ?? "");
    const known = r.instances.get(k);
    if (known) return known;
    const base = `${this.#prefix()}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}`;
    const address = key === undefined ? base : `${base}[${typeof key === "number" ? key : JSON.stringify(key)}]`;
    const modelKey = [...this.#path.map(keySegment), r.name, ...(key === undefined ? [] : [String(key).replace(/[^A-Za-z0-9_-]/g, "-")])].join("-");
    const scope = withVariables(this.scope, {
      ...(typeof key === "number" ? { count: { index: key } } : {}),
      ...(typeof key === "string" ? { each: { key, value: each } } : {}),
    });
    const state: InstanceState = { key, each, address, modelKey, attrs: new Map(), lazy: undefined as unknown as Lazy };
    const attrOf = (name: string) => r.block.body.attributes.find((a) => a.name === name);
    const arg = (name: string): unknown => {
      if (state.attrs.has(name)) return state.attrs.get(name);
      const a = attrOf(name);
      const v = a ? force(this.#memoizedAt(`${address}.${name}`, a.at, () => this.#evalAt(a.expr, scope, `${address}.${name}`))) : undefined;
      state.attrs.set(name, v);
      return v;
    };
    const facts: InstanceFacts = { type: r.type, key: modelKey, address, arg };
    const values = () => (state.values ??= this.#evalResourceBody(r, scope, address));
    if (r.mode === "data") {
      state.lazy = new Lazy(
        address,
        () => Object.keys(this.#dataValue(r, values, address) ?? {}),
        (attr, at) => {
          const v = this.#dataValue(r, values, address);
          if (v === undefined) return `${address}.${attr} (not resolvable locally)`;
          if (!Object.hasOwn(v, attr)) throw new EvalError(`${address} has no attribute "${attr}" edgeparity can answer`, at);
          return v[attr];
        },
      );
    } else
      state.lazy = new Lazy(
        address,
        () => [...new Set([...Object.keys(values().values), "id", "arn"])],
        (attr) => {
          const assigned = assignedAttribute(facts, attr);
          if (assigned !== undefined) return assigned;
          const a = attrOf(attr);
          if (a) return arg(attr);
          const v = values().values[attr];
          return v === undefined ? null : v;
        },
      );
    r.instances.set(k, state);
    return state;
  }

  #memoizedAt(key: string, at: Pos, compute: () => unknown): unknown {
    return this.#memoized(key, at, compute);
  }

  /** The data source's answer, or undefined (warned once) when it is not resolvable locally. */
  #dataValue(r: ResourceDecl, values: () => { values: Record<string, unknown> }, address: string): Record<string, unknown> | undefined {
    const key = `data-answer:${address}`;
    if (this.#memo.has(key)) return this.#memo.get(key) as Record<string, unknown> | undefined;
    const answer = answerDataSource(r.type, values().values);
    let v: Record<string, unknown> | undefined;
    if ("unresolvable" in answer) this.#warn(r.block.at, address, `${answer.unresolvable}; a stand-in value is used wherever it is referenced`);
    else v = answer.value;
    this.#memo.set(key, v);
    return v;
  }

  #evalResourceBody(r: ResourceDecl, scope: Scope, address: string): { values: Record<string, unknown>; positions: Map<string, Pos> } {
    const positions = new Map<string, Pos>();
    const values = this.#evalBody(r.block.body, scope, address, [], positions, true);
    return { values, positions };
  }

  #evalBody(body: Body, scope: Scope, address: string, path: (string | number)[], positions: Map<string, Pos>, top: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const where = (p: (string | number)[]) => [address, ...p].join(".");
    for (const a of body.attributes) {
      if (top && META_ATTRIBUTES.has(a.name)) continue;
      positions.set([...path, a.name].join("."), a.at);
      out[a.name] = force(this.#evalAt(a.expr, scope, where([...path, a.name])));
    }
    for (const b of body.blocks) {
      if (META_BLOCKS.has(b.type)) continue;
      if (b.type === "dynamic") {
        const label = b.labels[0];
        if (!label) throw errorAt(b.at, where(path), "a dynamic block needs a label (the block type it generates)");
        const attrs = new Map(b.body.attributes.map((a) => [a.name, a]));
        const fe = attrs.get("for_each");
        const content = b.body.blocks.find((x) => x.type === "content");
        if (!fe || !content) throw errorAt(b.at, where([...path, label]), "a dynamic block needs for_each and a content block");
        const it = attrs.get("iterator")?.expr;
        const iterator = it?.kind === "variable" ? it.name : label;
        const coll = force(this.#evalAt(fe.expr, scope, where([...path, label, "for_each"])));
        const entries: [unknown, unknown][] = Array.isArray(coll)
          ? coll.map((v, i) => [i, v])
          : coll && typeof coll === "object"
            ? Object.keys(coll)
                .sort()
                .map((k) => [k, (coll as Record<string, unknown>)[k]])
            : [];
        const list = (out[label] ??= []) as unknown[];
        for (const [k, v] of entries) {
          const i = list.length;
          positions.set([...path, label, i].join("."), content.at);
          list.push(this.#evalBody(content.body, withVariables(scope, { [iterator]: { key: k, value: v } }), address, [...path, label, i], positions, false));
        }
        continue;
      }
      const list = (out[b.type] ??= []) as unknown[];
      const i = list.length;
      positions.set([...path, b.type, i].join("."), b.at);
      list.push(this.#evalBody(b.body, scope, address, [...path, b.type, i], positions, false));
    }
    return out;
  }

  /** Every resource instance of this module and its children, in declaration order. */
  expandAll(): void {
    for (const r of this.#resources.values()) {
      const ex = this.#expansion(r);
      const keys: [string | number | undefined, unknown][] =
        ex.kind === "single" ? [[undefined, undefined]] : ex.kind === "count" ? ex.keys.map((k) => [k, undefined]) : ex.entries;
      for (const [k, each] of keys) {
        const s = this.#instance(r, k, each);
        if (r.mode === "data") {
          if (r.type === "archive_file") this.#pushInstance(r, s);
          continue;
        }
        this.#pushInstance(r, s);
      }
    }
    for (const name of this.#modules.keys()) for (const [, run] of this.#childModules(name, this.#modules.get(name)!.block.at) ?? []) run.expandAll();
  }

  #pushInstance(r: ResourceDecl, s: InstanceState): void {
    const { values, positions } = (s.values ??= this.#evalResourceBody(r, withVariables(this.scope, eachVars(s)), s.address));
    const facts: InstanceFacts = {
      type: r.type,
      key: s.modelKey,
      address: s.address,
      arg: (n) => values[n],
    };
    this.#ctx.instances.push({
      address: s.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      key: s.modelKey,
      values,
      dir: this.#files.dir,
      file: r.block.at.file,
      at: r.block.at,
      facts,
      locate(path) {
        for (let n = path.length; n > 0; n--) {
          const p = positions.get(path.slice(0, n).join("."));
          if (p) return p;
        }
        return r.block.at;
      },
    });
  }
}

function eachVars(s: InstanceState): Record<string, unknown> {
  return {
    ...(typeof s.key === "number" ? { count: { index: s.key } } : {}),
    ...(typeof s.key === "string" ? { each: { key: s.key, value: s.each } } : {}),
  };
}

/** `path.module` as Terraform gives it: relative to the root module's folder (`.` for the root itself). */
function relativePath(root: string, dir: string): string {
  const r = relative(root, dir);
  return r === "" ? "." : r.split("\\").join("/");
}

/** A module address segment in a model key: `site["blog"]` → `site-blog`, `site[0]` → `site-0`. */
export function keySegment(segment: string): string {
  return segment.replace(/\["?([^"\]]*)"?\]/, "-$1").replace(/[^A-Za-z0-9_-]/g, "-");
}
