import type { Node } from "acorn";
import { loadAcorn } from "./acorn.js";

/**
 * The code as the sandbox runs it, rewritten in place so every line keeps its number:
 * - runtime 2.0's `import x from 'm'` becomes `var x = require("m");`;
 * - every loop body and function body starts with a budget check (`__edgeparity_tick()`), which
 *   throws once the invocation ran past its time, and keeps throwing, so a runaway stops even if
 *   it catches the first throw (cloudfront.md §13.4).
 * Why not only `vm`'s `timeout`: it starts a watchdog thread per call, about 60 µs, more than a
 * whole cache hit; it still guards the code's top level and TestFunction.
 */
type AnyNode = Node & Record<string, unknown>;

export const TICK = "__edgeparity_tick";

export function instrumentCode(code: string, rewriteImports: boolean): string {
  const ast = loadAcorn().acorn.parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const edits: { at: number; text: string; until?: number }[] = [];
  const guard = (body: AnyNode) => {
    if (body.type === "BlockStatement") edits.push({ at: body.start + 1, text: `${TICK}();` });
    else {
      edits.push({ at: body.start, text: `{${TICK}();` });
      edits.push({ at: body.end, text: "}" });
    }
  };
  loadAcorn().walk.full(ast, (node) => {
    const n = node as AnyNode;
    switch (n.type) {
      case "WhileStatement":
      case "DoWhileStatement":
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
        guard(n.body as AnyNode);
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
        guard(n.body as AnyNode);
        break;
      case "ArrowFunctionExpression": {
        const body = n.body as AnyNode;
        if (body.type === "BlockStatement") guard(body);
        else {
          edits.push({ at: body.start, text: `(${TICK}(), ` });
          edits.push({ at: body.end, text: ")" });
        }
        break;
      }
      case "ImportDeclaration":
        if (rewriteImports) {
          const local = ((n.specifiers as AnyNode[])[0]?.local as AnyNode | undefined)?.name as string | undefined;
          const source = JSON.stringify((n.source as AnyNode).value);
          const original = code.slice(n.start, n.end);
          edits.push({ at: n.start, until: n.end, text: `var ${local ?? "_"} = require(${source});${original.replace(/[^\n]/g, "")}` });
        }
        break;
    }
  });
  // Apply from the end so earlier offsets stay valid; at one offset, keep the walk's order.
  edits.sort((a, b) => b.at - a.at);
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.until ?? e.at);
  return out;
}

/** The context-side budget check: cheap per call, reads the clock every 1024 ticks; `io` is the sandbox's shared object. */
export const TICK_SOURCE = `(function (io, now) {
  var count = 0;
  var stop = function () { throw new Error("InternalError: the function exceeded its maximum allowed time and was stopped"); };
  Object.defineProperty(globalThis, "${TICK}", { value: function () {
    if (io.over) stop();
    if ((++count & 1023) === 0 && now() > io.deadline) { io.over = true; stop(); }
  } });
})`;
