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

/**
 * The code's reach into state shared between invocations (cloudfront.md §13.1: every invocation
 * starts fresh): the sandbox runs the top level per invocation, so its own `var`s and functions are
 * always new; only code that writes to a global object — `globalThis`, or a member of a global
 * such as `String.prototype` or `Math` — can leave something behind, and only for such code the
 * sandbox restores the globals after each invocation.
 */
export interface InstrumentedCode {
  source: string;
  touchesGlobals: boolean;
  /** The code names the `buffer` module (2.0): it can take megabytes in a microsecond (Buffer.allocUnsafe). */
  usesBuffers: boolean;
  /**
   * The code could allocate much: it has a loop, a function besides `handler` (a callback or
   * recursion), a member computed at run time, or names a built-in that makes large values from small
   * ones (AMPLIFIERS). Code without any of these allocates in proportion to its event, far below
   * 2 MB, and the sandbox skips measuring it.
   */
  mayAllocateMuch: boolean;
}

/** Built-ins (and methods) that make a large value from a small one: `new Array(n)`, `'x'.repeat(n)`, `a.join(s)`… */
const AMPLIFIERS = new Set([
  "Array",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Buffer",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "repeat",
  "padStart",
  "padEnd",
  "fill",
  "join",
  "concat",
  "from",
  "apply",
  "replace",
  "replaceAll",
  "fromCharCode",
  "fromCodePoint",
  "flat",
  "flatMap",
  "map",
  "reduce",
  "stringify",
  "parse",
  "eval",
]);

/** Object mutators whose first argument may be a global (`Object.defineProperty(String.prototype, …)`). */
const MUTATORS = new Set(["defineProperty", "defineProperties", "assign", "setPrototypeOf", "freeze", "seal", "preventExtensions", "deleteProperty", "set"]);

function rootName(n: AnyNode | undefined): string | undefined {
  let cur = n;
  while (cur?.type === "MemberExpression") cur = cur.object as AnyNode;
  return cur?.type === "Identifier" ? (cur.name as string) : undefined;
}

export function instrumentCode(code: string, rewriteImports: boolean): InstrumentedCode {
  const ast = loadAcorn().acorn.parse(code, { ecmaVersion: "latest", sourceType: "module" });
  const declared = new Set<string>();
  /** Roots of member expressions the code writes to; globals when the code declares no such name. */
  const written = new Set<string>();
  let touchesGlobals = false;
  let usesBuffers = false;
  let mayAllocateMuch = false;
  let functions = 0;
  const declare = (id: unknown) => {
    const n = id as AnyNode | null | undefined;
    if (n?.type === "Identifier") declared.add(n.name as string);
  };
  const writes = (target: unknown) => {
    const n = target as AnyNode;
    if (n.type !== "MemberExpression") return;
    const root = rootName(n);
    if (root !== undefined) written.add(root);
  };
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
      case "Identifier":
        if (n.name === "globalThis") touchesGlobals = true;
        if (AMPLIFIERS.has(n.name as string)) mayAllocateMuch = true;
        break;
      case "MemberExpression": {
        const p = n.property as AnyNode;
        // `headers['x-a']` names its member as `headers.x` does; a member computed at run time could be any.
        const member: unknown = !n.computed ? p.name : p.type === "Literal" ? p.value : undefined;
        if (member === undefined || (typeof member === "string" && AMPLIFIERS.has(member))) mayAllocateMuch = true;
        break;
      }
      case "VariableDeclarator":
      case "ClassDeclaration":
        declare(n.id);
        break;
      case "CatchClause":
        declare(n.param);
        break;
      case "ImportSpecifier":
      case "ImportDefaultSpecifier":
      case "ImportNamespaceSpecifier":
        declare(n.local);
        break;
      case "AssignmentExpression":
        writes(n.left);
        break;
      case "UpdateExpression":
        writes(n.argument);
        break;
      case "UnaryExpression":
        if (n.operator === "delete") writes(n.argument);
        break;
      case "CallExpression": {
        const callee = n.callee as AnyNode;
        const args = n.arguments as AnyNode[];
        if (callee.type === "Identifier" && callee.name === "require" && args[0]?.type === "Literal" && args[0].value === "buffer") usesBuffers = true;
        if (
          callee.type === "MemberExpression" &&
          !callee.computed &&
          MUTATORS.has((callee.property as AnyNode).name as string) &&
          args[0] !== undefined &&
          (rootName(args[0]) !== undefined || args[0].type === "MemberExpression")
        ) {
          const root = rootName(args[0]);
          if (root !== undefined) written.add(root);
        }
        break;
      }
      case "WhileStatement":
      case "DoWhileStatement":
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
        mayAllocateMuch = true;
        guard(n.body as AnyNode);
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
        if (++functions > 1) mayAllocateMuch = true;
        declare(n.id);
        for (const p of n.params as AnyNode[]) declare(p);
        guard(n.body as AnyNode);
        break;
      case "ArrowFunctionExpression": {
        if (++functions > 1) mayAllocateMuch = true;
        for (const p of n.params as AnyNode[]) declare(p);
        const body = n.body as AnyNode;
        if (body.type === "BlockStatement") guard(body);
        else {
          edits.push({ at: body.start, text: `(${TICK}(), ` });
          edits.push({ at: body.end, text: ")" });
        }
        break;
      }
      case "ImportDeclaration":
        if ((n.source as AnyNode).value === "buffer") usesBuffers = true;
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
  for (const root of written) if (!declared.has(root)) touchesGlobals = true;
  return { source: out, touchesGlobals, usesBuffers, mayAllocateMuch: mayAllocateMuch || usesBuffers };
}

/**
 * The context-side budget check, cheap per call: every 1024 ticks it reads the clock and the heap
 * (`overMemory`, the sandbox's 2 MB check). Once `io.stop` holds a reason it throws on every tick,
 * so a function that catches the first throw is stopped all the same.
 */
export const TICK_SOURCE = `(function (io, now, overMemory, runaway, memory) {
  var count = 0;
  var sampled = 0;
  Object.defineProperty(globalThis, "${TICK}", { value: function () {
    if (io.stop === undefined && (++count & 1023) === 0) {
      var t = now();
      if (t > io.deadline) io.stop = runaway;
      // A heap sample allocates its own statistics object: at most one per 0.1 ms, or a CPU-bound
      // loop's samples alone would add up past 2 MB before its time runs out.
      else if (t - sampled > 0.1) {
        sampled = t;
        if (overMemory()) io.stop = memory;
      }
    }
    if (io.stop !== undefined) throw new Error(io.stop);
  } });
})`;
