import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Log } from "../../../core/log.js";
import { MAX_KVS_BYTES, MAX_KVS_KEY_CHARS, MAX_KVS_VALUE_CHARS } from "./function-runtime.js";

/**
 * A CloudFront KeyValueStore bound to a local JSON file in AWS's import-source format
 * (`{"data":[{"key":"k","value":"v"}]}`, cloudfront.md §13.4/§13.5). Functions read `data`;
 * the running stack re-reads the file when it changes (`watchKeyValueStore`), as an update of the
 * store reaches functions without republishing them. The KeyValueStore data-plane API
 * (`kvs-api/`) replaces `data` of the serving revision's holder at once and writes the file.
 * Each assignment of `data` carries a `stamp` (process-wide, increasing), so a revision whose
 * holders were read before a later write takes the newer data over (`carryOverKeyValueStores`).
 */
let lastStamp = 0;

/** A new stamp; take it before reading the store's file, so any write after the read is newer. */
export function nextKeyValueStoreStamp(): number {
  return ++lastStamp;
}

export class KeyValueStore {
  data: ReadonlyMap<string, string>;
  readonly createdAt: Date;
  updatedAt: Date;
  stamp: number;

  constructor(
    readonly name: string,
    /** AWS's store id is a UUID; locally one stable per name. */
    readonly id: string,
    readonly arn: string,
    readonly file: string,
    data: ReadonlyMap<string, string>,
    now: Date,
    stamp: number = nextKeyValueStoreStamp(),
  ) {
    this.data = data;
    this.createdAt = now;
    this.updatedAt = now;
    this.stamp = stamp;
  }

  /** New data (an API write or a re-read file), newer than any before. */
  replaceData(data: ReadonlyMap<string, string>, now: Date): void {
    this.data = data;
    this.updatedAt = now;
    this.stamp = nextKeyValueStoreStamp();
  }
}

/**
 * A revision's holders take over what the previous revision's holders of the same file got after
 * the new revision read the file (an API write while the revision was being built).
 */
export function carryOverKeyValueStores(previous: readonly KeyValueStore[], next: readonly KeyValueStore[]): void {
  const byFile = new Map(previous.map((k) => [k.file, k]));
  for (const n of next) {
    const p = byFile.get(n.file);
    if (!p || p.stamp <= n.stamp) continue;
    n.data = p.data;
    n.updatedAt = p.updatedAt;
    n.stamp = p.stamp;
  }
}

/**
 * Texts edgeparity itself wrote to a store file (SHA-256, the last few per file): the folder
 * watcher's event for such a write must not replace newer data in memory with what it reads,
 * which may already be an older write's text.
 */
const OWN_WRITES = new Map<string, string[]>();
const OWN_WRITES_KEPT = 16;
const digestOf = (text: string) => createHash("sha256").update(text).digest("hex");

export function noteOwnKeyValueStoreWrite(file: string, text: string): void {
  const list = OWN_WRITES.get(file) ?? [];
  list.push(digestOf(text));
  if (list.length > OWN_WRITES_KEPT) list.shift();
  OWN_WRITES.set(file, list);
}

function isOwnWrite(file: string, text: string): boolean {
  return OWN_WRITES.get(file)?.includes(digestOf(text)) ?? false;
}

/** A store's data in AWS's import-source format, keys in order (what the API writes). */
export function formatKeyValueStoreFile(data: ReadonlyMap<string, string>): string {
  const keys = [...data.keys()].sort();
  return `{"data":[${keys.map((key) => `\n  ${JSON.stringify({ key, value: data.get(key)! })}`).join(",")}${keys.length ? "\n" : ""}]}\n`;
}

/** The file's entries, or the reason AWS's import would refuse it. */
export function parseKeyValueStoreFile(text: string): ReadonlyMap<string, string> | { error: string } {
  if (Buffer.byteLength(text) > MAX_KVS_BYTES) return { error: `the file is larger than the 5 MB a key value store holds` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  const data = (doc as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { error: 'expected {"data":[{"key":"…","value":"…"}, …]}' };
  const out = new Map<string, string>();
  for (const [i, item] of data.entries()) {
    const { key, value } = (item ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || typeof value !== "string") return { error: `data[${i}]: key and value must be strings` };
    if (key.length === 0 || key.length > MAX_KVS_KEY_CHARS) return { error: `data[${i}]: a key is 1 to ${MAX_KVS_KEY_CHARS} characters` };
    if (value.length > MAX_KVS_VALUE_CHARS) return { error: `data[${i}] (key '${key}'): a value is at most ${MAX_KVS_VALUE_CHARS} characters` };
    out.set(key, value);
  }
  return out;
}

/**
 * Re-reads the store's file whenever its folder reports the file changed (editors save by
 * rename, so the folder is watched, not the file). A file that no longer parses keeps the last
 * good data and says why. Returns the watcher's close.
 */
export function watchKeyValueStore(store: KeyValueStore, log: Log, now: () => Date): () => void {
  let watcher: FSWatcher;
  let reading = Promise.resolve();
  const reload = () => {
    reading = reading.then(async () => {
      const text = await readFile(store.file, "utf8").catch(() => undefined);
      if (text === undefined || isOwnWrite(store.file, text)) return;
      const parsed = parseKeyValueStoreFile(text);
      if ("error" in parsed) return void log.warn(`key value store ${store.name}: ${store.file}: ${parsed.error}; keeping the previous data`);
      store.replaceData(parsed, now());
      log.info(`key value store ${store.name}: ${parsed.size} key(s) from ${basename(store.file)}`);
    });
  };
  try {
    watcher = watch(dirname(store.file), { persistent: false }, (_e, name) => {
      if (name === null || name.toString() === basename(store.file)) reload();
    });
    watcher.on("error", (e) => log.warn(`key value store ${store.name}: watching ${store.file} failed: ${e.message}`));
  } catch (e) {
    log.warn(`key value store ${store.name}: cannot watch ${store.file} (${(e as Error).message}); edits are not picked up`);
    return () => {};
  }
  return () => watcher.close();
}
