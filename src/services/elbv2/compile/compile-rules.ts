import type { ClientWatch } from "../listener/client-watch.js";
import type { ConnectionFacts } from "../listener/connection-facts.js";
import type { Action, Listener, RuleCondition } from "../schema/load-balancer.js";
import { compileCidrs } from "./ip-range.js";
import { indexByFirstSegment } from "../../../core/first-segment-index.js";
import { compileWildcard, type StringMatcher } from "../../../core/wildcard.js";

/**
 * A listener's rules compiled once (alb.md §2): sorted by priority, each an AND of condition
 * predicates whose values are ORed; the default actions come last as priority 0 (access-log
 * `matched_rule_priority` 0). Nothing here allocates a RegExp per request.
 */
export class RequestFacts {
  #pairs: [string, string][] | undefined;
  constructor(
    readonly method: string,
    /** The first Host header's host name, port removed (Choice: alb.md §2.1 port stripping UNCONFIRMED). */
    readonly host: string,
    /** Raw path, query excluded, not percent-decoded (Choice: alb.md §2.1). */
    readonly path: string,
    /** Raw query without `?`; "" when absent. */
    readonly query: string,
    readonly rawHeaders: readonly string[],
    readonly sourceIp: string,
    /** Socket facts captured when the request started (never read `req.socket` later). */
    readonly conn: ConnectionFacts,
    /** The request target as the target receives it: origin-form `path?query` (alb.md §7.4). */
    readonly targetPath: string,
    /** The authority of an absolute-form request target (`GET http://host/x`), else undefined. */
    readonly uriAuthority: string | undefined,
    /** Aborted when the client leaves or its request body idles out; the reason is the status to log. */
    readonly signal: ClientWatch,
    /** Desync mitigation decided the connections close after this request (alb.md §9). */
    readonly closeAfter: boolean,
  ) {}

  /** The request's trace id (core/trace.ts); "" when nobody traces. */
  traceId = "";

  /** key/value pairs, split at the first `=`, not decoded (Choice: alb.md §2.1 decoding UNCONFIRMED). */
  get queryPairs(): [string, string][] {
    if (this.#pairs) return this.#pairs;
    const out: [string, string][] = [];
    if (this.query) {
      for (const part of this.query.split("&")) {
        if (!part) continue;
        const eq = part.indexOf("=");
        out.push(eq === -1 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
      }
    }
    return (this.#pairs = out);
  }
}

export type Predicate = (f: RequestFacts) => boolean;

export interface CompiledRule {
  /** 0 for the default rule. */
  priority: number;
  conditions: readonly Predicate[];
  /** The conditions in words (`path-pattern /api/*`), for the trace; "" for the default rule. */
  describe: string;
  /** Actions in Order; the terminal action is last (validated at load). */
  actions: readonly Action[];
  /** The values of the rule's path-pattern condition (ANDed conditions: any one restricts the path). */
  pathPatterns?: readonly string[];
}

export function compileRules(listener: Listener): CompiledRule[] {
  const rules: CompiledRule[] = [...listener.Rules]
    .sort((a, b) => a.Priority - b.Priority)
    .map((r) => {
      const path = r.Conditions.find((c) => c.Field === "path-pattern");
      return {
        priority: r.Priority,
        conditions: r.Conditions.map(compileCondition),
        describe: describeConditions(r.Conditions),
        actions: sortActions(r.Actions),
        pathPatterns: path && pathPatternValues(path),
      };
    });
  rules.push({ priority: 0, conditions: [], describe: "", actions: sortActions(listener.DefaultActions) });
  return rules;
}

/**
 * `matchRule` over only the rules that can match the request's path (core/first-segment-index.ts):
 * the same answer, without testing 100 path patterns that name other first segments.
 */
export function ruleMatcher(rules: readonly CompiledRule[]): (f: RequestFacts) => CompiledRule {
  const candidates = indexByFirstSegment(rules, (r) => r.pathPatterns);
  if (candidates === undefined) return (f) => matchRule(rules, f);
  return (f) => matchRule(candidates(f.path), f);
}

/** First rule whose conditions all hold (alb.md §2); the default rule always matches. */
export function matchRule(rules: readonly CompiledRule[], f: RequestFacts): CompiledRule {
  outer: for (const r of rules) {
    for (const c of r.conditions) if (!c(f)) continue outer;
    return r;
  }
  return rules[rules.length - 1]!;
}

function sortActions(actions: readonly Action[]): Action[] {
  return [...actions].sort((a, b) => (a.Order ?? 50001) - (b.Order ?? 50001));
}

const any = (ms: readonly StringMatcher[], s: string) => {
  for (const m of ms) if (m(s)) return true;
  return false;
};

function pathPatternValues(c: RuleCondition): string[] {
  return (c.PathPatternConfig?.Values ?? c.Values ?? []).map((v) => v.replaceAll("&amp;", "&"));
}

export function compileCondition(c: RuleCondition): Predicate {
  switch (c.Field) {
    case "host-header": {
      // alb.md §2.1: case-insensitive.
      const ms = (c.HostHeaderConfig?.Values ?? c.Values ?? []).map((v) => compileWildcard(v, { caseInsensitive: true }));
      return (f) => any(ms, f.host);
    }
    case "path-pattern": {
      // alb.md §2.1: case-sensitive; the API stores `&` as `&amp;`.
      const ms = pathPatternValues(c).map((v) => compileWildcard(v, { caseInsensitive: false }));
      return (f) => any(ms, f.path);
    }
    case "http-request-method": {
      // alb.md §2.1: case-sensitive, no wildcards.
      const set = new Set(c.HttpRequestMethodConfig?.Values ?? []);
      return (f) => set.has(f.method);
    }
    case "http-header": {
      // alb.md §2.1: name and value case-insensitive, wildcards in values; every occurrence is tried.
      const name = (c.HttpHeaderConfig?.HttpHeaderName ?? "").toLowerCase();
      const ms = (c.HttpHeaderConfig?.Values ?? []).map((v) => compileWildcard(v, { caseInsensitive: true }));
      return (f) => {
        const h = f.rawHeaders;
        for (let i = 0; i < h.length; i += 2) {
          const n = h[i]!;
          if (n.length === name.length && n.toLowerCase() === name && any(ms, h[i + 1]!)) return true;
        }
        return false;
      };
    }
    case "query-string": {
      // alb.md §2.1: case-insensitive, wildcards in key and value, `\*` `\?` escape; any listed pair present matches.
      const pairs = (c.QueryStringConfig?.Values ?? []).map((v) => ({
        key: v.Key === undefined ? undefined : compileWildcard(v.Key, { caseInsensitive: true, escapes: true }),
        value: compileWildcard(v.Value, { caseInsensitive: true, escapes: true }),
      }));
      return (f) => {
        if (!f.query) return false;
        for (const [k, v] of f.queryPairs) for (const p of pairs) if ((p.key === undefined || p.key(k)) && p.value(v)) return true;
        return false;
      };
    }
    case "source-ip": {
      // alb.md §2.1: the TCP peer, never X-Forwarded-For.
      const m = compileCidrs(c.SourceIpConfig?.Values ?? []);
      return (f) => m(f.sourceIp);
    }
  }
}

/** `path-pattern /api/*, host-header api.example.com`: a rule's conditions as written, for the trace. */
function describeConditions(conditions: readonly RuleCondition[]): string {
  return conditions
    .map((c) => {
      const values =
        c.HostHeaderConfig?.Values ??
        c.PathPatternConfig?.Values ??
        c.HttpRequestMethodConfig?.Values ??
        c.SourceIpConfig?.Values ??
        c.QueryStringConfig?.Values.map((v) => (v.Key === undefined ? v.Value : `${v.Key}=${v.Value}`)) ??
        c.HttpHeaderConfig?.Values ??
        c.Values ??
        [];
      return `${c.Field}${c.HttpHeaderConfig ? ` ${c.HttpHeaderConfig.HttpHeaderName}` : ""} ${values.join(" | ")}`;
    })
    .join(" and ");
}
