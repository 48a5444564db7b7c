import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { startLambdaBench, type LambdaBench } from "../../../test/support/lambda-code.js";

// Facts cited: Lambda developer guide (DG) "execution environment lifecycle", "troubleshooting
// invocation" (timeouts, Runtime.OutOfMemory / Runtime.ExitError), the Node.js runtime interface
// client (RIC: module-loader, handler-path, errors.ts) and CreateFunction's constraints.
const CODE = `
import { appendFileSync } from "node:fs";
const stream = process.env.AWS_LAMBDA_LOG_STREAM_NAME;
export const spin = () => { for (;;) {} };
export const sleep = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return stream; };
export const hog = async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1.5)); };
export const exit = async () => process.exit(3);
export const reject = async () => { Promise.reject(new Error("nobody waits")); await new Promise((r) => setTimeout(r, 200)); return "late"; };
export const stream_ = async () => stream;
export const beat = async (event) => { setInterval(() => appendFileSync(event.file, "."), 10); return "beating"; };
export const callback = (e, c, cb) => cb(null, 1);
`;

describe("lambda runtime: timeouts, memory limit, runtime exits, load errors", () => {
  let b: LambdaBench;
  before(() => {
    b = startLambdaBench({
      "index.mjs": CODE,
      "broken.mjs": "export const handler = async () => {;\n",
      "throws.mjs": "throw new RangeError('init failed');\n",
    });
    const fn = (FunctionName: string, Handler: string, extra: object = {}) =>
      b.runtime.register({ FunctionName, Handler, Timeout: 1, Code: { Directory: b.dir }, ...extra });
    fn("spin", "index.spin");
    fn("hog", "index.hog", { MemorySize: 128, Timeout: 10 });
    fn("exit", "index.exit");
    fn("reject", "index.reject");
    fn("missing", "nothere.handler");
    fn("broken", "broken.handler");
    fn("throws", "throws.handler");
    fn("bad", "index");
    fn("dots", "../index.spin");
    fn("cb24", "index.callback", { Runtime: "nodejs24.x" });
  });
  after(() => b.close());

  it("lambda: past Timeout the invocation ends with `<ISO time> <id> Task timed out after 1.00 seconds` and a fresh environment replaces the worker (DG troubleshooting timeouts)", async () => {
    const r = await b.runtime.invoke("spin", {});
    assert.equal(r.FunctionError, "Unhandled");
    const body = JSON.parse(r.Payload);
    assert.deepEqual(Object.keys(body), ["errorMessage"]);
    assert.match(body.errorMessage, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z ${r.RequestId} Task timed out after 1\\.\\d\\d seconds$`));
    const lines = b.lines("spin");
    assert.equal(lines.at(-1), body.errorMessage);
    assert.match(lines.at(-2)!, /^REPORT RequestId: \S+\tDuration: 1\d{3}\.\d\d ms/);
    // The busy loop was interrupted: the next invocation is a cold start in a new environment.
    const again = await b.runtime.invoke("spin", {});
    assert.ok(again.Report.InitDuration !== undefined);
  });

  it("lambda: exceeding MemorySize (V8 old space = 128 MB) is Runtime.OutOfMemory 'RequestId: <id> Error: Runtime exited with error: signal: killed' (DG troubleshooting)", async () => {
    const r = await b.runtime.invoke("hog", {});
    assert.equal(r.FunctionError, "Unhandled");
    assert.deepEqual(JSON.parse(r.Payload), {
      errorType: "Runtime.OutOfMemory",
      errorMessage: `RequestId: ${r.RequestId} Error: Runtime exited with error: signal: killed`,
    });
    assert.equal(r.Report.MaxMemoryUsed, 128);
    assert.equal(b.lines("hog").at(-1), `RequestId: ${r.RequestId} Error: Runtime exited with error: signal: killed\nRuntime.OutOfMemory`);
  });

  it("lambda: process.exit(3) is Runtime.ExitError '… Runtime exited with error: exit status 3' (DG troubleshooting)", async () => {
    const r = await b.runtime.invoke("exit", {});
    assert.deepEqual(JSON.parse(r.Payload), {
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${r.RequestId} Error: Runtime exited with error: exit status 3`,
    });
  });

  it("lambda: an unhandled rejection fails the invocation as Runtime.UnhandledPromiseRejection (RIC index: unhandledRejection)", async () => {
    const e = JSON.parse((await b.runtime.invoke("reject", {})).Payload);
    assert.equal(e.errorType, "Runtime.UnhandledPromiseRejection");
    assert.equal(e.errorMessage, "Error: nobody waits");
  });

  it("lambda: load errors carry the runtime's types and messages: ImportModuleError, UserCodeSyntaxError, MalformedHandlerName, init throw (RIC module-loader, handler-path)", async () => {
    const payload = async (n: string) => JSON.parse((await b.runtime.invoke(n, {})).Payload) as { errorType: string; errorMessage: string };
    assert.deepEqual(pick(await payload("missing")), {
      errorType: "Runtime.ImportModuleError",
      errorMessage: "Error: Cannot find module 'nothere'\nRequire stack:\n- /var/runtime/index.mjs",
    });
    const syntax = await payload("broken");
    assert.equal(syntax.errorType, "Runtime.UserCodeSyntaxError");
    assert.match(syntax.errorMessage, /^SyntaxError: /);
    assert.deepEqual(pick(await payload("bad")), { errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler" });
    assert.deepEqual(pick(await payload("dots")), {
      errorType: "Runtime.MalformedHandlerName",
      errorMessage: "'../index.spin' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
    });
    assert.deepEqual(pick(await payload("throws")), { errorType: "RangeError", errorMessage: "init failed" });
    assert.equal((await payload("cb24")).errorType, "Runtime.CallbackHandlerDeprecated");
  });

  it("lambda: a failed init is retried by the next invocation, which sees the fixed file (DG execution environment: init errors)", async () => {
    b.write("late.mjs", "export const handler = async () => 'fixed';\n");
    b.runtime.register({ FunctionName: "late", Handler: "later.handler", Code: { Directory: b.dir } });
    assert.equal(JSON.parse((await b.runtime.invoke("late", {})).Payload).errorType, "Runtime.ImportModuleError");
    b.write("later.mjs", "export const handler = async () => 'fixed';\n");
    assert.equal((await b.runtime.invoke("late", {})).Payload, '"fixed"');
  });
});

describe("lambda runtime: the pool of execution environments", () => {
  let b: LambdaBench;
  before(() => {
    b = startLambdaBench({ "index.mjs": CODE, "version.mjs": "export const handler = async () => 'v1';\n" }, { concurrentExecutions: 2 });
    for (const [n, h] of [
      ["sleep", "index.sleep"],
      ["stream", "index.stream_"],
      ["beat", "index.beat"],
      ["version", "version.handler"],
    ])
      b.runtime.register({ FunctionName: n!, Handler: h!, Timeout: 5, Code: { Directory: b.dir } });
  });
  after(() => b.close());

  it("lambda: 5 parallel invocations all complete within the bound of 2 environments, which are reused warm (DG concurrency)", async () => {
    const rs = await Promise.all(Array.from({ length: 5 }, () => b.runtime.invoke("sleep", { ms: 150 })));
    assert.ok(rs.every((r) => r.FunctionError === undefined));
    const streams = new Set(rs.map((r) => JSON.parse(r.Payload) as string));
    assert.equal(streams.size, 2);
    assert.equal(rs.filter((r) => r.Report.InitDuration !== undefined).length, 2);
  });

  it("lambda: at the bound, an idle environment of another function is recycled for a new one", async () => {
    const r = await b.runtime.invoke("stream", {});
    assert.equal(r.FunctionError, undefined);
    assert.ok(r.Report.InitDuration !== undefined);
  });

  it("lambda: reload(name) makes the next invocation load the edited handler file; until then the warm environment keeps the old code (DG: code updates get new environments)", async () => {
    assert.equal((await b.runtime.invoke("version", {})).Payload, '"v1"');
    b.write("version.mjs", "export const handler = async () => 'v2';\n");
    assert.equal((await b.runtime.invoke("version", {})).Payload, '"v1"');
    await b.runtime.reload("version");
    assert.equal((await b.runtime.invoke("version", {})).Payload, '"v2"');
  });

  it("lambda: close() terminates the environments: background work stops and later invocations fail", async () => {
    const file = join(b.dir, "heartbeat");
    assert.equal((await b.runtime.invoke("beat", { file })).Payload, '"beating"');
    await sleep(50);
    assert.ok(statSync(file).size > 0);
    await b.runtime.close();
    const at = statSync(file).size;
    await sleep(80);
    assert.equal(statSync(file).size, at);
    await assert.rejects(b.runtime.invoke("beat", { file }), /Lambda runtime closed/);
  });
});

describe("lambda runtime: CreateFunction's constraints", () => {
  let b: LambdaBench;
  before(() => (b = startLambdaBench({})));
  after(() => b.close());
  it("lambda: MemorySize below 128 and Timeout above 900 are refused with ValidationException's text (Lambda API CreateFunction)", () => {
    assert.throws(() => b.runtime.register({ FunctionName: "f", Handler: "index.handler", MemorySize: 100, Timeout: 901, Code: { Directory: b.dir } }), {
      message:
        "function f: ValidationException: 2 validation errors detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900; Value '100' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    });
    assert.throws(
      () => b.runtime.register({ FunctionName: "f", Handler: "index.handler", Runtime: "python3.12", Code: { Directory: b.dir } }),
      /Runtime python3.12 is not emulated/,
    );
  });
});

function pick(e: { errorType: string; errorMessage: string }) {
  return { errorType: e.errorType, errorMessage: e.errorMessage };
}
