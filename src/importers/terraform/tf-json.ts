import { EdgeparityError } from "../../core/errors.js";
import type { Block, Body, Expr, Pos } from "./hcl-ast.js";
import { parseHclExpression } from "./hcl-parser.js";

/**
 * A `.tf.json` file (Terraform docs, "JSON Configuration Syntax") read as the same tree as a `.tf`
 * file: JSON is an HCL object expression, strings are templates (`"${var.x}"` interpolates), and the
 * top-level keys are block types whose nested object levels are the labels. Inside a body every
 * property is an attribute; an object or a list of objects where a nested block is expected reads
 * the same way later (the mappers accept both), so no provider schema is needed.
 */

/** Labels per top-level block type. */
const LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  variable: 1,
  output: 1,
  module: 1,
  provider: 1,
  locals: 0,
  terraform: 0,
  moved: 0,
  import: 0,
  check: 1,
};

export function parseTfJson(text: string, file: string): Body {
  const root = parseHclExpression(text, file, true);
  if (root.kind !== "object") throw new EdgeparityError("STACK_INVALID", `${file}: a .tf.json file holds one JSON object`);
  const body: Body = { attributes: [], blocks: [], at: root.at };
  for (const item of root.items) {
    const type = keyOf(item.key, file);
    if (type === "//") continue;
    const labels = LABELS[type];
    if (labels === undefined) throw new EdgeparityError("STACK_INVALID", `${where(item.at)}: '${type}' is not a Terraform top-level block type`);
    for (const v of asList(item.value)) collect(type, labels, [], v, item.at, body.blocks, file);
  }
  return body;
}

function collect(type: string, depth: number, labels: string[], v: Expr, at: Pos, out: Block[], file: string): void {
  if (depth === 0) {
    out.push({ type, labels, body: toBody(v, file), at });
    return;
  }
  if (v.kind !== "object") throw new EdgeparityError("STACK_INVALID", `${where(v.at)}: expected an object keyed by the ${type} block's label`);
  for (const item of v.items) for (const x of asList(item.value)) collect(type, depth - 1, [...labels, keyOf(item.key, file)], x, item.at, out, file);
}

function toBody(v: Expr, file: string): Body {
  if (v.kind !== "object") throw new EdgeparityError("STACK_INVALID", `${where(v.at)}: a block body is a JSON object`);
  const body: Body = { attributes: [], blocks: [], at: v.at };
  for (const item of v.items) {
    const name = keyOf(item.key, file);
    if (name === "//") continue;
    // Meta blocks Terraform reads as blocks in JSON too; dynamic blocks keep their label level.
    if (name === "lifecycle" || name === "provisioner" || name === "connection") continue;
    if (name === "dynamic" && item.value.kind === "object") {
      for (const d of item.value.items)
        for (const x of asList(d.value)) body.blocks.push({ type: "dynamic", labels: [keyOf(d.key, file)], body: toBody(x, file), at: d.at });
      continue;
    }
    body.attributes.push({ name, expr: item.value, at: item.at });
  }
  return body;
}

function asList(v: Expr): Expr[] {
  return v.kind === "tuple" ? v.items : [v];
}

function keyOf(k: Expr, file: string): string {
  if (k.kind === "literal" && typeof k.value === "string") return k.value;
  throw new EdgeparityError("STACK_INVALID", `${file}:${k.at.line}: a .tf.json key must be a plain string`);
}

function where(at: Pos): string {
  return `${at.file}:${at.line}`;
}
