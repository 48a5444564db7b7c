import { createRequire } from "node:module";
import type * as Acorn from "acorn";
import type * as AcornWalk from "acorn-walk";

/**
 * acorn and acorn-walk, loaded on first use: only a stack with CloudFront Functions parses
 * JavaScript, and acorn is a fifth of the CLI's code (issue 14: cold start). Synchronous, as the
 * syntax gate and the instrumenter that use it are.
 */
const require = createRequire(import.meta.url);
let loaded: { acorn: typeof Acorn; walk: typeof AcornWalk } | undefined;
export function loadAcorn(): { acorn: typeof Acorn; walk: typeof AcornWalk } {
  return (loaded ??= { acorn: require("acorn") as typeof Acorn, walk: require("acorn-walk") as typeof AcornWalk });
}
