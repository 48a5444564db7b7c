import { createHash } from "node:crypto";
import { LOCAL_ACCOUNT_ID } from "../../../core/account.js";
import type { Clock } from "../../../core/clock.js";
import { stableId } from "../../../core/ids.js";
import type { StackApi } from "../../../core/service.js";
import { writeAtomically } from "../../../core/write-atomically.js";
import { fillRecords, records, SERVICE, type CloudFrontRecords } from "../api/operation.js";
import { noteOwnKeyValueStoreWrite, type KeyValueStore } from "../functions/index.js";
import { accessDeniedException, resourceNotFound } from "./kvs-errors.js";

/**
 * One KeyValueStore as the data-plane API sees it: the serving revision's holder (what functions
 * read through `cf.kvs()`), who owns it (API or stack file), and its data version. Writes go
 * data file (atomic) → version in the CloudFront records (`api/stack.json`) → the holder, so a
 * function's next read sees the write and a restart serves it.
 */
export interface KvsApiContext {
  stackApi: StackApi;
  clock: Clock;
  /** Created/LastModified of stores the API never wrote (the stack file's): when the service started. */
  startedAt: string;
  /** The serving revision's store holders (module.ts). */
  keyValueStores(): readonly KeyValueStore[];
}

export interface FoundStore {
  name: string;
  arn: string;
  holder: KeyValueStore;
  /** Bound to a file by the stack file: readable here, written only by editing that file. */
  fromFile: boolean;
  version: number;
  created: string;
  modified: string;
}

/** What PutKey, DeleteKey, UpdateKeys answer and DescribeKeyValueStore includes. */
export interface StoreMeta {
  ItemCount: number;
  TotalSizeInBytes: number;
  ETag: string;
}

const KVS_ARN = /^arn:aws:cloudfront::(\d{12}):key-value-store\/([^/]+)$/;

export function findStore(ctx: KvsApiContext, arn: string): FoundStore {
  const m = KVS_ARN.exec(arn);
  const name = m?.[2];
  const missing = () => resourceNotFound(`The key value store ${arn} was not found.`);
  if (!m || m[1] !== LOCAL_ACCOUNT_ID || name === undefined) throw missing();
  if (!ctx.stackApi.live().keyValueStores[name]) throw missing();
  const holder = ctx.keyValueStores().find((k) => k.name === name);
  if (!holder) throw missing();
  const fromFile = ctx.stackApi.ownerOf("keyValueStores", name) !== "api";
  const rec = fromFile ? undefined : records(ctx).keyValueStores[name];
  return {
    name,
    arn,
    holder,
    fromFile,
    version: rec?.dataVersion ?? 0,
    created: rec?.created ?? ctx.startedAt,
    modified: rec?.dataModified ?? (fromFile ? holder.updatedAt.toISOString() : (rec?.created ?? ctx.startedAt)),
  };
}

/** Writes to a stack-file store are refused: the stack file's resources are read-only through the API (README). */
export function assertWritable(s: FoundStore): void {
  if (s.fromFile)
    throw accessDeniedException(
      `The key value store ${s.name} is bound by the stack file to ${s.holder.file}; change its keys by editing that file (edgeparity re-reads it when it changes).`,
    );
}

/** Digest and byte size per data map (a map is replaced, never changed, so identity keys the cache). */
const SUMMARIES = new WeakMap<ReadonlyMap<string, string>, { digest: string; bytes: number }>();

function summaryOf(data: ReadonlyMap<string, string>): { digest: string; bytes: number } {
  let s = SUMMARIES.get(data);
  if (s) return s;
  const h = createHash("sha256");
  let bytes = 0;
  for (const key of [...data.keys()].sort()) {
    const value = data.get(key)!;
    h.update(`${key.length}:${key}${value.length}:${value}`);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  s = { digest: h.digest("hex"), bytes };
  SUMMARIES.set(data, s);
  return s;
}

/** Σ UTF-8 bytes of keys and values (UNCONFIRMED: how AWS counts TotalSizeInBytes). */
export const totalSizeOf = (data: ReadonlyMap<string, string>) => summaryOf(data).bytes;

/**
 * The data's ETag: changes with every write (the version) and with the content (a stack-file
 * store's file edited), and is the same after a restart. It is not the control plane's ETag
 * (CloudFront's DescribeKeyValueStore), as in AWS.
 */
export function metaOf(s: FoundStore): StoreMeta {
  const { digest, bytes } = summaryOf(s.holder.data);
  return { ItemCount: s.holder.data.size, TotalSizeInBytes: bytes, ETag: stableId(`kvs-data:${s.name}:${s.version}:${digest}`) };
}

/** Persists `next` (`text`: its data file) as the store's data and serves it; answers the new meta. */
export async function writeStore(ctx: KvsApiContext, s: FoundStore, next: ReadonlyMap<string, string>, text: string): Promise<StoreMeta> {
  noteOwnKeyValueStoreWrite(s.holder.file, text);
  await writeAtomically(s.holder.file, text);
  const now = new Date(ctx.clock.now());
  let version = s.version + 1;
  await ctx.stackApi.mutate<void, Partial<CloudFrontRecords>>(SERVICE, (d) => {
    const r = fillRecords(d.records);
    const rec = r.keyValueStores[s.name];
    if (rec) {
      version = (rec.dataVersion ?? 0) + 1;
      rec.dataVersion = version;
      rec.dataModified = now.toISOString();
    }
    d.records = r;
  });
  s.holder.replaceData(next, now);
  return metaOf({ ...s, version, modified: now.toISOString() });
}
