import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startLambdaBench, type LambdaBench } from "../../../test/support/lambda-code.js";

// Facts cited: Lambda developer guide (DG) "Node.js handler", "context object", "logging";
// the Node.js runtime interface client (RIC: Runtime.js, CallbackContext.js, Errors.js, UserFunction).
const ESM = `
let invocations = 0;
console.log("init ran");
export const handler = async (event, context) => {
  invocations++;
  console.log("event", event.n);
  console.error("to stderr level");
  return {
    invocations,
    event,
    context: {
      awsRequestId: context.awsRequestId,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      remaining: context.getRemainingTimeInMillis(),
      waits: context.callbackWaitsForEmptyEventLoop,
    },
    env: { name: process.env.AWS_LAMBDA_FUNCTION_NAME, mem: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, region: process.env.AWS_REGION, mine: process.env.MY_VAR, host: process.env.EDGEPARITY_HOST_ONLY ?? null },
  };
};
export const boom = async () => { throw new TypeError("bad input"); };
export const circular = async () => { const o = {}; o.self = o; return o; };
export const syncNoCallback = () => ({ ignored: true });
export const callbackString = (e, c, cb) => cb("plain failure");
export const callbackWaits = (e, c, cb) => { setTimeout(() => {}, 300); cb(null, "after-timer"); };
export const callbackNoWait = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 300); cb(null, "now"); };
export const value = 42;
`;
const CJS = `
let count = 0;
exports.handler = (event, context, callback) => { count++; setTimeout(() => callback(null, { cjs: true, count }), 5); };
`;

describe("lambda runtime: handlers, context, results and errors", () => {
  let b: LambdaBench;
  before(() => {
    process.env["EDGEPARITY_HOST_ONLY"] = "leak";
    b = startLambdaBench({ "index.mjs": ESM, "legacy.js": CJS, "other.cjs": CJS });
    const fn = (FunctionName: string, Handler: string, extra: object = {}) =>
      b.runtime.register({ FunctionName, Handler, Code: { Directory: b.dir }, ...extra });
    fn("esm", "index.handler", { MemorySize: 256, Environment: { Variables: { MY_VAR: "mine", AWS_REGION: "eu-west-9" } } });
    for (const h of ["boom", "circular", "syncNoCallback", "callbackString", "callbackWaits", "callbackNoWait", "value", "nope"]) fn(h, `index.${h}`);
    fn("circular24", "index.circular", { Runtime: "nodejs24.x" });
    fn("cjs", "legacy.handler");
    fn("cjs2", "other.handler");
  });
  after(async () => {
    delete process.env["EDGEPARITY_HOST_ONLY"];
    await b.close();
  });

  it("lambda: ESM async handler gets a JSON copy of the event and Lambda's context (DG context object, defined env vars)", async () => {
    const r = await b.runtime.invoke("esm", { n: 1, at: new Date(0) });
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, undefined);
    assert.equal(r.ExecutedVersion, "$LATEST");
    const out = JSON.parse(r.Payload);
    assert.deepEqual(out.event, { n: 1, at: "1970-01-01T00:00:00.000Z" });
    assert.equal(out.context.awsRequestId, r.RequestId);
    assert.equal(out.context.functionName, "esm");
    assert.equal(out.context.functionVersion, "$LATEST");
    assert.equal(out.context.invokedFunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:esm");
    assert.equal(out.context.memoryLimitInMB, "256");
    assert.equal(out.context.logGroupName, "/aws/lambda/esm");
    assert.match(out.context.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(out.context.remaining > 0 && out.context.remaining <= 3000, String(out.context.remaining));
    assert.equal(out.context.waits, true);
    // Reserved variables win over the function's own; the host's environment does not leak in.
    assert.deepEqual(out.env, { name: "esm", mem: "256", region: "us-east-1", mine: "mine", host: null });
  });

  it("lambda: warm invocations reuse module state; init runs once; REPORT has Init Duration on the cold start only (DG execution environment)", async () => {
    const second = JSON.parse((await b.runtime.invoke("esm", { n: 2 })).Payload);
    assert.equal(second.invocations, 2);
    const lines = b.lines("esm");
    assert.equal(lines.filter((l) => l.endsWith("\tINFO\tinit ran")).length, 1);
    const reports = lines.filter((l) => l.startsWith("REPORT "));
    assert.equal(reports.length, 2);
    assert.match(reports[0]!, /\tInit Duration: \d+\.\d{2} ms$/);
    assert.doesNotMatch(reports[1]!, /Init Duration/);
  });

  it("lambda: log lines — START/END/REPORT formats and `<ISO time>\\t<request id>\\t<LEVEL>\\t<message>` console lines (DG Node.js logging)", async () => {
    const r = await b.runtime.invoke("esm", { n: 3 });
    const id = r.RequestId;
    const mine = b.lines("esm").filter((l) => l.includes(id));
    assert.equal(mine[0], `START RequestId: ${id} Version: $LATEST`);
    assert.match(mine[1]!, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${id}\\tINFO\\tevent 3$`));
    assert.match(mine[2]!, new RegExp(`\\t${id}\\tERROR\\tto stderr level$`));
    assert.equal(mine[3], `END RequestId: ${id}`);
    assert.match(
      mine[4]!,
      new RegExp(`^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 256 MB\\tMax Memory Used: \\d+ MB$`),
    );
    assert.equal(r.Report.BilledDuration, Math.ceil(r.Report.Duration));
    assert.ok(b.log.lines.some((l) => l.level === "error" && l.message.endsWith("\tERROR\tto stderr level")));
  });

  it("lambda: LogType Tail returns the invocation's log, base64, in LogResult (Invoke X-Amz-Log-Result)", async () => {
    const r = await b.runtime.invoke("esm", { n: 4 }, { LogType: "Tail" });
    const text = Buffer.from(r.LogResult!, "base64").toString();
    assert.match(text, new RegExp(`^START RequestId: ${r.RequestId} Version: \\$LATEST\\n[\\s\\S]*\\nREPORT RequestId: ${r.RequestId}\\t`));
  });

  it("lambda: CommonJS `exports.handler = (event, context, callback)` in .js and .cjs; module state persists (DG Node.js handler, callback)", async () => {
    for (const name of ["cjs", "cjs2"]) {
      assert.deepEqual(JSON.parse((await b.runtime.invoke(name, {})).Payload), { cjs: true, count: 1 });
      assert.deepEqual(JSON.parse((await b.runtime.invoke(name, {})).Payload), { cjs: true, count: 2 });
    }
  });

  it("lambda: a thrown error is FunctionError Unhandled with { errorType, errorMessage, trace } and an `Invoke Error` log line (RIC Errors.js)", async () => {
    const r = await b.runtime.invoke("boom", {});
    assert.equal(r.FunctionError, "Unhandled");
    const e = JSON.parse(r.Payload);
    assert.equal(e.errorType, "TypeError");
    assert.equal(e.errorMessage, "bad input");
    assert.equal(e.trace[0], "TypeError: bad input");
    assert.deepEqual(Object.keys(e), ["errorType", "errorMessage", "trace"]);
    const logged = b.lines("boom").find((l) => l.includes("\tERROR\tInvoke Error \t"))!;
    const json = JSON.parse(logged.slice(logged.indexOf("\t{") + 1));
    assert.equal(json.errorType, "TypeError");
    assert.equal(json.stack[0], "TypeError: bad input");
  });

  it("lambda: callback('plain failure') reports errorType string, empty trace (RIC Errors.js toRapidResponse)", async () => {
    const r = await b.runtime.invoke("callbackString", {});
    assert.equal(r.FunctionError, "Unhandled");
    assert.deepEqual(JSON.parse(r.Payload), { errorType: "string", errorMessage: "plain failure", trace: [] });
  });

  it("lambda: a result JSON cannot carry is 'Unable to stringify response body' — Error before nodejs24.x, Runtime.JSONStringifyError on it (RIC RAPIDClient)", async () => {
    const old = JSON.parse((await b.runtime.invoke("circular", {})).Payload);
    assert.equal(old.errorType, "Error");
    assert.equal(old.errorMessage, "Unable to stringify response body");
    const v24 = JSON.parse((await b.runtime.invoke("circular24", {})).Payload);
    assert.equal(v24.errorType, "Runtime.JSONStringifyError");
  });

  it("lambda: a sync handler that neither returns a promise nor calls back answers null when the event loop drains (RIC Runtime.js)", async () => {
    const r = await b.runtime.invoke("syncNoCallback", {});
    assert.equal(r.FunctionError, undefined);
    assert.equal(r.Payload, "null");
  });

  it("lambda: callback waits for the empty event loop unless callbackWaitsForEmptyEventLoop is false (DG context object)", async () => {
    await Promise.all([b.runtime.invoke("callbackWaits", {}), b.runtime.invoke("callbackNoWait", {})]); // cold starts out of the way
    const [waits, now] = await Promise.all([b.runtime.invoke("callbackWaits", {}), b.runtime.invoke("callbackNoWait", {})]);
    assert.equal(waits.Payload, '"after-timer"');
    assert.ok(waits.Report.Duration >= 290, String(waits.Report.Duration));
    assert.equal(now.Payload, '"now"');
    assert.ok(now.Report.Duration < 250, String(now.Report.Duration));
  });

  it("lambda: a missing export or a non-function is Runtime.HandlerNotFound with the runtime's messages (RIC handler-resolver)", async () => {
    assert.deepEqual(pick(JSON.parse((await b.runtime.invoke("nope", {})).Payload)), {
      errorType: "Runtime.HandlerNotFound",
      errorMessage: "index.nope is undefined or not exported",
    });
    assert.deepEqual(pick(JSON.parse((await b.runtime.invoke("value", {})).Payload)), {
      errorType: "Runtime.HandlerNotFound",
      errorMessage: "index.value is not a function",
    });
    assert.ok(b.lines("nope").some((l) => /^\S+Z\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.HandlerNotFound"/.test(l)));
  });

  it("lambda: Invoke of an unknown function is ResourceNotFoundException 'Function not found: <arn>' (Lambda API Invoke errors)", async () => {
    await assert.rejects(b.runtime.invoke("ghost", {}), (e: Error & { code?: string; statusCode?: number }) => {
      assert.equal(e.code, "ResourceNotFoundException");
      assert.equal(e.statusCode, 404);
      assert.equal(e.message, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost");
      return true;
    });
  });
});

function pick(e: { errorType: string; errorMessage: string }) {
  return { errorType: e.errorType, errorMessage: e.errorMessage };
}
