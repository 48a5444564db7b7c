import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ApiCall } from "../../../core/service.js";
import { listItems } from "../../../model/aws-list.js";
import { keyValueStoreArn, keyValueStoreRefOf } from "../schema/functions.js";
import { accessDenied, cannotDeleteEntityWhileInUse, entityAlreadyExists, entityNotFound, invalidArgument } from "./api-errors.js";
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
 * KeyValueStore control plane (API Reference: CreateKeyValueStore, DescribeKeyValueStore,
 * DeleteKeyValueStore, ListKeyValueStores; cloudfront.md §13.5). A store created through the API
 * is the fragment's `keyValueStores:` entry, backed by a data file in the state dir (the file a
 * stack file's store names, read and watched the same way); its AWS id and times are records.
 * Locally a store's id is its name (schema/functions.ts `keyValueStoreArn`).
 * UpdateKeyValueStore changes the Comment (If-Match: this API's ETag, not the data's).
 * Not emulated: ImportSource (an S3 object to import), refused. The data-plane API
 * (`cloudfront-keyvaluestore`, SigV4A) is kvs-api/.
 */
const NAME = /^[a-zA-Z0-9-_]{1,64}$/;

const CreateSchema = z.object({ Name: z.string(), Comment: z.string().max(128).optional(), ImportSource: z.unknown().optional() });
/** API Reference UpdateKeyValueStore: Comment is required, 0 to 128 characters. */
const UpdateSchema = z.object({ Comment: z.string().max(128).default("") });

interface Store {
  name: string;
  comment: string;
  created: string;
  modified: string;
  fromFile: boolean;
}

function find(ctx: CloudFrontApiContext, name: string): Store {
  const entry = ctx.stackApi.live().keyValueStores[name];
  if (!entry) throw entityNotFound();
  const rec = records(ctx).keyValueStores[name];
  return {
    name,
    comment: entry.Comment ?? "",
    created: rec?.created ?? ctx.startedAt,
    modified: rec?.modified ?? ctx.startedAt,
    fromFile: ctx.stackApi.ownerOf("keyValueStores", name) !== "api",
  };
}

const etag = (s: Store) => etagOf(`kvs:${s.name}`, { comment: s.comment, modified: s.modified });

function out(s: Store): Record<string, unknown> {
  return { Name: s.name, Id: s.name, Comment: s.comment, ARN: keyValueStoreArn(s.name), Status: "READY", LastModifiedTime: s.modified };
}

function dataFile(ctx: CloudFrontApiContext, name: string): string {
  return join(ctx.stateDir, "api", "key-value-stores", `${name}.json`);
}

const create: Operation["run"] = async (call, _p, ctx) => {
  const body = readRequest(call, "CreateKeyValueStoreRequest", CreateSchema);
  if (!NAME.test(body.Name)) throw invalidArgument(`The key value store name '${body.Name}' is not valid: 1 to 64 letters, digits, hyphens and underscores.`);
  if (body.ImportSource !== undefined) throw invalidArgument("ImportSource (an S3 import) is not emulated; put the keys in the store's data file instead.");
  const file = dataFile(ctx, body.Name);
  if (ctx.stackApi.live().keyValueStores[body.Name]) throw entityAlreadyExists();
  // The data file exists before the revision that names it is bound (an empty store).
  await mkdir(join(ctx.stateDir, "api", "key-value-stores"), { recursive: true });
  await writeFile(file, `{"data":[]}\n`);
  await mutate(ctx, `keyValueStores.${body.Name}.`, ({ stack, records: rec }) => {
    if (ctx.stackApi.live().keyValueStores[body.Name]) throw entityAlreadyExists();
    section(stack, "keyValueStores")[body.Name] = { ...(body.Comment ? { Comment: body.Comment } : {}), file };
    const now = isoNow(ctx);
    rec.keyValueStores[body.Name] = { Id: body.Name, created: now, modified: now };
  });
  const s = find(ctx, body.Name);
  return xmlAnswer(201, "KeyValueStore", out(s), { etag: etag(s), location: `${call.endpoint}/2020-05-31/key-value-store/${body.Name}` });
};

const describe: Operation["run"] = async (_call, [name], ctx) => {
  const s = find(ctx, keyValueStoreRefOf(name!));
  return xmlAnswer(200, "KeyValueStore", out(s), { etag: etag(s) });
};

const update: Operation["run"] = async (call, [name], ctx) => {
  const id = keyValueStoreRefOf(name!);
  const body = readRequest(call, "UpdateKeyValueStoreRequest", UpdateSchema);
  await mutate(ctx, `keyValueStores.${id}.`, ({ stack, records: rec }) => {
    const s = find(ctx, id);
    checkIfMatch(call, etag(s));
    if (s.fromFile)
      throw accessDenied(`KeyValueStore ${id} is defined in the stack file; change its Comment there (edgeparity re-applies the file when it changes).`);
    const entry = section<{ Comment?: string; file: string }>(stack, "keyValueStores")[id]!;
    if (body.Comment) entry.Comment = body.Comment;
    else delete entry.Comment;
    const r = rec.keyValueStores[id];
    if (r) r.modified = isoNow(ctx);
  });
  const s = find(ctx, id);
  return xmlAnswer(200, "KeyValueStore", out(s), { etag: etag(s) });
};

function isUsed(ctx: CloudFrontApiContext, name: string): boolean {
  const live = ctx.stackApi.live();
  const configs = [...Object.values(live.functions), ...Object.values(records(ctx).functions).map((f) => f.development)];
  return configs.some((f) => listItems(f.FunctionConfig.KeyValueStoreAssociations).some((k) => keyValueStoreRefOf(k.KeyValueStoreARN) === name));
}

const remove: Operation["run"] = async (call: ApiCall, [name], ctx) => {
  const id = keyValueStoreRefOf(name!);
  await mutate(ctx, `keyValueStores.${id}.`, ({ stack, records: rec }) => {
    const s = find(ctx, id);
    checkIfMatch(call, etag(s));
    if (s.fromFile) throw accessDenied(`KeyValueStore ${id} is defined in the stack file; delete it there (edgeparity re-applies the file when it changes).`);
    if (isUsed(ctx, id)) throw cannotDeleteEntityWhileInUse();
    delete section(stack, "keyValueStores")[id];
    delete rec.keyValueStores[id];
  });
  await rm(dataFile(ctx, id), { force: true });
  return { status: 204 };
};

const list: Operation["run"] = async (call, _p, ctx) => {
  const all = Object.keys(ctx.stackApi.live().keyValueStores)
    .sort()
    .map((n) => find(ctx, n));
  const p = page(all, (s) => s.name, call);
  return xmlAnswer(200, "KeyValueStoreList", {
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    MaxItems: p.maxItems,
    Items: p.items.map(out),
  });
};

export const KEY_VALUE_STORE_OPERATIONS: readonly Operation[] = [
  { name: "CreateKeyValueStore", method: "POST", path: "/key-value-store/?", run: create },
  { name: "ListKeyValueStores", method: "GET", path: "/key-value-store", run: list },
  { name: "DescribeKeyValueStore", method: "GET", path: "/key-value-store/{Id}", run: describe },
  { name: "UpdateKeyValueStore", method: "PUT", path: "/key-value-store/{Id}", run: update },
  { name: "DeleteKeyValueStore", method: "DELETE", path: "/key-value-store/{Id}", run: remove },
];
