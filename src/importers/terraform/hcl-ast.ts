/**
 * The syntax tree of an HCL2 file (HashiCorp, "HCL Native Syntax Specification"): a body of
 * attributes and blocks, and expressions. Every node keeps where it was written, so warnings and
 * errors name file:line.
 */

export interface Pos {
  file: string;
  line: number;
  column: number;
}

export interface Attribute {
  name: string;
  expr: Expr;
  at: Pos;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  at: Pos;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
  at: Pos;
}

/** One step of a traversal after its root: `.name`, `[expr]`. */
export type Step = { kind: "attr"; name: string; at: Pos } | { kind: "index"; key: Expr; at: Pos };

/** A template's part: literal text, an interpolation, or a `%{if}` / `%{for}` directive. */
export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "interp"; expr: Expr }
  | { kind: "if"; cond: Expr; whenTrue: TemplatePart[]; whenFalse: TemplatePart[] }
  | { kind: "for"; keyVar: string | undefined; valueVar: string; coll: Expr; body: TemplatePart[] };

export type Expr =
  | { kind: "literal"; value: null | boolean | number | string; at: Pos }
  | { kind: "template"; parts: TemplatePart[]; at: Pos }
  | { kind: "variable"; name: string; at: Pos }
  | { kind: "traverse"; target: Expr; step: Step; at: Pos }
  /** `target[*].rest` / `target.*.rest`: `steps` apply to each element. */
  | { kind: "splat"; target: Expr; steps: Step[]; at: Pos }
  | { kind: "call"; name: string; args: Expr[]; expandLast: boolean; at: Pos }
  | { kind: "tuple"; items: Expr[]; at: Pos }
  | { kind: "object"; items: { key: Expr; value: Expr; at: Pos }[]; at: Pos }
  | { kind: "conditional"; cond: Expr; whenTrue: Expr; whenFalse: Expr; at: Pos }
  | { kind: "unary"; op: "!" | "-"; operand: Expr; at: Pos }
  | { kind: "binary"; op: string; left: Expr; right: Expr; at: Pos }
  | {
      kind: "for";
      keyVar: string | undefined;
      valueVar: string;
      coll: Expr;
      keyExpr: Expr | undefined;
      valueExpr: Expr;
      cond: Expr | undefined;
      group: boolean;
      at: Pos;
    }
  | { kind: "paren"; expr: Expr; at: Pos };

/** `aws_lb.api.dns_name` → ["aws_lb", "api", "dns_name"] while the steps are plain names; undefined otherwise. */
export function traversalNames(e: Expr): string[] | undefined {
  if (e.kind === "variable") return [e.name];
  if (e.kind === "traverse" && e.step.kind === "attr") {
    const head = traversalNames(e.target);
    return head ? [...head, e.step.name] : undefined;
  }
  return undefined;
}
