import type { ApiAnswer, ApiCall } from "../../../core/service.js";
import { formatKeyValueStoreFile, MAX_KVS_BYTES, MAX_KVS_KEY_CHARS, MAX_KVS_VALUE_CHARS } from "../functions/index.js";
import { conflict, resourceNotFound, serviceQuotaExceeded, validationError } from "./kvs-errors.js";
import { assertWritable, findStore, metaOf, totalSizeOf, writeStore, type FoundStore, type KvsApiContext, type StoreMeta } from "./kvs-store.js";

/**
 * The six operations of the CloudFront KeyValueStore API (2022-07-26, restJson1; API Reference
 * "Amazon CloudFront KeyValueStore"): DescribeKeyValueStore, GetKey, ListKeys, PutKey, DeleteKey,
 * UpdateKeys. Writes need the data's current ETag in If-Match (a stale one is ConflictException)
 * and run one at a time (`serialize`), so the check and the write cannot interleave with another.
 */
export interface KvsOperationContext extends KvsApiContext {
  /** Runs write jobs one after another. */
  serialize<T>(job: () => Promise<T>): Promise<T>;
}

/** ListKeys: "The default is 10 and maximum allowed page is 50" (SDK model, ListKeysRequest.MaxResults). */
const LIST_DEFAULT = 10;
const LIST_MAX = 50;
/** UpdateKeys quota: 50 keys or a 3 MB payload per request (UNCONFIRMED; third-party docs quoting AWS's default quota). */
const MAX_BATCH_KEYS = 50;
const MAX_BATCH_BYTES = 3 * 1024 * 1024;
/** The model's length constraint on Key (API Reference PutKey: 1 to 1024). */
const MAX_KEY_PARAM = 1024;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** restJson1 timestamps are epoch seconds. */
const epochSeconds = (iso: string) => Date.parse(iso) / 1000;

const metaAnswer = (m: StoreMeta): ApiAnswer => json(200, { ItemCount: m.ItemCount, TotalSizeInBytes: m.TotalSizeInBytes }, { etag: m.ETag });

export function describeKeyValueStore(ctx: KvsApiContext, arn: string): ApiAnswer {
  const s = findStore(ctx, arn);
  const m = metaOf(s);
  return json(
    200,
    {
      ItemCount: m.ItemCount,
      TotalSizeInBytes: m.TotalSizeInBytes,
      KvsARN: s.arn,
      Created: epochSeconds(s.created),
      ETag: m.ETag,
      LastModified: epochSeconds(s.modified),
      Status: "READY",
    },
    { etag: m.ETag },
  );
}

export function getKey(ctx: KvsApiContext, arn: string, key: string): ApiAnswer {
  checkKey(key, "Key");
  const s = findStore(ctx, arn);
  const value = s.holder.data.get(key);
  if (value === undefined) throw resourceNotFound(`The key ${key} was not found in the key value store ${s.name}.`);
  const m = metaOf(s);
  return json(200, { Key: key, Value: value, ItemCount: m.ItemCount, TotalSizeInBytes: m.TotalSizeInBytes });
}

/** Keys in code-unit order; NextToken is the last key listed, base64url-encoded. */
export function listKeys(ctx: KvsApiContext, arn: string, call: ApiCall): ApiAnswer {
  const s = findStore(ctx, arn);
  const rawMax = call.query.get("MaxResults");
  const max = rawMax === null ? LIST_DEFAULT : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > LIST_MAX) throw validationError(`MaxResults must be an integer from 1 to ${LIST_MAX}; got '${rawMax}'.`);
  const token = call.query.get("NextToken");
  let after: string | undefined;
  if (token !== null) {
    after = Buffer.from(token, "base64url").toString("utf8");
    if (token === "" || Buffer.from(after, "utf8").toString("base64url") !== token) throw validationError("The NextToken is not valid.");
  }
  const keys = [...s.holder.data.keys()].sort().filter((k) => after === undefined || k > after);
  const page = keys.slice(0, max);
  const more = keys.length > max;
  return json(200, {
    ...(more ? { NextToken: Buffer.from(page[page.length - 1]!, "utf8").toString("base64url") } : {}),
    Items: page.map((Key) => ({ Key, Value: s.holder.data.get(Key)! })),
  });
}

export function putKey(ctx: KvsOperationContext, arn: string, key: string, call: ApiCall): Promise<ApiAnswer> {
  const body = readBody(call) as { Value?: unknown };
  if (typeof body.Value !== "string") throw validationError("Value is required and must be a string.");
  const value = body.Value;
  checkKey(key, "Key");
  checkItem(key, value, "Key");
  return write(ctx, arn, call, (data) => {
    const next = new Map(data);
    next.set(key, value);
    return next;
  });
}

export function deleteKey(ctx: KvsOperationContext, arn: string, key: string, call: ApiCall): Promise<ApiAnswer> {
  checkKey(key, "Key");
  return write(ctx, arn, call, (data, s) => {
    // UNCONFIRMED: AWS's answer to deleting a key the store lacks; the model lists ResourceNotFoundException.
    if (!data.has(key)) throw resourceNotFound(`The key ${key} was not found in the key value store ${s.name}.`);
    const next = new Map(data);
    next.delete(key);
    return next;
  });
}

export function updateKeys(ctx: KvsOperationContext, arn: string, call: ApiCall): Promise<ApiAnswer> {
  if (call.body.length > MAX_BATCH_BYTES) throw serviceQuotaExceeded(`An UpdateKeys request carries at most ${MAX_BATCH_BYTES} bytes.`);
  const body = readBody(call) as { Puts?: unknown; Deletes?: unknown };
  const puts = listOf(body.Puts, "Puts").map((p, i) => {
    const { Key, Value } = (p ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== "string" || typeof Value !== "string") throw validationError(`Puts[${i}]: Key and Value are required strings.`);
    checkKey(Key, `Puts[${i}].Key`);
    checkItem(Key, Value, `Puts[${i}].Key`);
    return { Key, Value };
  });
  const deletes = listOf(body.Deletes, "Deletes").map((d, i) => {
    const { Key } = (d ?? {}) as { Key?: unknown };
    if (typeof Key !== "string") throw validationError(`Deletes[${i}]: Key is a required string.`);
    checkKey(Key, `Deletes[${i}].Key`);
    return Key;
  });
  if (puts.length + deletes.length > MAX_BATCH_KEYS)
    throw serviceQuotaExceeded(`An UpdateKeys request changes at most ${MAX_BATCH_KEYS} keys; this one has ${puts.length + deletes.length}.`);
  const seen = new Set<string>();
  for (const k of [...puts.map((p) => p.Key), ...deletes]) {
    // UNCONFIRMED: AWS's answer to a key named twice in one batch; all-or-nothing makes it ambiguous, so it is refused.
    if (seen.has(k)) throw validationError(`The key ${k} appears more than once in the request.`);
    seen.add(k);
  }
  return write(ctx, arn, call, (data) => {
    const next = new Map(data);
    // UNCONFIRMED: a Delete of a key the store lacks is a no-op here.
    for (const k of deletes) next.delete(k);
    for (const p of puts) next.set(p.Key, p.Value);
    return next;
  });
}

/** If-Match, then the change, then the store-size quota, then persist — all inside one serialized job. */
function write(
  ctx: KvsOperationContext,
  arn: string,
  call: ApiCall,
  change: (data: ReadonlyMap<string, string>, s: FoundStore) => ReadonlyMap<string, string>,
): Promise<ApiAnswer> {
  const ifMatch = call.headers["if-match"];
  if (typeof ifMatch !== "string" || ifMatch === "")
    throw validationError("The If-Match header (the store's current ETag, from DescribeKeyValueStore) is required.");
  return ctx.serialize(async () => {
    const s = findStore(ctx, arn);
    assertWritable(s);
    const current = metaOf(s);
    if (ifMatch !== current.ETag)
      throw conflict(`The If-Match ETag ${ifMatch} is not the key value store's current version (${current.ETag}); read it again with DescribeKeyValueStore.`);
    const next = change(s.holder.data, s);
    if (next.size === s.holder.data.size && [...next].every(([k, v]) => s.holder.data.get(k) === v)) return metaAnswer(current);
    // Divergence from AWS: the 5 MB counts the store's data file (AWS's import format, a few % over
    // TotalSizeInBytes), so what the API wrote is always a file a restart can import again.
    const text = formatKeyValueStoreFile(next);
    const size = Buffer.byteLength(text);
    if (size > MAX_KVS_BYTES)
      throw serviceQuotaExceeded(
        `The key value store ${s.name} would take ${size} bytes (${totalSizeOf(next)} of keys and values); a key value store holds at most ${MAX_KVS_BYTES} (5 MB).`,
      );
    return metaAnswer(await writeStore(ctx, s, next, text));
  });
}

function readBody(call: ApiCall): unknown {
  if (call.body.length === 0) return {};
  try {
    const v = JSON.parse(call.body.toString("utf8")) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v;
  } catch (e) {
    throw validationError(`The request body is not a JSON object: ${(e as Error).message}`);
  }
}

function listOf(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError(`${field} must be a list.`);
  return v;
}

/** The model's Key constraint (1 to 1024). */
function checkKey(key: string, field: string): void {
  if (key.length < 1 || key.length > MAX_KEY_PARAM) throw validationError(`${field} must be 1 to ${MAX_KEY_PARAM} characters long.`);
}

/** A store item's own limits (cloudfront.md §13.4: key ≤ 512 characters, value ≤ 1,024). */
function checkItem(key: string, value: string, field: string): void {
  if (key.length > MAX_KVS_KEY_CHARS)
    throw validationError(`${field}: a key in a key value store is at most ${MAX_KVS_KEY_CHARS} characters; '${key.slice(0, 32)}…' has ${key.length}.`);
  if (value.length > MAX_KVS_VALUE_CHARS)
    throw validationError(`The value of ${key} has ${value.length} characters; a value is at most ${MAX_KVS_VALUE_CHARS}.`);
}
