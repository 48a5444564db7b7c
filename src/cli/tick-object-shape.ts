import { createHook } from "node:async_hooks";

/**
 * One of Node's own tick objects, held for the life of the process (issue 14, the long-running
 * slowdown; bench/README.md). `process.nextTick` builds each tick object with a literal whose
 * first keys are computed (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`),
 * and V8 defines such keys through a feedback slot that is monomorphic on its first map and turns
 * megamorphic for good as soon as it sees another. The maps of that shape are held only by live
 * tick objects (feedback and transitions hold them weakly), so a full GC that runs while the
 * tick queue is empty, as happens while the process waits for traffic, frees them; the next
 * nextTick builds new maps, every slot of the literal turns megamorphic, and optimised code
 * (nextTick inlined into the streams' `endReadable`, `onwrite`, `resume`, …, a dozen times per
 * hit) calls the runtime for each key. `perf` of a process in that state: ~9 % of its busy time
 * in `Runtime_DefineKeyedOwnPropertyInLiteral` and the map transitions under it; 1 KiB hits at
 * 21–28 µs of CPU against 15–19 µs for processes started alike that did not hit the GC there.
 * A tick object kept alive keeps its map and, through the maps' back pointers, the whole chain.
 */
let kept: object | undefined;

/** Captures a tick object once, through a one-shot async_hooks init hook (off again at once). */
export function keepTickObjectShape(): boolean {
  if (kept !== undefined) return false;
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === "TickObject" && kept === undefined) kept = resource as object;
    },
  });
  hook.enable();
  process.nextTick(() => {});
  hook.disable();
  return kept !== undefined;
}
