import assert from "node:assert/strict";
import { test } from "node:test";
import type { Listener } from "../schema/load-balancer.js";
import { compileRules, matchRule, RequestFacts, ruleMatcher } from "./compile-rules.js";

/**
 * ruleMatcher leaves out, per first path segment, the rules whose path pattern cannot match; its
 * answer must be matchRule's for every request (alb.md §2: the lowest priority whose conditions
 * all hold, else the default). Checked on seeded random rule sets mixing keyed patterns, patterns
 * with a wildcard in the first segment, host-only rules and exact paths, against many paths.
 */
const PATTERNS = ["/api/*", "/api/v?/*", "/api", "/ap*", "/img/a?.png", "*", "/*", "/svc1/*", "/svc10/*", "/svc1", "/x&amp;y/*", "/a/b/c", "/?pi/*", "api/*"];
const PATHS = [
  "/api/v1/x",
  "/api",
  "/api/",
  "/apix",
  "/img/a1.png",
  "/img/ab.png",
  "/svc1/a",
  "/svc10/a",
  "/svc1",
  "/svc100/a",
  "/x&y/z",
  "/a/b/c",
  "/a/b",
  "/",
  "/zz",
  "api/q",
  "/Api/v1",
];

function seeded(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
}

test("ruleMatcher: the rule matchRule finds, for random rule sets and paths (alb.md §2, issue 14)", () => {
  const rnd = seeded(14);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  let indexed = 0;
  for (let set = 0; set < 200; set++) {
    const n = 5 + Math.floor(rnd() * 40);
    const rules = Array.from({ length: n }, (_, i) => {
      const conditions: unknown[] = [];
      const kind = rnd();
      if (kind < 0.8)
        conditions.push({ Field: "path-pattern", PathPatternConfig: { Values: Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(PATTERNS)) } });
      if (kind > 0.6) conditions.push({ Field: "host-header", HostHeaderConfig: { Values: [pick(["a.example.com", "*.example.com"])] } });
      return { Priority: i + 1, Conditions: conditions, Actions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: String(200 + i) } }] };
    });
    const listener = {
      Protocol: "HTTP",
      Port: 80,
      Rules: rules,
      DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "404" } }],
    } as unknown as Listener;
    const compiled = compileRules(listener);
    const fast = ruleMatcher(compiled);
    if (fast.toString().includes("candidates")) indexed++;
    for (const path of PATHS) {
      for (const host of ["a.example.com", "b.example.com", "other.test"]) {
        const f = new RequestFacts("GET", host, path, "", [], "127.0.0.1", undefined as never, path, undefined, undefined as never, false);
        assert.equal(fast(f).priority, matchRule(compiled, f).priority, `set ${set}, ${host}${path}`);
      }
    }
  }
  assert.ok(indexed > 50, `the index was used in ${indexed} of 200 sets`);
});
