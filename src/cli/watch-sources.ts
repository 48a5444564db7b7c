import { watch, type FSWatcher } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Log } from "../core/log.js";

/**
 * Watches files through their parent folders (one non-recursive `fs.watch` per folder). Editors
 * save by writing a new file and renaming it over the old one, which ends a watch held on the
 * file itself; the folder's watch sees both the rename and later edits. Events for names nobody
 * asked about are dropped, so editor swap files, and a bound bucket folder that happens to hold
 * the stack file, do not count. A watched folder (a `--config DIR`) reports the names it accepts.
 */
export type WatchTarget = { file: string } | { folder: string; accepts(name: string): boolean };

interface WatchedFolder {
  watcher: FSWatcher;
  names: Set<string>;
  accepts: ((name: string) => boolean)[];
}

export class SourceWatcher {
  readonly #folders = new Map<string, WatchedFolder>();
  readonly #onChange: (path: string) => void;
  readonly #log: Log;

  constructor(onChange: (path: string) => void, log: Log) {
    this.#onChange = onChange;
    this.#log = log;
  }

  /** Watch exactly these targets from now on: new folders get a watch, folders no longer named lose theirs. */
  set(targets: readonly WatchTarget[]): void {
    const wanted = new Map<string, { names: Set<string>; accepts: ((name: string) => boolean)[] }>();
    const entry = (dir: string) => wanted.get(dir) ?? wanted.set(dir, { names: new Set(), accepts: [] }).get(dir)!;
    for (const t of targets) {
      if ("file" in t) entry(dirname(t.file)).names.add(basename(t.file));
      else entry(t.folder).accepts.push(t.accepts);
    }
    for (const [dir, w] of this.#folders)
      if (!wanted.has(dir)) {
        w.watcher.close();
        this.#folders.delete(dir);
      }
    for (const [dir, want] of wanted) {
      const known = this.#folders.get(dir);
      if (known) {
        known.names = want.names;
        known.accepts = want.accepts;
        continue;
      }
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => this.#event(dir, name));
        watcher.on("error", (e) => {
          this.#log.warn(`watch: ${dir}: ${e.message}; edits there are not picked up until the next revision`);
          watcher.close();
          this.#folders.delete(dir);
        });
        this.#folders.set(dir, { watcher, ...want });
      } catch (e) {
        this.#log.warn(`watch: cannot watch ${dir} (${(e as Error).message}); edits there are not picked up`);
      }
    }
  }

  /** The folders being watched (for tests and debug logs). */
  get folders(): string[] {
    return [...this.#folders.keys()];
  }

  close(): void {
    for (const w of this.#folders.values()) w.watcher.close();
    this.#folders.clear();
  }

  #event(dir: string, name: string | Buffer | null): void {
    const w = this.#folders.get(dir);
    if (!w) return;
    // Some platforms give no name; then anything in the folder may have changed.
    if (name === null) return this.#onChange(dir);
    const n = name.toString();
    if (w.names.has(n) || w.accepts.some((a) => a(n))) this.#onChange(join(dir, n));
  }
}
