import type { IncomingMessage, ServerResponse } from "node:http";
import { compileRules, RequestFacts, ruleMatcher, type CompiledRule } from "../compile/compile-rules.js";
import { sendAlbError } from "../errors.js";
import type { Listener } from "../schema/load-balancer.js";
import type { LambdaFunction } from "../target-group/lambda-target.js";
import type { TargetGroupRuntime } from "../target-group/target-group.js";
import { compileFixedResponse } from "./actions/fixed-response.js";
import { compileForward } from "./actions/forward.js";
import { compileRedirect } from "./actions/redirect.js";
import type { ClientWatch } from "./client-watch.js";
import type { ConnectionFacts } from "./connection-facts.js";
import { classifyRequest, desyncAction } from "./desync.js";
import { countForwardedFor, stripPort } from "./forward-headers.js";
import type { ListenerEnv, Outcome } from "./outcome.js";
import { isTraced, publishTrace } from "../../../core/trace.js";
import { targetGroupName } from "../schema/validate-load-balancers.js";

/**
 * One listener's request path: ALB's own request checks (alb.md §7.1, §7.5, §8.1), rule match
 * (§2), then the matched rule's terminal action (§3). Rules and actions are compiled at start.
 */
export type Exec = (req: IncomingMessage, res: ServerResponse, f: RequestFacts) => Outcome | Promise<Outcome>;

export interface ListenerHandler {
  env: ListenerEnv;
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    conn: ConnectionFacts,
    signal: ClientWatch,
    /** The request's trace id; "" when nobody traces (core/trace.ts). */
    traceId: string,
  ): { facts: RequestFacts | undefined; priority: string; outcome: Outcome | Promise<Outcome> };
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
  const matchRule = ruleMatcher(rules);
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
  const reject = (res: ServerResponse, status: number, extra: Partial<Outcome> = {}) => ({
    facts: undefined,
    priority: "-",
    outcome: { ...generated(res, status), ...extra },
  });
  return {
    env,
    handle(req, res, conn, signal, traceId) {
      // alb.md §8.1: TRACE is not supported.
      if (req.method === "TRACE") return reject(res, 405);
      const url = req.url ?? "/";
      // Choice: alb.md §7.5 — a request target over 16 KB is a 414 (the URL limit is UNCONFIRMED).
      if (url.length > MAX_URL) return reject(res, 414);
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        // alb.md §7.5: a single header over 16 KB is a 400.
        if (raw[i]!.length + raw[i + 1]!.length + 2 > MAX_HEADER) return reject(res, 400);
      }
      // alb.md §8.1: a Transfer-Encoding other than chunked is a 501 (identity is the no-op coding).
      const te = req.headers["transfer-encoding"];
      if (te !== undefined && !isChunkedOnly(te)) return reject(res, 501);
      // alb.md §9: desync mitigation classifies the request, then the mode decides.
      const verdict = classifyRequest(req);
      const desync = desyncAction(env.desyncMode, verdict);
      const classified = verdict ? { classification: verdict.classification, classificationReason: verdict.reason } : {};
      if (desync === "block") {
        res.shouldKeepAlive = false;
        return reject(res, 400, classified);
      }
      if (desync === "allow-and-close") res.shouldKeepAlive = false;
      // alb.md §7.1: more than 30 addresses in X-Forwarded-For → 463.
      if (countForwardedFor(req) > 30) return reject(res, 463, classified);
      let path: string;
      let query: string;
      let uriAuthority: string | undefined;
      if (url.charCodeAt(0) === 47) {
        const qi = url.indexOf("?");
        path = qi === -1 ? url : url.slice(0, qi);
        query = qi === -1 ? "" : url.slice(qi + 1);
      } else {
        // Absolute-form request target (RFC 9112 §3.2.2): the authority in the URI, not Host,
        // names the host; the target gets origin-form (alb.md §7.4).
        const u = URL.canParse(url) ? new URL(url) : undefined;
        if (!u || (u.protocol !== "http:" && u.protocol !== "https:")) return reject(res, 400, classified);
        path = u.pathname;
        query = u.search.slice(1);
        uriAuthority = u.host;
      }
      const hostHeader = req.headers.host ?? (req.headers[":authority"] as string | undefined) ?? "";
      // Choice: host-header conditions match the URI's authority for an absolute-form target,
      // as an origin server must ignore Host then (RFC 9112 §3.2.2).
      const facts = new RequestFacts(
        req.method ?? "GET",
        stripPort(uriAuthority ?? hostHeader),
        path,
        query,
        raw,
        conn.clientIp,
        conn,
        query ? `${path}?${query}` : path,
        uriAuthority,
        signal,
        desync === "allow-and-close",
      );
      facts.traceId = traceId;
      const rule = matchRule(facts);
      if (isTraced("albRule")) traceRule(env, rules, rule, facts);
      const outcome = execs.get(rule)!(req, res, facts);
      if (!verdict) return { facts, priority: String(rule.priority), outcome };
      return {
        facts,
        priority: String(rule.priority),
        outcome: outcome instanceof Promise ? outcome.then((o) => ({ ...o, ...classified })) : { ...outcome, ...classified },
      };
    },
  };
}

function isChunkedOnly(te: string): boolean {
  for (const part of te.split(",")) {
    const c = part.trim().toLowerCase();
    if (c !== "chunked" && c !== "identity" && c !== "") return false;
  }
  return true;
}

/** Which rule matched, and why the rules before it did not (alb.md §2; issue 15). */
function traceRule(env: ListenerEnv, rules: readonly CompiledRule[], rule: CompiledRule, f: RequestFacts): void {
  const details: string[] = [];
  for (const r of rules) {
    if (r === rule) break;
    details.push(`priority ${r.priority} (${r.describe}): does not match ${f.method} ${f.host}${f.path}`);
  }
  const a = rule.actions[rule.actions.length - 1]!;
  const action =
    a.Type === "forward"
      ? `forward to ${(a.ForwardConfig?.TargetGroups ?? [{ TargetGroupArn: a.TargetGroupArn! }]).map((m) => targetGroupName(m.TargetGroupArn)).join(", ")}`
      : a.Type;
  const which = rule.priority === 0 ? "the default rule" : `rule priority ${rule.priority} (${rule.describe})`;
  publishTrace(
    "albRule",
    f.traceId,
    "elbv2",
    `load balancer ${env.loadBalancer} listener ${env.protocol.toUpperCase()}:${env.port}: ${which} matched → ${action}`,
    {
      details: details.slice(0, 5),
      data: { priority: rule.priority },
    },
  );
}
