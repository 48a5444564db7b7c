import assert from "node:assert/strict";
import { it } from "node:test";
import { instrumentCode } from "./instrument.js";
import { KeyValueStore } from "./key-value-store.js";
import { FunctionSandbox } from "./sandbox.js";
import { checkFunctionSyntax } from "./syntax-gate.js";

// A generous budget: a loaded machine's pauses must not stop a healthy function; the runaway test sets its own.
const sandbox = (code: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-1.0", kvs?: KeyValueStore, timeoutMs = 2000) =>
  new FunctionSandbox({ name: "t", runtime, code, keyValueStore: kvs, timeoutMs });

it("sandbox: a runaway that catches the first stop is stopped all the same (cloudfront.md §13.4)", () => {
  const s = sandbox("function handler(e) { while (true) { try { for (;;) {} } catch (err) {} } }", "cloudfront-js-1.0", undefined, 50);
  const o = s.invoke({}, 0);
  assert.equal(o.error, "InternalError: the function exceeded its maximum allowed time and was stopped");
  assert.equal(o.computeUtilization, 100);
  // The next invocation starts with a fresh budget.
  const ok = sandbox("var n = 0; function handler(e) { n++; return n; }");
  const first = ok.invoke({}, 0);
  assert.equal(first.value, 1, JSON.stringify(first));
  assert.equal(ok.invoke({}, 0).value, 1, "each invocation starts from the function's initial state (cloudfront.md §13.1)");
});

it("sandbox: no state carries over between invocations — top-level vars, functions, globals and built-ins start fresh each time (cloudfront.md §13.1)", () => {
  const counters = [
    "var n = 0; function handler(e) { n++; return n; }",
    "var seen = []; function handler(e) { seen.push(e.id); return seen.length; }",
    "function handler(e) { globalThis.count = (globalThis.count || 0) + 1; return globalThis.count; }",
    "globalThis.count = 0; function handler(e) { globalThis.count++; return globalThis.count; }",
    "function handler(e) { String.prototype.hits = (String.prototype.hits || 0) + 1; return ''.hits; }",
    "function handler(e) { Math.calls = (Math.calls || 0) + 1; return Math.calls; }",
    "function handler(e) { if (handler.n === undefined) handler.n = 0; handler.n++; return handler.n; }",
  ];
  for (const code of counters) {
    for (const runtime of ["cloudfront-js-1.0", "cloudfront-js-2.0"] as const) {
      const s = sandbox(code, runtime);
      for (let i = 0; i < 3; i++) assert.equal(s.invoke({ id: i }, 0).value, 1, `${runtime} invocation ${i + 1}: ${code}`);
    }
  }
  // A built-in the function replaced is the original again on the next invocation.
  const s = sandbox(
    "function handler(e) { var was = typeof JSON.stringify; JSON.stringify = function () { return 'x'; }; delete Array.prototype.map; return was + typeof [].map; }",
  );
  assert.equal(s.invoke({}, 0).value, "functionundefined");
  assert.equal(s.invoke({}, 0).value, "functionundefined");
});

it("sandbox: a function that allocates past 2 MB fails with a MemoryError; a small one passes (cloudfront.md §13.4, Maximum memory 2 MB)", () => {
  const big = [
    // A flat 5 MB string.
    "function handler(e) { var s = new Array(5 * 1024 * 1024 + 1).join('x'); return s.length; }",
    // A 5 MB array built in a loop (stopped by the budget check on its way).
    "function handler(e) { var a = []; for (var i = 0; i < 700000; i++) a.push(i * 1.5); return a.length; }",
    // Many small objects.
    "function handler(e) { var a = []; for (var i = 0; i < 200000; i++) a.push({ i: i }); return a.length; }",
  ];
  for (const code of big) {
    const s = sandbox(code, "cloudfront-js-1.0", undefined, 5000);
    const o = s.invoke({}, 0);
    assert.equal(o.error, "MemoryError: the function exceeded its maximum allowed memory of 2 MB", code);
    assert.equal(s.invoke({}, 0).error, o.error, "and again on the next invocation");
  }
  // 2.0's Buffer: external memory counts too.
  const buffers = sandbox("var b = require('buffer');\nfunction handler(e) { return b.Buffer.alloc(5 * 1024 * 1024).length; }", "cloudfront-js-2.0");
  assert.equal(buffers.invoke({}, 0).error, "MemoryError: the function exceeded its maximum allowed memory of 2 MB");
  const small = sandbox(
    "function handler(e) { var s = new Array(64 * 1024 + 1).join('x'); var a = []; for (var i = 0; i < 1000; i++) a.push({ i: i }); return s.length + a.length; }",
  );
  for (let i = 0; i < 20; i++) assert.equal(small.invoke({}, 0).value, 64 * 1024 + 1000);
});

it("sandbox: unbounded recursion is an execution error, not a crash (cloudfront.md §13.4)", () => {
  const o = sandbox("function f() { return f(); } function handler(e) { return f(); }").invoke({}, 0);
  assert.match(o.error ?? "", /^RangeError: Maximum call stack size exceeded/);
});

it("sandbox: top-level failures and a missing handler fail every invocation (cloudfront.md §13.4)", () => {
  assert.equal(sandbox("throw new Error('at load');").invoke({}, 0).error, "Error: at load");
  assert.equal(sandbox("var x = 1;").invoke({}, 0).error, 'ReferenceError: "handler" is not defined');
});

it("sandbox: 2.0 async handlers settle their KeyValueStore awaits within the invocation; a missing key rejects (cloudfront.md §13.5)", () => {
  const kvs = new KeyValueStore("s", "s", "arn:aws:cloudfront::000000000000:key-value-store/s", "-", new Map([["k", '{"n":1}']]), new Date(0));
  const s = sandbox(
    "import cf from 'cloudfront';\nconst kvs = cf.kvs();\nasync function handler(e) { const v = await kvs.get('k', { format: 'json' }); const has = await kvs.exists('nope'); const m = await kvs.meta(); try { await kvs.get('nope'); } catch (err) { return [v.n, has, m.keyCount, err.message]; } }",
    "cloudfront-js-2.0",
    kvs,
  );
  assert.deepEqual(JSON.parse(JSON.stringify(s.invoke({}, 0).value)), [1, false, 1, "KeyNotFound"]);
  assert.equal(
    sandbox("import cf from 'cloudfront';\nfunction handler(e) { return cf.kvs(); }", "cloudfront-js-2.0").invoke({}, 0).error,
    "Error: KVSNamespaceNotFound",
  );
  assert.match(sandbox("async function handler(e) { await new Promise(function () {}); }", "cloudfront-js-2.0").invoke({}, 0).error ?? "", /did not settle/);
});

it("sandbox: Date is the invocation's time in every form (cloudfront.md §13.1)", () => {
  const s = sandbox("function handler(e) { return [Date.now(), new Date().getTime(), typeof Date(), new Date(5).getTime(), new Date() instanceof Date]; }");
  assert.deepEqual(JSON.parse(JSON.stringify(s.invoke({}, 1_700_000_000_000).value)), [1_700_000_000_000, 1_700_000_000_000, "string", 5, true]);
});

it("instrument: budget checks and import rewrites keep every line where it was", () => {
  const code = "import cf from 'cloudfront';\nfunction handler(e) {\n  for (var i = 0; i < 3; i++) i;\n  return (x) => x;\n}\n";
  const out = instrumentCode(code, true).source;
  assert.equal(out.split("\n").length, code.split("\n").length);
  assert.match(out.split("\n")[0]!, /^var cf = require\("cloudfront"\);$/);
  assert.match(out, /__edgeparity_tick\(\);/);
});

it("instrument: tells code that could allocate much (measured against 2 MB) from code that cannot, and code that writes globals (cloudfront.md §13.1, §13.4)", () => {
  const simple =
    "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) r.uri += 'index.html'; r.headers['x-a'] = { value: 'a' }; return r; }";
  assert.deepEqual({ ...instrumentCode(simple, false), source: "" }, { source: "", touchesGlobals: false, usesBuffers: false, mayAllocateMuch: false });
  for (const code of [
    "function handler(e) { for (var k in e.request.headers) {} return e.request; }",
    "function handler(e) { return 'x'.repeat(9); }",
    "function handler(e) { return new Array(9); }",
    "function handler(e) { return e.request['re' + 'peat']; }",
    "function f(n) { return f(n); } function handler(e) { return f(1); }",
    "function handler(e) { return [1].map(function (x) { return x; }); }",
  ])
    assert.equal(instrumentCode(code, false).mayAllocateMuch, true, code);
  assert.equal(instrumentCode("function handler(e) { globalThis.x = 1; }", false).touchesGlobals, true);
  assert.equal(instrumentCode("function handler(e) { Math.x = 1; }", false).touchesGlobals, true);
  assert.equal(instrumentCode("var o = {}; function handler(e) { o.x = 1; e.request.uri = '/'; }", false).touchesGlobals, false);
  assert.equal(instrumentCode("import b from 'buffer';\nfunction handler(e) {}", true).usesBuffers, true);
});

it("syntax gate: positions are 1-based line:column of the refused token (cloudfront.md §13.1)", () => {
  assert.deepEqual(checkFunctionSyntax("var a;\n  const b = 1;", "cloudfront-js-1.0"), {
    message: 'SyntaxError: Token "const" not supported in this version',
    line: 2,
    column: 3,
  });
  assert.equal(checkFunctionSyntax("var a;\n  const b = 1;", "cloudfront-js-2.0"), undefined);
  assert.deepEqual(checkFunctionSyntax("function handler(e) {", "cloudfront-js-2.0"), { message: "SyntaxError: Unexpected token", line: 1, column: 22 });
  assert.equal(checkFunctionSyntax("var t = typeof setTimeout; function setTimeoutLike() {}", "cloudfront-js-1.0"), undefined, "a reference is no call");
  assert.equal(
    checkFunctionSyntax("function setTimeout(f) { f(); } setTimeout(function () {});", "cloudfront-js-1.0"),
    undefined,
    "its own function of that name",
  );
});
