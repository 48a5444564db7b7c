import assert from "node:assert/strict";
import { it } from "node:test";
import { instrumentCode } from "./instrument.js";
import { KeyValueStore } from "./key-value-store.js";
import { FunctionSandbox } from "./sandbox.js";
import { checkFunctionSyntax } from "./syntax-gate.js";

const sandbox = (code: string, runtime: "cloudfront-js-1.0" | "cloudfront-js-2.0" = "cloudfront-js-1.0", kvs?: KeyValueStore) =>
  new FunctionSandbox({ name: "t", runtime, code, keyValueStore: kvs, timeoutMs: 50 });

it("sandbox: a runaway that catches the first stop is stopped all the same (cloudfront.md §13.4)", () => {
  const s = sandbox("function handler(e) { while (true) { try { for (;;) {} } catch (err) {} } }");
  const o = s.invoke({}, 0);
  assert.equal(o.error, "InternalError: the function exceeded its maximum allowed time and was stopped");
  assert.equal(o.computeUtilization, 100);
  // The next invocation starts with a fresh budget.
  const ok = sandbox("var n = 0; function handler(e) { n++; return n; }");
  const first = ok.invoke({}, 0);
  assert.equal(first.value, 1, JSON.stringify(first));
  assert.equal(ok.invoke({}, 0).value, 2, "Divergence from AWS (documented): globals persist between invocations");
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
  const out = instrumentCode(code, true);
  assert.equal(out.split("\n").length, code.split("\n").length);
  assert.match(out.split("\n")[0]!, /^var cf = require\("cloudfront"\);$/);
  assert.match(out, /__edgeparity_tick\(\);/);
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
