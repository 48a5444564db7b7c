import type { Clock } from "../../../core/clock.js";

/** A promise raced against a timer on the stack clock (integration and authorizer timeouts). */
export function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T | "timeout"> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve("timeout"), ms);
    p.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e as Error);
      },
    );
  });
}
