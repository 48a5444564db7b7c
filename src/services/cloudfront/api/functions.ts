import { z } from "zod";
import type { ApiAnswer, ApiCall } from "../../../core/service.js";
import { listItems } from "../../../model/aws-list.js";
import type { Stack } from "../../../model/stack.js";
import { functionCodeProblem } from "../compile/load-functions.js";
import { compileCloudFrontFunction, functionArn, testCloudFrontFunction, type FunctionStage } from "../functions/index.js";
import { FunctionConfigSchema, functionNameOf, keyValueStoreRefOf, type FunctionEntry } from "../schema/functions.js";
import { accessDenied, functionAlreadyExists, functionInUse, functionSizeLimitExceeded, invalidArgument, noSuchFunctionExists } from "./api-errors.js";
import {
  checkIfMatch,
  etagOf,
  readRequest,
  isoNow,
  mutate,
  page,
  records,
  section,
  xmlAnswer,
  type CloudFrontApiContext,
  type Operation,
} from "./operation.js";

/**
 * CloudFront Functions through the API (API Reference: CreateFunction … TestFunction; cloudfront.md
 * §13). Two stages as AWS keeps them: DEVELOPMENT (records, what Update changes and Test runs) and
 * LIVE (the fragment's `functions:` entry with the code inline, what PublishFunction writes and the
 * only stage a behaviour runs). A function of the stack file is LIVE in both stages and changes
 * only through the file. The code passes the same size and syntax checks as a stack file's.
 */
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

const CreateSchema = z.object({ Name: z.string(), FunctionConfig: FunctionConfigSchema, FunctionCode: z.string() });
const UpdateSchema = z.object({ FunctionConfig: FunctionConfigSchema, FunctionCode: z.string() });
const TestSchema = z.object({ Stage: z.string().optional(), EventObject: z.string() });

interface Staged {
  name: string;
  entry: FunctionEntry;
  stage: FunctionStage;
  created: string;
  modified: string;
  /** Defined in the stack file (changes there only). */
  fromFile: boolean;
  published: boolean;
}

function stageOf(call: ApiCall): FunctionStage {
  const s = call.query.get("Stage") ?? "DEVELOPMENT";
  if (s !== "DEVELOPMENT" && s !== "LIVE") throw invalidArgument(`Stage must be DEVELOPMENT or LIVE, not '${s}'.`);
  return s;
}

/** The function at a stage; NoSuchFunctionExists when it has none (an unpublished function has no LIVE stage). */
function find(ctx: CloudFrontApiContext, name: string, stage: FunctionStage): Staged {
  const live = ctx.stackApi.live().functions[name];
  const rec = records(ctx).functions[name];
  if (rec && stage === "DEVELOPMENT")
    return { name, entry: rec.development, stage, created: rec.created, modified: rec.developmentModified, fromFile: false, published: live !== undefined };
  if (!live) throw noSuchFunctionExists();
  const fromFile = ctx.stackApi.ownerOf("functions", name) !== "api";
  return { name, entry: live, stage, created: rec?.created ?? ctx.startedAt, modified: rec?.liveModified ?? ctx.startedAt, fromFile, published: true };
}

/** The ETag of one stage of a function: it changes with the stage's configuration and code. */
const etag = (f: Staged) => etagOf(`function:${f.name}:${f.stage}`, f.entry);

function summary(f: Staged): Record<string, unknown> {
  const kvs = listItems(f.entry.FunctionConfig.KeyValueStoreAssociations);
  return {
    Name: f.name,
    // AWS: UNPUBLISHED until the first PublishFunction; DEPLOYED once the LIVE stage serves.
    Status: f.published ? "DEPLOYED" : "UNPUBLISHED",
    FunctionConfig: {
      Comment: f.entry.FunctionConfig.Comment,
      Runtime: f.entry.FunctionConfig.Runtime,
      ...(kvs.length ? { KeyValueStoreAssociations: { Items: kvs } } : {}),
    },
    FunctionMetadata: { FunctionARN: functionArn(f.name), Stage: f.stage, CreatedTime: f.created, LastModifiedTime: f.modified },
  };
}

/** FunctionCode is a base64 blob in the XML; the same checks as a stack file's code (compile/load-functions.ts). */
function decodeCode(name: string, config: FunctionEntry["FunctionConfig"], base64: string): string {
  const code = Buffer.from(base64, "base64").toString("utf8");
  if (code.trim() === "") throw invalidArgument("FunctionCode must not be empty.");
  const refused = functionCodeProblem(code, config.Runtime, undefined, name);
  if (refused?.code === "FunctionSizeLimitExceeded") throw functionSizeLimitExceeded(refused.message);
  if (refused) throw invalidArgument(refused.message);
  return code;
}

function ownedByApi(f: Staged, verb: string): void {
  if (f.fromFile) throw accessDenied(`Function ${f.name} is defined in the stack file; ${verb} it there (edgeparity re-applies the file when it changes).`);
}

function isAssociated(live: Stack, name: string): boolean {
  return Object.values(live.distributions).some((dc) =>
    [dc.DefaultCacheBehavior, ...listItems(dc.CacheBehaviors)].some((b) =>
      listItems(b.FunctionAssociations).some((a) => functionNameOf(a.FunctionARN) === name),
    ),
  );
}

const prefix = (name: string) => `functions.${name}.`;

function answer(status: number, f: Staged, headers: Record<string, string> = {}): ApiAnswer {
  return xmlAnswer(status, "FunctionSummary", summary(f), { etag: etag(f), ...headers });
}

const create: Operation["run"] = async (call, _p, ctx) => {
  const body = readRequest(call, "CreateFunctionRequest", CreateSchema);
  if (!FUNCTION_NAME.test(body.Name)) throw invalidArgument(`The function name '${body.Name}' is not valid: 1 to 64 letters, digits, hyphens and underscores.`);
  const code = decodeCode(body.Name, body.FunctionConfig, body.FunctionCode);
  await mutate(ctx, prefix(body.Name), ({ records: r }) => {
    if (r.functions[body.Name] || ctx.stackApi.live().functions[body.Name]) throw functionAlreadyExists();
    checkKeyValueStores(ctx, body.FunctionConfig);
    const now = isoNow(ctx);
    r.functions[body.Name] = { development: { FunctionConfig: body.FunctionConfig, FunctionCode: code }, created: now, developmentModified: now };
  });
  const f = find(ctx, body.Name, "DEVELOPMENT");
  return answer(201, f, { location: `${call.endpoint}/2020-05-31/function/${functionArn(body.Name)}` });
};

/** A KeyValueStore association names a store of the live stack, with the 2.0 runtime, at most one (§13.1). */
function checkKeyValueStores(ctx: CloudFrontApiContext, config: FunctionEntry["FunctionConfig"]): void {
  const kvs = listItems(config.KeyValueStoreAssociations);
  if (kvs.length && config.Runtime === "cloudfront-js-1.0") throw invalidArgument("KeyValueStore associations need the cloudfront-js-2.0 runtime.");
  if (kvs.length > 1) throw invalidArgument("A function can be associated with at most one KeyValueStore.");
  for (const k of kvs)
    if (!(keyValueStoreRefOf(k.KeyValueStoreARN) in ctx.stackApi.live().keyValueStores))
      throw invalidArgument(`The key value store '${k.KeyValueStoreARN}' does not exist.`);
}

const describe: Operation["run"] = async (call, [name], ctx) => answer(200, find(ctx, name!, stageOf(call)));

/** GetFunction: the code itself as the body (`application/octet-stream`), the stage's ETag. */
const get: Operation["run"] = async (call, [name], ctx) => {
  const f = find(ctx, name!, stageOf(call));
  const code = f.fromFile ? (ctx.functions().get(f.name)?.code ?? f.entry.FunctionCode) : f.entry.FunctionCode;
  return { status: 200, headers: { "content-type": "application/octet-stream", etag: etag(f) }, body: code };
};

const update: Operation["run"] = async (call, [name], ctx) => {
  const body = readRequest(call, "UpdateFunctionRequest", UpdateSchema);
  const code = decodeCode(name!, body.FunctionConfig, body.FunctionCode);
  await mutate(ctx, prefix(name!), ({ records: r }) => {
    const f = find(ctx, name!, "DEVELOPMENT");
    ownedByApi(f, "change");
    checkIfMatch(call, etag(f));
    checkKeyValueStores(ctx, body.FunctionConfig);
    r.functions[name!] = { ...r.functions[name!]!, development: { FunctionConfig: body.FunctionConfig, FunctionCode: code }, developmentModified: isoNow(ctx) };
  });
  // The API model reads UpdateFunction's ETag from an `ETtag` header (AWS's spelling there); both are sent.
  const f = find(ctx, name!, "DEVELOPMENT");
  return answer(200, f, { ettag: etag(f) });
};

/** PublishFunction: DEVELOPMENT becomes LIVE, i.e. the fragment's entry — a revision, served at once. */
const publish: Operation["run"] = async (call, [name], ctx) => {
  await mutate(ctx, prefix(name!), ({ stack, records: r }) => {
    const f = find(ctx, name!, "DEVELOPMENT");
    ownedByApi(f, "publish");
    checkIfMatch(call, etag(f));
    section(stack, "functions")[name!] = f.entry;
    r.functions[name!] = { ...r.functions[name!]!, liveModified: isoNow(ctx) };
  });
  return answer(200, find(ctx, name!, "LIVE"));
};

/** DeleteFunction: If-Match of the DEVELOPMENT stage; refused while a behaviour names the function (FunctionInUse). */
const remove: Operation["run"] = async (call, [name], ctx) => {
  await mutate(ctx, prefix(name!), ({ stack, records: r }) => {
    const f = find(ctx, name!, "DEVELOPMENT");
    ownedByApi(f, "delete");
    checkIfMatch(call, etag(f));
    if (isAssociated(ctx.stackApi.live(), name!)) throw functionInUse();
    delete section(stack, "functions")[name!];
    delete r.functions[name!];
  });
  return { status: 204 };
};

/** ListFunctions: every function at the stage asked (DEVELOPMENT unless `Stage=LIVE`), by name. */
const list: Operation["run"] = async (call, _p, ctx) => {
  const stage = stageOf(call);
  const names = [...new Set([...Object.keys(records(ctx).functions), ...Object.keys(ctx.stackApi.live().functions)])].sort();
  const all = names.flatMap((n) => {
    try {
      return [find(ctx, n, stage)];
    } catch {
      return [];
    }
  });
  const p = page(all, (f) => f.name, call);
  return xmlAnswer(200, "FunctionList", {
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    Items: p.items.map(summary),
  });
};

/**
 * TestFunction: the event object (base64 JSON) through the stage's code in the test runtime
 * (functions/test-function.ts). The LIVE stage is the running revision's compiled function; the
 * DEVELOPMENT stage of an API function is compiled for the call, with the live KeyValueStore.
 */
const test: Operation["run"] = async (call, [name], ctx) => {
  const body = readRequest(call, "TestFunctionRequest", TestSchema);
  const stage = body.Stage === "LIVE" ? "LIVE" : "DEVELOPMENT";
  const f = find(ctx, name!, stage);
  checkIfMatch(call, etag(f));
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(body.EventObject, "base64").toString("utf8"));
  } catch (e) {
    throw invalidArgument(`The event object is not valid JSON: ${(e as Error).message}`);
  }
  const running = ctx.functions().get(f.name);
  const useRunning = running && (f.fromFile || stage === "LIVE");
  const kvsRef = listItems(f.entry.FunctionConfig.KeyValueStoreAssociations)[0]?.KeyValueStoreARN;
  const fn = useRunning
    ? running
    : compileCloudFrontFunction({
        name: f.name,
        runtime: f.entry.FunctionConfig.Runtime,
        comment: f.entry.FunctionConfig.Comment,
        code: f.entry.FunctionCode,
        keyValueStore: kvsRef === undefined ? undefined : ctx.keyValueStores().find((k) => k.name === keyValueStoreRefOf(kvsRef)),
        now: new Date(f.created),
      });
  const result = testCloudFrontFunction(fn, event, stage, ctx.clock.now());
  const s = summary(f);
  return xmlAnswer(200, "TestResult", { ...result, FunctionSummary: s });
};

export const FUNCTION_OPERATIONS: readonly Operation[] = [
  { name: "CreateFunction", method: "POST", path: "/function", run: create },
  { name: "ListFunctions", method: "GET", path: "/function", run: list },
  { name: "DescribeFunction", method: "GET", path: "/function/{Id}/describe", run: describe },
  { name: "GetFunction", method: "GET", path: "/function/{Id}", run: get },
  { name: "UpdateFunction", method: "PUT", path: "/function/{Id}", run: update },
  { name: "PublishFunction", method: "POST", path: "/function/{Id}/publish", run: publish },
  { name: "TestFunction", method: "POST", path: "/function/{Id}/test", run: test },
  { name: "DeleteFunction", method: "DELETE", path: "/function/{Id}", run: remove },
];
