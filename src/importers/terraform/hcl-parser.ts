import { EdgeparityError } from "../../core/errors.js";
import type { Attribute, Block, Body, Expr, Pos, Step, TemplatePart } from "./hcl-ast.js";

/**
 * A small HCL2 native-syntax parser (HashiCorp, "HCL Native Syntax Specification"), recursive
 * descent over the text with line and column kept on every node. It reads what Terraform
 * configurations use: bodies of attributes and labelled blocks, comments (`#`, `//`, `/* *\/`),
 * literals, quoted templates with `${…}` and `%{if}/%{for}` directives, heredocs (`<<EOF`,
 * `<<-EOF`), tuples, objects, for-expressions, conditionals, operators, splats, index and
 * attribute access, and function calls. A syntax error names file:line:column.
 */

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};
const OPERATORS = ["||", "&&", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%"];

export function parseHcl(text: string, file: string): Body {
  return new Parser(text, file).parseFile();
}

/**
 * One expression (for tests, variable values and template files). With `json`, the text is a
 * `.tf.json` document: each string is decoded as JSON first, then read as a template.
 */
export function parseHclExpression(text: string, file: string, json = false): Expr {
  const p = new Parser(text, file, json);
  const e = p.parseWholeExpression();
  return e;
}

class Parser {
  #i = 0;
  /** Offsets of line starts, for positions. */
  readonly #lines: number[] = [0];
  readonly #s: string;
  readonly #file: string;
  readonly #json: boolean;

  constructor(text: string, file: string, json = false) {
    this.#json = json;
    // A BOM is not part of the first token.
    this.#s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.#file = file;
    for (let i = 0; i < this.#s.length; i++) if (this.#s[i] === "\n") this.#lines.push(i + 1);
  }

  // --- positions and errors ---------------------------------------------------------------------

  #pos(offset = this.#i): Pos {
    let lo = 0;
    let hi = this.#lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lines[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.#file, line: lo + 1, column: offset - this.#lines[lo]! + 1 };
  }

  #fail(message: string, offset = this.#i): never {
    const p = this.#pos(offset);
    throw new EdgeparityError("STACK_INVALID", `${p.file}:${p.line}:${p.column}: not valid HCL: ${message}`);
  }

  #describeHere(): string {
    if (this.#i >= this.#s.length) return "the end of the file";
    const c = this.#s[this.#i]!;
    return c === "\n" ? "a newline" : `'${c}'`;
  }

  // --- whitespace and comments ------------------------------------------------------------------

  /** Skips spaces and comments; newlines too when `newlines` (inside brackets they do not end anything). */
  #skip(newlines: boolean): void {
    const s = this.#s;
    while (this.#i < s.length) {
      const c = s[this.#i]!;
      if (c === " " || c === "\t" || c === "\r") this.#i++;
      else if (c === "\n") {
        if (!newlines) return;
        this.#i++;
      } else if (c === "#" || (c === "/" && s[this.#i + 1] === "/")) {
        while (this.#i < s.length && s[this.#i] !== "\n") this.#i++;
      } else if (c === "/" && s[this.#i + 1] === "*") {
        const end = s.indexOf("*/", this.#i + 2);
        if (end < 0) this.#fail("a /* comment is not closed");
        this.#i = end + 2;
      } else return;
    }
  }

  #peek(str: string): boolean {
    return this.#s.startsWith(str, this.#i);
  }

  #expect(str: string, what = `'${str}'`): void {
    if (!this.#peek(str)) this.#fail(`expected ${what}, found ${this.#describeHere()}`);
    this.#i += str.length;
  }

  #identifier(): string | undefined {
    const m = /^[\p{L}_][\p{L}\p{N}_-]*/u.exec(this.#s.slice(this.#i, this.#i + 256));
    if (!m) return undefined;
    this.#i += m[0].length;
    return m[0];
  }

  // --- bodies -----------------------------------------------------------------------------------

  parseFile(): Body {
    const body = this.#body(false);
    this.#skip(true);
    if (this.#i < this.#s.length) this.#fail(`expected an attribute or a block, found ${this.#describeHere()}`);
    return body;
  }

  parseWholeExpression(): Expr {
    this.#skip(true);
    const e = this.#expression(true);
    this.#skip(true);
    if (this.#i < this.#s.length) this.#fail(`unexpected ${this.#describeHere()} after the expression`);
    return e;
  }

  #body(nested: boolean): Body {
    const body: Body = { attributes: [], blocks: [], at: this.#pos() };
    for (;;) {
      this.#skip(true);
      if (this.#i >= this.#s.length) {
        if (nested) this.#fail("a block is not closed with '}'");
        return body;
      }
      if (this.#peek("}")) {
        if (!nested) this.#fail("unexpected '}'");
        return body;
      }
      const start = this.#i;
      const name = this.#identifier();
      if (name === undefined) this.#fail(`expected an attribute or a block, found ${this.#describeHere()}`);
      this.#skip(false);
      if (this.#peek("=") && !this.#peek("==")) {
        this.#i++;
        this.#skip(false);
        const expr = this.#expression(false);
        const attr: Attribute = { name, expr, at: this.#pos(start) };
        if (body.attributes.some((a) => a.name === name)) this.#fail(`attribute '${name}' is defined twice in this body`, start);
        body.attributes.push(attr);
        this.#endOfLine();
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        this.#skip(false);
        if (this.#peek('"')) {
          const t = this.#quoted();
          if (t.kind !== "literal" || typeof t.value !== "string") this.#fail("a block label cannot hold an interpolation");
          labels.push(t.value);
        } else {
          const l = this.#identifier();
          if (l === undefined) break;
          labels.push(l);
        }
      }
      this.#skip(false);
      if (!this.#peek("{")) this.#fail(`expected '=' or '{' after '${name}', found ${this.#describeHere()}`);
      this.#i++;
      const inner = this.#body(true);
      this.#expect("}");
      const block: Block = { type: name, labels, body: inner, at: this.#pos(start) };
      body.blocks.push(block);
      this.#endOfLine();
    }
  }

  /** After an attribute or a block: a newline, a comment, `}` or the end of the file. */
  #endOfLine(): void {
    this.#skip(false);
    if (this.#i >= this.#s.length || this.#peek("\n") || this.#peek("}")) return;
    this.#fail(`expected a newline after the attribute or block, found ${this.#describeHere()}`);
  }

  // --- expressions ------------------------------------------------------------------------------

  /** `nl`: newlines may be skipped between tokens (inside brackets). */
  #expression(nl: boolean): Expr {
    const at = this.#pos();
    const cond = this.#binary(0, nl);
    const save = this.#i;
    this.#skip(nl);
    if (this.#peek("?")) {
      this.#i++;
      this.#skip(true);
      const whenTrue = this.#expression(true);
      this.#skip(true);
      this.#expect(":", "':' of a conditional");
      this.#skip(true);
      const otherwise = this.#expression(nl);
      return { kind: "conditional", cond, whenTrue, whenFalse: otherwise, at };
    }
    this.#i = save;
    return cond;
  }

  #binary(minPrec: number, nl: boolean): Expr {
    let left = this.#unary(nl);
    for (;;) {
      const save = this.#i;
      this.#skip(nl);
      const op = OPERATORS.find((o) => this.#peek(o) && !(o === "/" && (this.#peek("//") || this.#peek("/*"))));
      const prec = op === undefined ? 0 : BINARY_PRECEDENCE[op]!;
      if (op === undefined || prec <= minPrec || (op === "<" && this.#peek("<<"))) {
        this.#i = save;
        return left;
      }
      const at = this.#pos();
      this.#i += op.length;
      this.#skip(true);
      const right = this.#binary(prec, nl);
      left = { kind: "binary", op, left, right, at };
    }
  }

  #unary(nl: boolean): Expr {
    const at = this.#pos();
    if (this.#peek("!") && !this.#peek("!=")) {
      this.#i++;
      this.#skip(nl);
      return { kind: "unary", op: "!", operand: this.#unary(nl), at };
    }
    if (this.#peek("-")) {
      this.#i++;
      this.#skip(nl);
      return { kind: "unary", op: "-", operand: this.#unary(nl), at };
    }
    return this.#postfix(this.#primary(), nl);
  }

  #postfix(target: Expr, nl: boolean): Expr {
    let e = target;
    for (;;) {
      const save = this.#i;
      this.#skip(nl);
      const at = this.#pos();
      if (this.#peek("[*]") || this.#peek(".*")) {
        const full = this.#peek("[*]");
        this.#i += full ? 3 : 2;
        const steps: Step[] = [];
        for (;;) {
          const s2 = this.#i;
          const step = this.#step(nl, full);
          if (!step) {
            this.#i = s2;
            break;
          }
          steps.push(step);
        }
        e = { kind: "splat", target: e, steps, at };
        continue;
      }
      const step = this.#step(nl, true);
      if (!step) {
        this.#i = save;
        return e;
      }
      e = { kind: "traverse", target: e, step, at };
    }
  }

  /** `.name`, `.0` or (when `index`) `[expr]`; undefined (position unchanged) when none follows. */
  #step(nl: boolean, index: boolean): Step | undefined {
    const save = this.#i;
    const at = this.#pos();
    if (this.#peek(".") && !this.#peek("...") && !this.#peek(".*")) {
      this.#i++;
      const num = /^\d+/.exec(this.#s.slice(this.#i, this.#i + 32));
      if (num) {
        this.#i += num[0].length;
        return { kind: "index", key: { kind: "literal", value: Number(num[0]), at }, at };
      }
      const name = this.#identifier();
      if (name === undefined) {
        this.#i = save;
        return undefined;
      }
      return { kind: "attr", name, at };
    }
    if (index && this.#peek("[") && !this.#peek("[*]")) {
      this.#i++;
      this.#skip(true);
      const key = this.#expression(true);
      this.#skip(true);
      this.#expect("]");
      return { kind: "index", key, at };
    }
    void nl;
    return undefined;
  }

  #primary(): Expr {
    const at = this.#pos();
    const s = this.#s;
    const c = s[this.#i];
    if (c === undefined) this.#fail("expected an expression, found the end of the file");
    if (c === '"') return this.#quoted();
    if (this.#peek("<<")) return this.#heredoc();
    if (c === "(") {
      this.#i++;
      this.#skip(true);
      const inner = this.#expression(true);
      this.#skip(true);
      this.#expect(")");
      return { kind: "paren", expr: inner, at };
    }
    if (c === "[") return this.#tuple();
    if (c === "{") return this.#object();
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(this.#i, this.#i + 64));
    if (num) {
      this.#i += num[0].length;
      return { kind: "literal", value: Number(num[0]), at };
    }
    const name = this.#identifier();
    if (name === undefined) this.#fail(`expected an expression, found ${this.#describeHere()}`);
    if (name === "true" || name === "false") return { kind: "literal", value: name === "true", at };
    if (name === "null") return { kind: "literal", value: null, at };
    // Provider-defined functions: `provider::aws::arn_parse(…)`.
    let fn = name;
    while (this.#peek("::")) {
      this.#i += 2;
      const part = this.#identifier();
      if (part === undefined) this.#fail("expected a function name after '::'");
      fn += `::${part}`;
    }
    const afterName = this.#i;
    this.#skip(false);
    if (this.#peek("(")) {
      this.#i++;
      const args: Expr[] = [];
      let expandLast = false;
      for (;;) {
        this.#skip(true);
        if (this.#peek(")")) break;
        args.push(this.#expression(true));
        this.#skip(true);
        if (this.#peek("...")) {
          this.#i += 3;
          expandLast = true;
          this.#skip(true);
        }
        if (this.#peek(",")) {
          this.#i++;
          continue;
        }
        if (!this.#peek(")")) this.#fail(`expected ',' or ')' in the call of ${fn}, found ${this.#describeHere()}`);
      }
      this.#i++;
      return { kind: "call", name: fn, args, expandLast, at };
    }
    this.#i = afterName;
    if (fn !== name) this.#fail(`expected '(' after ${fn}`);
    return { kind: "variable", name, at };
  }

  #tuple(): Expr {
    const at = this.#pos();
    this.#i++;
    this.#skip(true);
    if (this.#isFor()) {
      const f = this.#forExpr(at, false);
      this.#expect("]");
      return f;
    }
    const items: Expr[] = [];
    for (;;) {
      this.#skip(true);
      if (this.#peek("]")) break;
      items.push(this.#expression(true));
      this.#skip(true);
      if (this.#peek(",")) {
        this.#i++;
        continue;
      }
      if (!this.#peek("]")) this.#fail(`expected ',' or ']' in a list, found ${this.#describeHere()}`);
    }
    this.#i++;
    return { kind: "tuple", items, at };
  }

  #object(): Expr {
    const at = this.#pos();
    this.#i++;
    this.#skip(true);
    if (this.#isFor()) {
      const f = this.#forExpr(at, true);
      this.#expect("}");
      return f;
    }
    const items: { key: Expr; value: Expr; at: Pos }[] = [];
    for (;;) {
      this.#skip(true);
      if (this.#peek("}")) break;
      const itemAt = this.#pos();
      // A bare identifier key is its name, not a variable (HCL spec: object constructor keys).
      const save = this.#i;
      let key: Expr;
      const ident = this.#identifier();
      this.#skip(false);
      if (ident !== undefined && (this.#peek("=") || this.#peek(":")) && !this.#peek("==")) key = { kind: "literal", value: ident, at: itemAt };
      else {
        this.#i = save;
        key = this.#expression(true);
        this.#skip(false);
      }
      if (this.#peek("=") && !this.#peek("==")) this.#i++;
      else if (this.#peek(":")) this.#i++;
      else this.#fail(`expected '=' or ':' after an object key, found ${this.#describeHere()}`);
      this.#skip(true);
      const value = this.#expression(true);
      items.push({ key, value, at: itemAt });
      this.#skip(false);
      if (this.#peek(",")) this.#i++;
      else if (!this.#peek("\n") && !this.#peek("}")) this.#fail(`expected ',', a newline or '}' in an object, found ${this.#describeHere()}`);
    }
    this.#i++;
    return { kind: "object", items, at };
  }

  #isFor(): boolean {
    return /^for[ \t\r\n]/.test(this.#s.slice(this.#i, this.#i + 4));
  }

  #forExpr(at: Pos, isObject: boolean): Expr {
    this.#i += 3;
    this.#skip(true);
    const first = this.#identifier();
    if (first === undefined) this.#fail("expected a variable name after 'for'");
    this.#skip(true);
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.#peek(",")) {
      this.#i++;
      this.#skip(true);
      const second = this.#identifier();
      if (second === undefined) this.#fail("expected a second variable name after ','");
      keyVar = first;
      valueVar = second;
      this.#skip(true);
    }
    this.#expectKeyword("in");
    this.#skip(true);
    const coll = this.#expression(true);
    this.#skip(true);
    this.#expect(":", "':' in a for expression");
    this.#skip(true);
    let keyExpr: Expr | undefined;
    let valueExpr = this.#expression(true);
    this.#skip(true);
    if (isObject) {
      this.#expect("=>", "'=>' in an object for expression");
      this.#skip(true);
      keyExpr = valueExpr;
      valueExpr = this.#expression(true);
      this.#skip(true);
    }
    let group = false;
    if (this.#peek("...")) {
      this.#i += 3;
      group = true;
      this.#skip(true);
    }
    let cond: Expr | undefined;
    if (/^if[ \t\r\n(]/.test(this.#s.slice(this.#i, this.#i + 3))) {
      this.#i += 2;
      this.#skip(true);
      cond = this.#expression(true);
      this.#skip(true);
    }
    return { kind: "for", keyVar, valueVar, coll, keyExpr, valueExpr, cond, group, at };
  }

  #expectKeyword(word: string): void {
    const save = this.#i;
    if (this.#identifier() !== word) {
      this.#i = save;
      this.#fail(`expected '${word}', found ${this.#describeHere()}`);
    }
  }

  // --- templates --------------------------------------------------------------------------------

  #quoted(): Expr {
    const at = this.#pos();
    if (this.#json) return this.#jsonString(at);
    this.#i++;
    const parts = this.#templateParts('"', false);
    this.#i++;
    return templateNode(parts, at);
  }

  /** A JSON string: its escapes decoded, then its text read as a template (Terraform: JSON syntax, "String Values"). */
  #jsonString(at: Pos): Expr {
    const start = this.#i;
    let i = start + 1;
    while (i < this.#s.length && this.#s[i] !== '"') i += this.#s[i] === "\\" ? 2 : 1;
    if (i >= this.#s.length) this.#fail("a JSON string is not closed");
    let decoded: string;
    try {
      decoded = JSON.parse(this.#s.slice(start, i + 1)) as string;
    } catch (e) {
      this.#fail(`not a valid JSON string: ${(e as Error).message}`);
    }
    this.#i = i + 1;
    const sub = new Parser(decoded, this.#file);
    return templateNode(sub.#templateParts(undefined, true), at);
  }

  #heredoc(): Expr {
    const at = this.#pos();
    const m = /^<<(-?)([\p{L}_][\p{L}\p{N}_-]*)[ \t]*\r?\n/u.exec(this.#s.slice(this.#i, this.#i + 300));
    if (!m) this.#fail("a heredoc starts with <<NAME or <<-NAME and a newline");
    this.#i += m[0].length;
    const indent = m[1] === "-";
    const marker = m[2]!;
    // The heredoc ends at a line holding only the marker (after optional spaces).
    const endRe = new RegExp(`^[ \\t]*${marker}[ \\t]*\\r?$`, "m");
    const rest = this.#s.slice(this.#i);
    const end = endRe.exec(rest);
    if (!end) this.#fail(`heredoc ${marker} is not closed`);
    let content = rest.slice(0, end.index);
    if (indent) {
      // `<<-`: the smallest indentation of the non-blank lines is removed from every line.
      const lines = content.split("\n");
      const widths = lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length);
      const cut = widths.length ? Math.min(...widths) : 0;
      content = lines.map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length))).join("\n");
    }
    const sub = new Parser(content, this.#file);
    // Positions inside the heredoc are approximated to the heredoc's line.
    const parts = sub.#templateParts(undefined, true);
    this.#i += end.index + end[0].length;
    return templateNode(parts, at);
  }

  /**
   * Template text up to `close` (a quote) or the end: `${expr}`, `%{if}`/`%{for}` directives,
   * `$${` and `%%{` escapes; backslash escapes only in quoted strings (not heredocs).
   */
  #templateParts(close: string | undefined, heredoc: boolean): TemplatePart[] {
    type Frame = { parts: TemplatePart[]; kind: "root" | "if" | "else" | "for"; node?: TemplatePart };
    const root: Frame = { parts: [], kind: "root" };
    const stack: Frame[] = [root];
    const top = () => stack[stack.length - 1]!;
    let text = "";
    const flush = () => {
      if (text) top().parts.push({ kind: "text", text });
      text = "";
    };
    const s = this.#s;
    for (;;) {
      if (this.#i >= s.length) {
        if (close !== undefined) this.#fail("a quoted string is not closed");
        break;
      }
      const c = s[this.#i]!;
      if (close !== undefined && c === close) break;
      if (close !== undefined && c === "\n") this.#fail("a quoted string cannot span lines (use a heredoc)");
      if (!heredoc && c === "\\") {
        const n = s[this.#i + 1];
        const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
        if (n !== undefined && n in simple) {
          text += simple[n];
          this.#i += 2;
          continue;
        }
        if (n === "u" || n === "U") {
          const len = n === "u" ? 4 : 8;
          const hex = s.slice(this.#i + 2, this.#i + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.#fail(`\\${n} needs ${len} hex digits`);
          text += String.fromCodePoint(parseInt(hex, 16));
          this.#i += 2 + len;
          continue;
        }
        this.#fail(`unknown escape \\${n ?? ""}`);
      }
      if (this.#peek("$${") || this.#peek("%%{")) {
        text += `${c}{`;
        this.#i += 3;
        continue;
      }
      if (this.#peek("${")) {
        this.#i += 2;
        const stripBefore = this.#peek("~");
        if (stripBefore) {
          this.#i++;
          text = text.replace(/\s+$/, "");
        }
        flush();
        this.#skip(true);
        const expr = this.#expression(true);
        this.#skip(true);
        const stripAfter = this.#closeInterp();
        top().parts.push({ kind: "interp", expr });
        if (stripAfter) this.#stripSpaceAhead();
        continue;
      }
      if (this.#peek("%{")) {
        this.#i += 2;
        if (this.#peek("~")) {
          this.#i++;
          text = text.replace(/\s+$/, "");
        }
        flush();
        this.#skip(true);
        const word = this.#identifier();
        this.#skip(true);
        if (word === "if") {
          const cond = this.#expression(true);
          const node: TemplatePart = { kind: "if", cond, whenTrue: [], whenFalse: [] };
          top().parts.push(node);
          stack.push({ parts: node.whenTrue, kind: "if", node });
        } else if (word === "else") {
          const f = top();
          if (f.kind !== "if" || f.node?.kind !== "if") this.#fail("%{else} without %{if}");
          stack.pop();
          stack.push({ parts: f.node.whenFalse, kind: "else", node: f.node });
        } else if (word === "endif") {
          if (top().kind !== "if" && top().kind !== "else") this.#fail("%{endif} without %{if}");
          stack.pop();
        } else if (word === "for") {
          const a = this.#identifier();
          if (a === undefined) this.#fail("expected a variable after %{for");
          this.#skip(true);
          let keyVar: string | undefined;
          let valueVar = a;
          if (this.#peek(",")) {
            this.#i++;
            this.#skip(true);
            keyVar = a;
            valueVar = this.#identifier() ?? this.#fail("expected a second variable in %{for");
            this.#skip(true);
          }
          this.#expectKeyword("in");
          this.#skip(true);
          const coll = this.#expression(true);
          const node: TemplatePart = { kind: "for", keyVar, valueVar, coll, body: [] };
          top().parts.push(node);
          stack.push({ parts: node.body, kind: "for", node });
        } else if (word === "endfor") {
          if (top().kind !== "for") this.#fail("%{endfor} without %{for}");
          stack.pop();
        } else this.#fail(`unknown template directive %{${word ?? ""}`);
        this.#skip(true);
        if (this.#closeInterp()) this.#stripSpaceAhead();
        continue;
      }
      text += c;
      this.#i++;
    }
    flush();
    if (stack.length > 1) this.#fail(`a template %{${top().kind}} is not closed`);
    return root.parts;
  }

  /** `}` or `~}`; true when it strips the whitespace after it. */
  #closeInterp(): boolean {
    if (this.#peek("~}")) {
      this.#i += 2;
      return true;
    }
    this.#expect("}", "'}' closing the interpolation");
    return false;
  }

  #stripSpaceAhead(): void {
    while (this.#i < this.#s.length && /\s/.test(this.#s[this.#i]!)) this.#i++;
  }
}

/** A template of one text part is a string literal; of one interpolation alone, that expression's value (HCL spec). */
function templateNode(parts: TemplatePart[], at: Pos): Expr {
  if (parts.length === 0) return { kind: "literal", value: "", at };
  if (parts.length === 1 && parts[0]!.kind === "text") return { kind: "literal", value: parts[0]!.text, at };
  return { kind: "template", parts, at };
}
