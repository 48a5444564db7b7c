import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { EdgeparityError } from "../../core/errors.js";
import type { ImportWarning } from "../importer.js";
import { assignedAttribute, type InstanceFacts } from "./assigned-attributes.js";
import type { ResourceInstance } from "./resource-instance.js";
import { keySegment } from "./module-run.js";
import { IGNORED_TYPES } from "./terraform-stack.js";

/**
 * `terraform show -json` output (Terraform docs, "JSON Output Format"): a saved plan
 * (`planned_values`, `resource_changes`, `configuration`) or a state (`values`). A plan leaves the
 * attributes AWS computes unknown (`after_unknown`); where the configuration sets such an argument
 * to a plain reference (`domain_name = aws_lb.api.dns_name`), its `references` name the attribute,
 * answered with the value edgeparity assigns. A state holds AWS's real ids and DNS names; they are
 * replaced by edgeparity's wherever they appear, so references bind to the local stand-ins.
 */

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface PlanResource {
  address: string;
  mode: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  values?: Json;
}

export async function readTerraformJson(file: string): Promise<{ instances: ResourceInstance[]; warnings: ImportWarning[] }> {
  let doc: Json;
  try {
    doc = JSON.parse(await readFile(file, "utf8")) as Json;
  } catch (cause) {
    throw new EdgeparityError("STACK_INVALID", `${file}: not valid terraform show -json output: ${(cause as Error).message}`, { cause });
  }
  const warnings: ImportWarning[] = [];
  const planned = isRecord(doc.planned_values) ? doc.planned_values : undefined;
  const state = isRecord(doc.values) ? doc.values : undefined;
  const root = (planned ?? state)?.root_module;
  if (!isRecord(root))
    throw new EdgeparityError("STACK_INVALID", `${file}: neither planned_values (a plan) nor values (a state): not terraform show -json output`);
  const resources: PlanResource[] = [];
  collect(root, resources);
  // Data sources read during planning (archive_file) sit in the prior state.
  const prior = isRecord(doc.prior_state) && isRecord(doc.prior_state.values) ? doc.prior_state.values.root_module : undefined;
  if (isRecord(prior)) {
    const priorList: PlanResource[] = [];
    collect(prior, priorList);
    for (const r of priorList) if (r.mode === "data" && !resources.some((x) => x.address === r.address)) resources.push(r);
  }
  const unknown = new Map<string, unknown>();
  for (const rc of Array.isArray(doc.resource_changes) ? doc.resource_changes : [])
    if (isRecord(rc) && isRecord(rc.change) && typeof rc.address === "string") unknown.set(rc.address, rc.change.after_unknown);

  const instances: ResourceInstance[] = resources.map((r) => {
    const modules = [...r.address.matchAll(/module\.([^.[\]]+(?:\[[^\]]*\])?)\./g)].map((m) => keySegment(m[1]!));
    const key = [...modules, r.name, ...(r.index === undefined ? [] : [String(r.index).replace(/[^A-Za-z0-9_-]/g, "-")])].join("-");
    const values = { ...r.values };
    const facts: InstanceFacts = { type: r.type, key, address: r.address, arg: (n) => (values[n] === null ? undefined : values[n]) };
    return {
      address: r.address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      key,
      values,
      dir: dirname(file),
      file,
      at: undefined,
      facts,
      locate: () => undefined,
    };
  });
  const byAddress = new Map(instances.map((i) => [i.address, i]));
  if (planned) {
    const config = isRecord(doc.configuration) && isRecord(doc.configuration.root_module) ? doc.configuration.root_module : {};
    for (const inst of instances) {
      const u = unknown.get(inst.address);
      if (!isRecord(u) || IGNORED_TYPES.has(inst.type)) continue;
      const conf = configFor(config, inst.address);
      fillUnknown(
        inst.values,
        u,
        conf,
        (ref) => resolveReference(ref, inst.address, byAddress, config),
        (path) =>
          warnings.push({
            file,
            path: `${inst.address}.${path}`,
            message:
              "the plan leaves this value unknown (computed by AWS at apply) and it is not a plain reference edgeparity can answer; import the folder instead for the full value",
          }),
      );
    }
  } else replaceRealIds(instances);
  return { instances, warnings };
}

function collect(mod: Json, out: PlanResource[]): void {
  for (const r of Array.isArray(mod.resources) ? mod.resources : []) if (isRecord(r)) out.push(r as unknown as PlanResource);
  for (const c of Array.isArray(mod.child_modules) ? mod.child_modules : []) if (isRecord(c)) collect(c, out);
}

/** The configuration block of an instance: `module.a.aws_lb.x[0]` → configuration.root_module.module_calls.a.module.resources[address=aws_lb.x]. */
function configFor(root: Json, address: string): Json | undefined {
  const parts = address.replace(/\[[^\]]*\]/g, "").split(".");
  let mod: Json | undefined = root;
  while (parts[0] === "module" && mod) {
    const calls: Json | undefined = isRecord(mod.module_calls) ? mod.module_calls : undefined;
    const call: unknown = calls?.[parts[1]!];
    mod = isRecord(call) && isRecord(call.module) ? call.module : undefined;
    parts.splice(0, 2);
  }
  const local = parts.join(".");
  const r = (Array.isArray(mod?.resources) ? mod.resources : []).find((x) => isRecord(x) && x.address === local);
  return isRecord(r) && isRecord(r.expressions) ? r.expressions : undefined;
}

/**
 * Fills `values[k]` where `unknown[k]` is true from the expression's first reference; recurses
 * into nested blocks, matching a planned block to its configuration block by their known scalars
 * (sets are reordered in a plan).
 */
function fillUnknown(values: Json, unknown: Json, conf: Json | undefined, resolve: (ref: string) => unknown, missing: (path: string) => void, path = ""): void {
  for (const [k, u] of Object.entries(unknown)) {
    const here = path ? `${path}.${k}` : k;
    const expr = conf?.[k];
    if (u === true) {
      const refs = isRecord(expr) && Array.isArray(expr.references) ? (expr.references as string[]) : [];
      // A plain reference lists the attribute and its prefixes (`[aws_lb.x.dns_name, aws_lb.x]`); an
      // expression naming more (a jsonencode() of several ARNs) cannot be rebuilt from the plan.
      const plain = refs.length > 0 && refs.slice(1).every((r) => refs[0]!.startsWith(`${r}.`) || refs[0]!.startsWith(`${r}[`));
      let v = plain ? resolve(refs[0]!) : undefined;
      // An origin's domain_name read from an invoke URL or API endpoint is its host: a plan lists the
      // reference of `replace(x.invoke_url, "/^https?://([^/]*).*/", "$1")` like a plain one.
      if (k === "domain_name" && typeof v === "string" && /^https?:\/\//.test(v)) v = new URL(v).host;
      if (v !== undefined) values[k] = v;
      else if (conf && k in conf) missing(here);
      continue;
    }
    if (Array.isArray(u) && Array.isArray(values[k])) {
      const list = values[k] as unknown[];
      const confs = Array.isArray(expr) ? (expr as unknown[]).filter(isRecord) : [];
      u.forEach((ui, i) => {
        const vi = list[i];
        if (!isRecord(ui) || !isRecord(vi)) return;
        const match =
          confs.find((c) =>
            Object.entries(c).every(([ck, ce]) => !isRecord(ce) || !("constant_value" in ce) || JSON.stringify(ce.constant_value) === JSON.stringify(vi[ck])),
          ) ?? confs[i];
        fillUnknown(vi, ui, match, resolve, missing, `${here}[${i}]`);
      });
    }
  }
}

/** `aws_lb.api.dns_name`, `aws_lb.api[0].arn`, `aws_lb.api["a"].arn` (module-relative) → its value. */
function resolveReference(ref: string, from: string, byAddress: Map<string, ResourceInstance>, config: Json): unknown {
  const prefix = from.slice(0, from.length - from.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, "").length);
  const out = /^module\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(ref);
  if (out) {
    // A module output: follow its own expression, when that is a plain reference inside the module.
    const call = moduleCall(config, prefix, out[1]!);
    const o = isRecord(call?.outputs) ? call.outputs[out[2]!] : undefined;
    const refs = isRecord(o) && isRecord(o.expression) && Array.isArray(o.expression.references) ? (o.expression.references as string[]) : [];
    return refs.length ? resolveReference(refs[0]!, `${prefix}module.${out[1]}.x`, byAddress, config) : undefined;
  }
  const m = /^((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)(\[[^\]]+\])?\.([a-z0-9_]+)$/.exec(ref);
  if (!m) return undefined;
  const target = byAddress.get(`${prefix}${m[1]}${m[2] ?? ""}`);
  if (!target) return undefined;
  const assigned = assignedAttribute(target.facts, m[3]!);
  if (assigned !== undefined) return assigned;
  const v = target.values[m[3]!];
  return v === null ? undefined : v;
}

/** A state's real ids, ARNs and DNS names → the ones edgeparity assigns, everywhere they appear. */
function replaceRealIds(instances: ResourceInstance[]): void {
  const swap = new Map<string, string>();
  for (const inst of instances)
    for (const attr of [
      "id",
      "arn",
      "dns_name",
      "bucket_regional_domain_name",
      "bucket_domain_name",
      "domain_name",
      "invoke_arn",
      "root_resource_id",
      "api_endpoint",
    ]) {
      const real = inst.values[attr];
      const mine = assignedAttribute(inst.facts, attr);
      if (typeof real === "string" && real.length > 3 && typeof mine === "string" && real !== mine) swap.set(real, mine);
    }
  if (swap.size === 0) return;
  const keys = [...swap.keys()].sort((a, b) => b.length - a.length);
  const fix = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (swap.has(v)) return swap.get(v);
      let s = v;
      for (const k of keys) if (s.includes(k)) s = s.split(k).join(swap.get(k)!);
      return s;
    }
    if (Array.isArray(v)) return v.map(fix);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  for (const inst of instances) for (const [k, v] of Object.entries(inst.values)) if (k !== "id" && k !== "arn") inst.values[k] = fix(v);
}

/** The module of a module call under the module at `prefix` (`module.a.`), in the plan's configuration. */
function moduleCall(root: Json, prefix: string, name: string): Json | undefined {
  let mod: Json | undefined = root;
  for (const m of prefix.matchAll(/module\.([^.[\]]+)/g)) {
    const calls: unknown = mod?.module_calls;
    const c: unknown = isRecord(calls) ? calls[m[1]!] : undefined;
    mod = isRecord(c) && isRecord(c.module) ? c.module : undefined;
  }
  const calls: unknown = mod?.module_calls;
  const c: unknown = isRecord(calls) ? calls[name] : undefined;
  return isRecord(c) && isRecord(c.module) ? c.module : undefined;
}
