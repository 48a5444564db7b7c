import { readdir } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Clock, TimerHandle } from "../core/clock.js";
import { EdgeparityError } from "../core/errors.js";
import type { Log } from "../core/log.js";
import { describeChanges } from "../engine/describe-changes.js";
import type { EdgeparityStack } from "../index.js";
import type { Stack } from "../model/stack.js";
import { SourceWatcher, type WatchTarget } from "./watch-sources.js";

/**
 * `edgeparity up`'s live reload (issue 9). Steps: watch the stack file(s) and the Lambda handler
 * files of the revision being served → debounce the events → `stack.update(config)` (one at a
 * time; edits during an update make exactly one more) → describe what changed in AWS terms, or
 * report why the revision was refused (the old one keeps serving) → watch the new revision's files.
 * Bound bucket folders are not watched here: S3 re-syncs a folder's objects itself
 * (services/s3/seed), and an object is not a new revision. A handler file edit makes a new
 * revision of the same stack: each revision's load balancers get a fresh Lambda runtime whose
 * execution environments import the handler anew, so the next request runs the new code.
 */
export interface LiveReloadOptions {
  stack: Pick<EdgeparityStack, "update" | "model" | "sources">;
  /** What `update` re-reads: the stack file or folder `up` was started with. */
  config: string;
  /** The config is a folder: a stack file added to it counts too. */
  configIsFolder: boolean;
  /** Whether a file name in a config folder could be a stack source (the importers' patterns). */
  isStackFileName(name: string): boolean;
  clock: Clock;
  log: Log;
  /** Quiet period after the last file event before updating. Default 100 ms. */
  debounceMs?: number;
  onApplied(r: { revision: number; changes: string[]; ms: number }): void;
  onRejected(r: { revision: number; serving: number; error: Error }): void;
}

export interface LiveReload {
  /** The files and folders watched now (stack files, handler files, a config folder). */
  readonly watched: readonly WatchTarget[];
  /** Stops watching; resolves once an update in progress has ended. */
  close(): Promise<void>;
}

/** Resolves once the first revision's files are watched. */
export async function startLiveReload(o: LiveReloadOptions): Promise<LiveReload> {
  const debounceMs = o.debounceMs ?? 100;
  const changed = new Set<string>();
  /** Handler files edited since the last revision that applied. */
  const unapplied = new Set<string>();
  let timer: TimerHandle | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let watched: WatchTarget[] = [];
  /** Handler file (absolute) → the target groups whose Lambda target runs it. */
  let handlers = new Map<string, string[]>();

  const watcher = new SourceWatcher((path) => {
    if (closed) return;
    changed.add(path);
    if (timer) o.clock.clearTimeout(timer);
    timer = o.clock.setTimeout(() => {
      timer = undefined;
      kick();
    }, debounceMs);
  }, o.log);

  const rewatch = () => {
    const { stack, baseDir } = o.stack.model;
    handlers = lambdaHandlers(stack, baseDir);
    const bound = new Set([...boundFolders(stack, baseDir), ...handlers.keys()]);
    watched = [...o.stack.sources.filter((s) => !bound.has(s)).map((file) => ({ file })), ...[...handlers.keys()].map((file) => ({ file }))];
    if (folder) watched.push({ folder, accepts: (name) => o.isStackFileName(name) && !passedOver.has(name) });
    watcher.set(watched);
    o.log.debug(`watch: ${watcher.folders.join(", ")}`);
  };

  const kick = () => {
    if (running) return void (again = true);
    running = (async () => {
      do {
        again = false;
        const files = [...changed];
        changed.clear();
        await updateOnce(files).catch((e: unknown) => o.log.error(`watch: ${describeUpdateError(e as Error)}`));
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  const updateOnce = async (files: string[]) => {
    const before = o.stack.model;
    const started = performance.now();
    try {
      await o.stack.update(o.config);
    } catch (e) {
      if (closed) return;
      const error = e instanceof Error ? e : new Error(String(e));
      // A handler edited alongside a refused stack edit is reported by the revision that applies it.
      for (const f of files) if (handlers.has(f)) unapplied.add(f);
      return o.onRejected({ revision: before.revision + 1, serving: before.revision, error });
    }
    const after = o.stack.model;
    const changes = describeChanges(before.stack, after.stack);
    for (const f of new Set([...unapplied, ...files]))
      for (const tg of handlers.get(f) ?? []) changes.push(`target group ${tg}: Lambda handler ${relative(after.baseDir, f) || f} changed`);
    unapplied.clear();
    rewatch();
    if (!closed) o.onApplied({ revision: after.revision, changes, ms: performance.now() - started });
  };

  // In a stack folder, the files present at start that the importers passed over (package.json
  // beside edgeparity.yaml) are not watched: `npm install` is no revision. Files created later are.
  const folder = o.configIsFolder ? resolve(o.config) : undefined;
  const passedOver = new Set<string>();
  if (folder) {
    const sources = new Set(o.stack.sources);
    for (const e of await readdir(folder, { withFileTypes: true }).catch(() => []))
      if (e.isFile() && !sources.has(join(folder, e.name))) passedOver.add(e.name);
  }
  rewatch();
  return {
    get watched() {
      return watched;
    },
    async close() {
      closed = true;
      if (timer) o.clock.clearTimeout(timer);
      watcher.close();
      await running;
    },
  };
}

/** The operator-facing text of an update's failure: an EdgeparityError's message lists every problem with its field path. */
export function describeUpdateError(e: Error): string {
  return e instanceof EdgeparityError ? e.message : `internal error: ${e.stack ?? e.message}`;
}

function lambdaHandlers(stack: Stack, baseDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [tg, b] of Object.entries(stack.local.targetGroups))
    for (const t of b.targets)
      if (typeof t === "object" && "lambda" in t) {
        const file = absolute(t.lambda, baseDir);
        out.set(file, [...(out.get(file) ?? []), tg]);
      }
  return out;
}

/** Bucket folders and target command folders: never a reason for a new revision. */
function boundFolders(stack: Stack, baseDir: string): string[] {
  const out = Object.values(stack.local.buckets).map((b) => absolute(b.folder, baseDir));
  for (const b of Object.values(stack.local.targetGroups))
    for (const t of b.targets) if (typeof t === "object" && "command" in t && t.cwd) out.push(absolute(t.cwd, baseDir));
  return out;
}

function absolute(p: string, baseDir: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}
