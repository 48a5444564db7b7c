import { createReadStream, watch, type FSWatcher } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Clock } from "../../../core/clock.js";
import type { Log } from "../../../core/log.js";
import type { BucketState } from "../bucket-state.js";
import { contentTypeFor } from "../rest/content-type.js";

/**
 * Loads a bucket from its bound folder (local.buckets.<name>.folder), as `aws s3 sync` would:
 * key = relative path with `/`, Content-Type by extension. Unchanged files (same size and mtime)
 * are skipped; seeded objects whose file is gone are deleted. A watcher re-syncs after changes.
 */
export async function syncFolder(bucket: BucketState, folder: string, now: () => number): Promise<{ written: number; deleted: number }> {
  const seen = new Set<string>();
  let written = 0;
  for (const file of await walk(folder)) {
    const key = relative(folder, file).split(sep).join("/");
    seen.add(key);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    const cur = bucket.store.head(key);
    if (cur?.seed && cur.seed.mtimeMs === st.mtimeMs && cur.seed.size === st.size) continue;
    await bucket.store.write(key, createReadStream(file), (_size, md5) => ({
      etag: `"${md5.toString("hex")}"`,
      lastModified: Math.floor(Math.min(st.mtimeMs, now()) / 1000) * 1000,
      contentType: contentTypeFor(key),
      headers: {},
      metadata: {},
      checksums: {},
      seed: { mtimeMs: st.mtimeMs, size: st.size },
    }));
    written++;
  }
  let deleted = 0;
  for (const key of bucket.store.sortedKeys()) {
    if (!seen.has(key) && bucket.store.head(key)?.seed) {
      await bucket.store.delete(key);
      deleted++;
    }
  }
  return { written, deleted };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Re-syncs 200 ms after the last change under `folder`. */
export function watchFolder(bucket: BucketState, folder: string, clock: Clock, log: Log): () => void {
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(folder, { recursive: true }, () => {
      if (timer) clock.clearTimeout(timer);
      timer = clock.setTimeout(() => {
        running = running
          .then(() => syncFolder(bucket, folder, () => clock.now()))
          .then((r) => log.debug(`bucket ${bucket.name}: re-synced from ${folder} (${r.written} written, ${r.deleted} deleted)`))
          .catch((e: unknown) => log.warn(`bucket ${bucket.name}: re-sync from ${folder} failed: ${(e as Error).message}`));
      }, 200);
    });
    watcher.on("error", (e) => log.warn(`bucket ${bucket.name}: watching ${folder} stopped: ${e.message}`));
  } catch (e) {
    log.warn(`bucket ${bucket.name}: cannot watch ${folder} for changes (${(e as Error).message}); restart to re-sync`);
  }
  return () => {
    if (timer) clock.clearTimeout(timer);
    watcher?.close();
  };
}
