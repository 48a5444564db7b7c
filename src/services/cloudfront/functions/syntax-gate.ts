import type { Node } from "acorn";
import { loadAcorn } from "./acorn.js";
import type { FunctionRuntime } from "./function-runtime.js";

/**
 * The language subset each CloudFront Functions runtime accepts (cloudfront.md §13.1; AWS
 * "JavaScript runtime 1.0 / 2.0 features for CloudFront Functions"). Steps: parse the code as the
 * latest ECMAScript (as a module, so strict-mode rules hold everywhere, §13.1 "strict mode always"),
 * then walk every node and refuse each construct the runtime's feature list does not name, at its
 * line and column. What the parser itself refuses is a plain SyntaxError at its position.
 *
 * Message shape: AWS's runtime (njs) words a refused construct `Token "of" not supported in this
 * version` (observed: `Token "[" not supported`, `Token "of" not supported`, cloudfront.md §13.1);
 * the position is ours (`line:column`, AWS gives the line only).
 *
 * Choice (UNCONFIRMED): ES6 object-literal shorthands (`{ a }`, `{ m() {} }`, `{ [k]: v }`) are
 * accepted in both runtimes — AWS's lists do not name them either way, and njs parses them.
 */
export interface SyntaxRefusal {
  /** `SyntaxError: Token "const" not supported in this version`. */
  message: string;
  line: number;
  column: number;
}

/** Module names `require()` / `import` may name, per runtime (§13.1). */
export const RUNTIME_MODULES: Readonly<Record<FunctionRuntime, readonly string[]>> = {
  "cloudfront-js-1.0": ["crypto", "querystring"],
  "cloudfront-js-2.0": ["crypto", "querystring", "buffer", "cloudfront"],
};

type AnyNode = Node & Record<string, unknown>;

export function checkFunctionSyntax(code: string, runtime: FunctionRuntime): SyntaxRefusal | undefined {
  let ast: Node;
  try {
    ast = loadAcorn().acorn.parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true });
  } catch (e) {
    const err = e as SyntaxError & { loc?: { line: number; column: number } };
    return { message: `SyntaxError: ${err.message.replace(/ \(\d+:\d+\)$/, "")}`, line: err.loc?.line ?? 1, column: (err.loc?.column ?? 0) + 1 };
  }
  const is2 = runtime === "cloudfront-js-2.0";
  const declared = declaredNames(ast);
  let refusal: { token: string; at: number } | undefined;
  const refuse = (token: string, at: number) => {
    if (refusal === undefined || at < refusal.at) refusal = { token, at };
  };
  /** Offset of `token` in the code after `from` (a keyword between two child nodes). */
  const find = (token: string, from: number) => {
    const i = code.indexOf(token, from);
    return i === -1 ? from : i;
  };
  const checkParams = (params: AnyNode[]) => {
    for (const p of params) {
      if (p.type === "AssignmentPattern") refuse("=", find("=", (p.left as Node).end));
      else if (p.type === "ObjectPattern") refuse("{", p.start);
      else if (p.type === "ArrayPattern") refuse("[", p.start);
      else if (p.type === "RestElement" && (p.argument as Node).type !== "Identifier")
        refuse((p.argument as Node).type === "ArrayPattern" ? "[" : "{", (p.argument as Node).start);
    }
  };
  const checkFunction = (n: AnyNode) => {
    if (n.generator) refuse("*", find("*", n.start));
    if (n.async && (!is2 || n.type === "ArrowFunctionExpression")) refuse("async", n.start);
    checkParams(n.params as AnyNode[]);
  };

  loadAcorn().walk.full(ast, (node) => {
    const n = node as AnyNode;
    switch (n.type) {
      case "CallExpression":
      case "NewExpression": {
        // §13.1: no eval, no Function constructor, no timers. A call of one is refused at publish (issue 10),
        // named as njs names an unsupported token; a mere reference (`typeof setTimeout`) is not a call.
        const callee = n.callee as AnyNode;
        if (callee.type === "Identifier" && REFUSED_GLOBALS.has(callee.name as string) && !declared.has(callee.name as string))
          refuse(callee.name as string, callee.start);
        break;
      }
      case "VariableDeclaration":
        if (n.kind !== "var" && !is2) refuse(n.kind as string, n.start);
        for (const d of n.declarations as AnyNode[]) {
          const id = d.id as Node;
          if (id.type === "ObjectPattern") refuse("{", id.start);
          if (id.type === "ArrayPattern") refuse("[", id.start);
        }
        break;
      case "AssignmentExpression":
        if ((n.left as Node).type === "ObjectPattern") refuse("{", (n.left as Node).start);
        if ((n.left as Node).type === "ArrayPattern") refuse("[", (n.left as Node).start);
        if (n.operator === "&&=" || n.operator === "||=" || n.operator === "??=")
          refuse(n.operator as string, find(n.operator as string, (n.left as Node).end));
        break;
      case "ForOfStatement":
        refuse("of", find("of", (n.left as Node).end));
        break;
      case "ForInStatement": {
        const left = n.left as AnyNode;
        const target = left.type === "VariableDeclaration" ? ((left.declarations as AnyNode[])[0]!.id as Node) : left;
        if (target.type === "ObjectPattern" || target.type === "ArrayPattern") refuse(target.type === "ObjectPattern" ? "{" : "[", target.start);
        break;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        checkFunction(n);
        break;
      case "AwaitExpression":
        if (!is2) refuse("await", n.start);
        break;
      case "CatchClause": {
        const p = n.param as Node | null;
        if (p && (p.type === "ObjectPattern" || p.type === "ArrayPattern")) refuse(p.type === "ObjectPattern" ? "{" : "[", p.start);
        break;
      }
      case "ClassDeclaration":
      case "ClassExpression":
        refuse("class", n.start);
        break;
      case "SpreadElement":
        refuse("...", n.start);
        break;
      case "ChainExpression":
        refuse("?.", find("?.", n.start));
        break;
      case "LogicalExpression":
        if (n.operator === "??") refuse("??", find("??", (n.left as Node).end));
        break;
      case "TaggedTemplateExpression":
        refuse("`", (n.quasi as Node).start);
        break;
      case "YieldExpression":
        refuse("yield", n.start);
        break;
      case "MetaProperty":
        refuse(((n.meta as AnyNode).name as string) ?? "new", n.start);
        break;
      case "ImportExpression":
        refuse("import", n.start);
        break;
      case "Literal":
        if (typeof n.bigint === "string") refuse(String(n.raw), n.start);
        break;
      case "PrivateIdentifier":
        refuse("#", n.start);
        break;
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        refuse("export", n.start);
        break;
      case "ImportDeclaration": {
        // 2.0: `import cf from 'cloudfront'` (and the other modules); 1.0 has require() only.
        const specifiers = n.specifiers as AnyNode[];
        const onlyDefault = specifiers.length === 1 && specifiers[0]!.type === "ImportDefaultSpecifier";
        if (!is2) refuse("import", n.start);
        else if (!onlyDefault) refuse(specifiers[0]?.type === "ImportNamespaceSpecifier" ? "*" : "{", (specifiers[0] ?? n).start);
        break;
      }
    }
  });
  if (refusal === undefined) return undefined;
  const { line, column } = positionOf(code, refusal.at);
  return { message: `SyntaxError: Token "${refusal.token}" not supported in this version`, line, column };
}

const REFUSED_GLOBALS = new Set([
  "eval",
  "Function",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "queueMicrotask",
]);

/** Names the code declares itself (a `var setTimeout` of its own is no timer). */
function declaredNames(ast: Node): Set<string> {
  const out = new Set<string>();
  loadAcorn().walk.full(ast, (node) => {
    const n = node as AnyNode;
    if (n.type === "VariableDeclarator" && (n.id as AnyNode).type === "Identifier") out.add((n.id as AnyNode).name as string);
    if ((n.type === "FunctionDeclaration" || n.type === "FunctionExpression") && n.id) out.add((n.id as AnyNode).name as string);
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression")
      for (const p of n.params as AnyNode[]) if (p.type === "Identifier") out.add(p.name as string);
  });
  return out;
}

/** 1-based line and column of a code offset. */
function positionOf(code: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (code.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
