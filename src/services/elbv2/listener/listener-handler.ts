import type { IncomingMessage, ServerResponse } from "node:http";
import { compileRules, matchRule, RequestFacts, type CompiledRule } from "../compile/compile-rules.js";
import { sendAlbError } from "../errors.js";
import type { Listener } from "../schema/load-balancer.js";
import type { LambdaFunction } from "../target-group/lambda-target.js";
import type { TargetGroupRuntime } from "../target-group/target-group.js";
import { compileFixedResponse } from "./actions/fixed-response.js";
import { compileForward } from "./actions/forward.js";
import { compileRedirect } from "./actions/redirect.js";
import { countForwardedFor, peerAddress, stripPort } from "./forward-headers.js";
import type { ListenerEnv, Outcome } from "./outcome.js";

/**
 * One listener's request path: ALB's own request checks (alb.md §7.1, §7.5, §8.1), rule match
 * (§2), then the matched rule's terminal action (§3). Rules and actions are compiled at start.
 */
export type Exec = (req: IncomingMessage, res: ServerResponse, f: RequestFacts) => Outcome | Promise<Outcome>;

export interface ListenerHandler {
  env: ListenerEnv;
  handle(req: IncomingMessage, res: ServerResponse): { facts: RequestFacts | undefined; priority: string; outcome: Outcome | Promise<Outcome> };
}

const MAX_URL = 16 * 1024;
const MAX_HEADER = 16 * 1024;

export function compileListener(
  listener: Listener,
  env: ListenerEnv,
  groups: ReadonlyMap<string, TargetGroupRuntime>,
  lambdas: ReadonlyMap<string, LambdaFunction>,
): ListenerHandler {
  const rules = compileRules(listener);
  const execs = new Map<CompiledRule, Exec>();
  for (const r of rules) {
    // Non-terminal actions (authenticate-*, jwt-validation) are warned as not emulated and skipped.
    const a = r.actions[r.actions.length - 1]!;
    if (a.Type === "fixed-response") {
      const run = compileFixedResponse(a, env);
      execs.set(r, (_req, res) => run(res));
    } else if (a.Type === "redirect") {
      const run = compileRedirect(a, env);
      execs.set(r, (_req, res, f) => run(res, f));
    } else execs.set(r, compileForward(a, env, groups, lambdas));
  }
  const generated = (res: ServerResponse, status: number): Outcome => {
    sendAlbError(res, status, { server: env.server, headers: env.responseHeaders });
    return { status, action: "forward" };
  };
  return {
    env,
    handle(req, res) {
      // alb.md §8.1: TRACE is not supported.
      if (req.method === "TRACE") return { facts: undefined, priority: "-", outcome: generated(res, 405) };
      const url = req.url ?? "/";
      // Choice: alb.md §7.5 — a request target over 16 KB is a 414 (the URL limit is UNCONFIRMED).
      if (url.length > MAX_URL) return { facts: undefined, priority: "-", outcome: generated(res, 414) };
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        // alb.md §7.5: a single header over 16 KB is a 400.
        if (raw[i]!.length + raw[i + 1]!.length + 2 > MAX_HEADER) return { facts: undefined, priority: "-", outcome: generated(res, 400) };
      }
      // alb.md §7.1: more than 30 addresses in X-Forwarded-For → 463.
      if (countForwardedFor(req) > 30) return { facts: undefined, priority: "-", outcome: generated(res, 463) };
      let path: string;
      let query: string;
      if (url.charCodeAt(0) === 47) {
        const qi = url.indexOf("?");
        path = qi === -1 ? url : url.slice(0, qi);
        query = qi === -1 ? "" : url.slice(qi + 1);
      } else {
        // absolute-form request target
        const u = URL.canParse(url) ? new URL(url) : new URL("http://invalid/");
        path = u.pathname;
        query = u.search.slice(1);
      }
      const hostHeader = req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "";
      const facts = new RequestFacts(req.method ?? "GET", stripPort(hostHeader), path, query, raw, peerAddress(req));
      const rule = matchRule(rules, facts);
      return { facts, priority: String(rule.priority), outcome: execs.get(rule)!(req, res, facts) };
    },
  };
}
