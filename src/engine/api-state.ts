import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { EdgeparityError } from "../core/errors.js";
import type { Log } from "../core/log.js";
import { writeAtomically } from "../core/write-atomically.js";
import type { MutationDraft, StackApi, StackFragment } from "../core/service.js";
import type { Stack } from "../model/stack.js";
import { describeChanges } from "./describe-changes.js";

/**
 * The resources the AWS API created (issue 11), kept as a stack fragment of their own beside the
 * stack file's sources. Steps of a mutation: wait for the previous mutation or file update →
 * apply the service's change to drafts → when the fragment changed, serve file sources + draft as
 * the next revision (`serve`: the same merge, parse and engine `update()` as a stack file) →
 * persist fragment and records atomically → commit them in memory. The rule between file and API
 * is written in core/service.ts (StackApi) and the README.
 */

/** Where the fragment lives in the state dir. */
export const API_STATE_FILE = join("api", "stack.json");

interface Persisted {
  /** Bumped when the shape changes; an unknown version is refused, never half-read. */
  format: 1;
  /** The API's stack fragment, in stack-file shapes. */
  stack: StackFragment;
  /** Per service: bookkeeping the stack has no field for (ETags, CallerReferences, tags). */
  records: Record<string, unknown>;
}

export interface ApiStateHooks {
  /** The stack the current revision serves. */
  live(): Stack;
  /** Serves the file's current sources plus `fragment` as the next revision; resolves with its number, throws when refused. */
  serve(fragment: StackFragment): Promise<number>;
  /** The revision being served. */
  revision(): number;
  log: Log;
}

export class ApiState {
  #stack: StackFragment;
  #records: Record<string, unknown>;
  #queue: Promise<unknown> = Promise.resolve();
  readonly path: string;

  private constructor(path: string, persisted: Persisted) {
    this.path = path;
    this.#stack = persisted.stack;
    this.#records = persisted.records;
  }

  /** Reads `<stateDir>/api/stack.json` (absent: nothing created through the API yet). */
  static async open(stateDir: string): Promise<ApiState> {
    const path = join(stateDir, API_STATE_FILE);
    const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
    return new ApiState(path, text === undefined ? { format: 1, stack: {}, records: {} } : parsePersisted(text, path));
  }

  /** The committed fragment (do not change it; `stackApi().mutate` does). */
  get fragment(): StackFragment {
    return this.#stack;
  }

  /** The committed records of every service (do not change them), for `edgeparity export`. */
  get records(): Readonly<Record<string, unknown>> {
    return this.#records;
  }

  /**
   * Runs `job` after every mutation and file update asked for before it: file updates go through
   * here too, so each composes the other half as last committed.
   */
  serialize<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The StackApi services get in their ServiceContext. */
  stackApi(hooks: ApiStateHooks): StackApi {
    return {
      live: () => hooks.live(),
      fragment: () => structuredClone(this.#stack),
      records: <R>(service: string) => structuredClone(this.#records[service]) as R | undefined,
      ownerOf: (section, name) => {
        if (holds(this.#stack[section], name)) return "api";
        return holds((hooks.live() as Record<string, unknown>)[section], name) ? "file" : undefined;
      },
      mutate: <T, R>(service: string, change: (draft: MutationDraft<R>) => T) =>
        this.serialize(async () => {
          const draft: MutationDraft<R> = { stack: structuredClone(this.#stack), records: structuredClone(this.#records[service]) as R | undefined };
          const result = change(draft);
          const stackChanged = !isDeepStrictEqual(draft.stack, this.#stack);
          const recordsChanged = !isDeepStrictEqual(draft.records, this.#records[service]);
          let revision = hooks.revision();
          if (stackChanged) {
            const before = hooks.live();
            const started = performance.now();
            revision = await hooks.serve(draft.stack);
            const changes = describeSafely(before, hooks.live());
            const took = `${(performance.now() - started).toFixed(0)} ms`;
            hooks.log.info(`revision ${revision} (${service} API): ${changes.length ? changes.join("; ") : "no change to the stack's resources"} (${took})`);
          }
          if (stackChanged || recordsChanged) {
            const records = { ...this.#records };
            if (draft.records === undefined) delete records[service];
            else records[service] = draft.records;
            await writeAtomically(this.path, `${JSON.stringify({ format: 1, stack: draft.stack, records } satisfies Persisted, null, 2)}\n`);
            this.#stack = draft.stack;
            this.#records = records;
          }
          return { result, revision };
        }),
    };
  }
}

/** The revision line's words; a description that fails must not fail a change already served. */
function describeSafely(before: Stack, after: Stack): string[] {
  try {
    return describeChanges(before, after);
  } catch {
    return [];
  }
}

/** A record section holds `name` as a key; a list section (loadBalancers, targetGroups) as an item's Name. */
function holds(section: unknown, name: string): boolean {
  if (Array.isArray(section)) return section.some((x) => typeof x === "object" && x !== null && (x as { Name?: unknown }).Name === name);
  return typeof section === "object" && section !== null && Object.hasOwn(section, name);
}

function parsePersisted(text: string, path: string): Persisted {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new EdgeparityError(
      "STACK_INVALID",
      `${path}: the API's saved resources are not valid JSON (${(e as Error).message}); move the file away to start without them`,
      {
        cause: e,
      },
    );
  }
  const p = v as Partial<Persisted>;
  if (p?.format !== 1 || typeof p.stack !== "object" || p.stack === null || typeof p.records !== "object" || p.records === null)
    throw new EdgeparityError("STACK_INVALID", `${path}: not a saved API state this edgeparity can read (format 1); move the file away to start without it`);
  return { format: 1, stack: p.stack, records: p.records };
}
