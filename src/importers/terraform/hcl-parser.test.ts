import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluate, withVariables, type Scope } from "./evaluate.js";
import { parseHcl, parseHclExpression } from "./hcl-parser.js";

/** HCL native syntax (HashiCorp, "HCL Native Syntax Specification") and Terraform expressions ("Expressions", "Functions"). */
const host = {
  readFile: (p: string) => `content of ${p}`,
  fileExists: () => true,
  renderTemplate: (p: string) => `rendered ${p}`,
};
const scope: Scope = { root: (name) => ({ var: { name: "web", port: 8080, tags: { a: "1" }, list: [{ id: "x" }, { id: "y" }] } })[name], host };
const ev = (text: string, vars: Record<string, unknown> = {}) => evaluate(parseHclExpression(text, "t.tf"), withVariables(scope, vars));

describe("hcl: parser", () => {
  it("hcl: blocks with labels, attributes, nested blocks and comments keep file:line (HCL spec §structural elements)", () => {
    const body = parseHcl(
      [
        "# a comment",
        'resource "aws_lb" "api" {',
        '  name = "api" // trailing',
        "  /* block",
        "     comment */",
        "  internal = false",
        "  subnet_mapping {",
        '    subnet_id = "s-1"',
        "  }",
        "}",
        "locals { x = 1 }",
      ].join("\n"),
      "main.tf",
    );
    assert.equal(body.blocks.length, 2);
    const r = body.blocks[0]!;
    assert.deepEqual([r.type, r.labels, r.at.line], ["resource", ["aws_lb", "api"], 2]);
    assert.deepEqual(
      r.body.attributes.map((a) => [a.name, a.at.line, a.at.column]),
      [
        ["name", 3, 3],
        ["internal", 6, 3],
      ],
    );
    assert.equal(r.body.blocks[0]!.type, "subnet_mapping");
    assert.equal(r.body.blocks[0]!.at.line, 7);
    assert.equal(body.blocks[1]!.body.attributes[0]!.name, "x");
  });

  it("hcl: a syntax error names file:line:column", () => {
    assert.throws(
      () => parseHcl('resource "a" "b" {\n  x = \n}', "main.tf"),
      /^EdgeparityError(\[\w+\])?: main\.tf:2:7: not valid HCL: expected an expression/,
    );
    assert.throws(() => parseHcl('resource "a" "b" {\n  x = 1', "main.tf"), /main\.tf:2:8: not valid HCL: a block is not closed/);
    assert.throws(() => parseHcl("a = 1\na = 2", "main.tf"), /main\.tf:2:1: not valid HCL: attribute 'a' is defined twice/);
  });

  it("hcl: heredocs, <<- indentation and templates with interpolation and directives (HCL spec §templates)", () => {
    const body = parseHcl('x = <<-EOT\n    hello ${var.name}\n      indented\n    EOT\ny = <<EOF\n{"a": 1}\nEOF\n', "main.tf");
    assert.equal(evaluate(body.attributes[0]!.expr, scope), "hello web\n  indented\n");
    assert.equal(evaluate(body.attributes[1]!.expr, scope), '{"a": 1}\n');
    assert.equal(ev('"%{ if var.port > 80 }high%{ else }low%{ endif }"'), "high");
    assert.equal(ev('"%{ for i in [1, 2] }<${i}>%{ endfor }"'), "<1><2>");
    assert.equal(ev('"a\\tb \\"q\\" $${not} \\u00e9"'), 'a\tb "q" ${not} é');
    assert.equal(ev('"${var.port}"'), 8080, "a lone interpolation keeps its type");
    assert.equal(ev('"p-${var.port}"'), "p-8080");
    assert.equal(ev('"  ${~ var.name ~}  !"'), "web!");
  });
});

describe("hcl: expressions", () => {
  it("hcl: operators, precedence, conditionals and parentheses (Terraform Expressions: operators)", () => {
    assert.equal(ev("1 + 2 * 3"), 7);
    assert.equal(ev("(1 + 2) * 3"), 9);
    assert.equal(ev("-2 + 5 % 3"), 0);
    assert.equal(ev("var.port == 8080 && !false"), true);
    assert.equal(ev('var.port > 9000 ? "big" : "small"'), "small");
    assert.equal(ev("1 < 2 || x"), true, "|| does not evaluate its right side");
  });

  it("hcl: tuples, objects (= and :), index, attribute, splat and legacy .N index (Terraform Expressions: references)", () => {
    assert.deepEqual(ev('[1, "a", true, null]'), [1, "a", true, null]);
    assert.deepEqual(ev('{ a = 1, "b" : 2\n c = [3] }'), { a: 1, b: 2, c: [3] });
    assert.equal(ev('var.tags["a"]'), "1");
    assert.equal(ev("var.list[1].id"), "y");
    assert.equal(ev("var.list.0.id"), "x");
    assert.deepEqual(ev("var.list[*].id"), ["x", "y"]);
    assert.deepEqual(ev("var.list.*.id"), ["x", "y"]);
    assert.deepEqual(ev("var.name[*]"), ["web"]);
    assert.throws(() => ev("var.list[5]"), /index 5 is out of range/);
    assert.throws(() => ev("nope.x"), /'nope' is not defined here/);
  });

  it("hcl: for expressions over lists and maps, with if and grouping (Terraform Expressions: for)", () => {
    assert.deepEqual(ev("[for x in [1, 2, 3] : x * 2 if x != 2]"), [2, 6]);
    assert.deepEqual(ev("{for k, v in var.tags : upper(k) => v}"), { A: "1" });
    assert.deepEqual(ev('{for s in ["a1", "a2", "b1"] : substr(s, 0, 1) => s...}'), { a: ["a1", "a2"], b: ["b1"] });
    assert.deepEqual(ev('[for i, o in var.list : "${i}:${o.id}"]'), ["0:x", "1:y"]);
  });

  it("hcl: functions the edge uses (Terraform Functions)", () => {
    assert.equal(ev('jsonencode({ b = 1, a = ["x"] })'), '{"a":["x"],"b":1}');
    assert.deepEqual(ev('jsondecode("{\\"a\\": [1]}")'), { a: [1] });
    assert.equal(ev('lookup({ a = 1 }, "b", 2)'), 2);
    assert.deepEqual(ev("merge({ a = 1 }, { b = 2 }, { a = 3 })"), { a: 3, b: 2 });
    assert.deepEqual(ev("concat([1], [2, 3])"), [1, 2, 3]);
    assert.equal(ev('format("%s-%03d", "api", 7)'), "api-007");
    assert.equal(ev('join(",", ["a", "b"])'), "a,b");
    assert.deepEqual(ev('split(".", "a.b")'), ["a", "b"]);
    assert.equal(ev('replace("a-b-c", "-", "_")'), "a_b_c");
    assert.equal(ev('replace("v1.2", "/v(\\\\d)/", "$1")'), "1.2");
    assert.equal(ev('length("héllo")'), 5);
    assert.deepEqual(ev("keys({ b = 1, a = 2 })"), ["a", "b"]);
    assert.deepEqual(ev("values({ b = 1, a = 2 })"), [2, 1]);
    assert.deepEqual(ev('toset(["a", "a", "b"])'), ["a", "b"]);
    assert.equal(ev('try(var.nope, "fallback")'), "fallback");
    assert.equal(ev("can(var.nope)"), false);
    assert.equal(ev('coalesce("", null, "x")'), "x");
    assert.equal(ev("element([1, 2], 3)"), 2);
    assert.equal(ev('file("a.txt")'), "content of a.txt");
    assert.equal(ev('templatefile("t.tpl", {})'), "rendered t.tpl");
    assert.deepEqual(ev("concat([[1], [2]]...)"), [1, 2]);
    assert.throws(() => ev('cidrsubnet("10.0.0.0/8", 8, 1)'), /function cidrsubnet\(\) is not supported/);
  });
});

describe("hcl: line endings and less common forms", () => {
  it("hcl: CRLF line endings, provider functions, nested heredoc markers and a block label as a quoted string (HCL spec §lexical elements)", () => {
    const body = parseHcl('locals {\r\n  a = <<EOT\r\nx\r\nEOT\r\n  b = provider::aws::arn_parse("x")\r\n}\r\nresource "t" "n" {}\r\n', "crlf.tf");
    assert.equal(body.blocks[0]!.body.attributes[0]!.name, "a");
    assert.equal(body.blocks[0]!.body.attributes[1]!.expr.kind, "call");
    assert.deepEqual(body.blocks[1]!.labels, ["t", "n"]);
    assert.equal(body.blocks[1]!.at.line, 7);
    assert.throws(() => ev('provider::aws::arn_parse("x")'), /function provider::aws::arn_parse\(\) is not supported/);
  });
});
