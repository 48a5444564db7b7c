import { BlockList, isIPv4 } from "node:net";
import { compileWildcard } from "../../../core/wildcard.js";

/**
 * The bucket-policy subset that matters locally (s3.md §8): statements are compiled once into
 * matchers; evaluation is explicit Deny → deny, else Allow → allow, else implicit deny. Signed
 * requests from the account are allowed unless denied (the emulator's same-account rule).
 */
export type Principal = { kind: "account"; arn: string } | { kind: "service"; service: string } | { kind: "anonymous" };

export interface PolicyRequest {
  principal: Principal;
  action: string;
  /** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
  resource: string;
  /** Condition keys, lower-case (`aws:securetransport`) → value. */
  context: ConditionContext;
}

/** What a Condition reads: a Map, or `lazyContext` (most policies have no Condition to read it). */
export interface ConditionContext {
  get(key: string): string | undefined;
  has(key: string): boolean;
}

/** A context built on its first read: building a Map of condition keys per request was wasted on a policy without Conditions (issue 14). */
export function lazyContext(build: () => ReadonlyMap<string, string>): ConditionContext {
  let m: ReadonlyMap<string, string> | undefined;
  return { get: (k) => (m ??= build()).get(k), has: (k) => (m ??= build()).has(k) };
}

export type PolicyDecision = "allow" | "deny" | "implicit-deny";

type Matcher = (s: string) => boolean;

interface CompiledStatement {
  /** `Sid "…"` or `Statement[i]`, for the trace. */
  label: string;
  effect: "Allow" | "Deny";
  principal: (p: Principal) => boolean;
  action: Matcher;
  resource: Matcher;
  conditions: ((ctx: ConditionContext) => boolean)[];
}

export interface CompiledPolicy {
  statements: readonly CompiledStatement[];
  /** Text as stored, for GetBucketPolicy. */
  text: string;
}

export class PolicyError extends Error {}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function anyOf(patterns: string[], ignoreCase: boolean, negate: boolean): Matcher {
  const ms = patterns.map((p) => compileWildcard(p, { caseInsensitive: ignoreCase }));
  return negate ? (s) => !ms.some((m) => m(s)) : (s) => ms.some((m) => m(s));
}

function compilePrincipal(p: unknown, negate: boolean): (x: Principal) => boolean {
  const test = (x: Principal): boolean => {
    if (p === "*") return true;
    if (!p || typeof p !== "object") throw new PolicyError("Invalid principal in policy");
    const o = p as Record<string, unknown>;
    for (const v of asArray(o["AWS"] as string | string[])) {
      if (v === "*") return true;
      if (x.kind === "account" && (v === x.arn || /^\d{12}$/.test(v) || v.endsWith(":root"))) return true;
    }
    for (const v of asArray(o["Service"] as string | string[])) if (x.kind === "service" && v === x.service) return true;
    return false;
  };
  // Validate the shape at compile time.
  if (p !== "*" && (!p || typeof p !== "object")) throw new PolicyError("Invalid principal in policy");
  return negate ? (x) => !test(x) : test;
}

function compileCondition(op: string, key: string, values: string[]): (ctx: ConditionContext) => boolean {
  const k = key.toLowerCase();
  let base = op;
  const ifExists = base.endsWith("IfExists");
  if (ifExists) base = base.slice(0, -"IfExists".length);
  let test: (v: string) => boolean;
  switch (base) {
    case "StringEquals":
    case "ArnEquals":
      test = (v) => values.includes(v);
      break;
    case "StringNotEquals":
    case "ArnNotEquals":
      test = (v) => !values.includes(v);
      break;
    case "StringEqualsIgnoreCase":
      test = (v) => values.some((x) => x.toLowerCase() === v.toLowerCase());
      break;
    case "StringNotEqualsIgnoreCase":
      test = (v) => !values.some((x) => x.toLowerCase() === v.toLowerCase());
      break;
    case "StringLike":
    case "ArnLike":
      test = anyOf(values, false, false);
      break;
    case "StringNotLike":
    case "ArnNotLike":
      test = anyOf(values, false, true);
      break;
    case "Bool":
      test = (v) => values.map((x) => String(x).toLowerCase()).includes(v.toLowerCase());
      break;
    case "IpAddress":
    case "NotIpAddress": {
      const list = new BlockList();
      for (const cidr of values) {
        const [addr, bits] = cidr.split("/") as [string, string | undefined];
        const type = isIPv4(addr) ? "ipv4" : "ipv6";
        if (bits === undefined) list.addAddress(addr, type);
        else list.addSubnet(addr, Number(bits), type);
      }
      const inList = (v: string) => list.check(v, isIPv4(v) ? "ipv4" : "ipv6");
      test = base === "IpAddress" ? inList : (v) => !inList(v);
      break;
    }
    case "Null":
      return (ctx) => values.map((x) => String(x).toLowerCase()).includes(ctx.has(k) ? "false" : "true");
    default:
      throw new PolicyError(`Invalid Condition type : ${op}`);
  }
  return (ctx) => {
    const v = ctx.get(k);
    if (v === undefined) return ifExists;
    return test(v);
  };
}

/** Parses and compiles a policy document; throws PolicyError with S3's MalformedPolicy text. */
export function compilePolicy(text: string): CompiledPolicy {
  if (!text.trimStart().startsWith("{")) throw new PolicyError("Policies must be valid JSON and the first byte must be '{'");
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new PolicyError("Policies must be valid JSON and the first byte must be '{'");
  }
  if (doc["Statement"] === undefined) throw new PolicyError("Missing required field Statement");
  const statements = asArray(doc["Statement"] as Record<string, unknown> | Record<string, unknown>[]).map((s, i): CompiledStatement => {
    const effect = s["Effect"];
    if (effect !== "Allow" && effect !== "Deny") throw new PolicyError("Invalid effect: " + String(effect));
    const principal =
      s["Principal"] !== undefined
        ? compilePrincipal(s["Principal"], false)
        : s["NotPrincipal"] !== undefined
          ? compilePrincipal(s["NotPrincipal"], true)
          : undefined;
    if (!principal) throw new PolicyError("Missing required field Principal");
    const actions = s["Action"] ?? s["NotAction"];
    if (actions === undefined) throw new PolicyError("Missing required field Action");
    const resources = s["Resource"] ?? s["NotResource"];
    if (resources === undefined) throw new PolicyError("Missing required field Resource");
    const conditions: CompiledStatement["conditions"] = [];
    for (const [op, body] of Object.entries((s["Condition"] ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, v] of Object.entries(body)) conditions.push(compileCondition(op, key, asArray(v as string | string[]).map(String)));
    }
    return {
      label: typeof s["Sid"] === "string" && s["Sid"] !== "" ? `Statement[${i}] (Sid ${s["Sid"]})` : `Statement[${i}]`,
      effect,
      principal,
      action: anyOf(asArray(actions as string | string[]), true, s["Action"] === undefined),
      resource: anyOf(asArray(resources as string | string[]), false, s["Resource"] === undefined),
      conditions,
    };
  });
  return { statements, text };
}

export function evaluatePolicy(policy: CompiledPolicy | undefined, r: PolicyRequest): PolicyDecision {
  let allowed = false;
  for (const s of policy?.statements ?? []) {
    if (!s.principal(r.principal) || !s.action(r.action) || !s.resource(r.resource)) continue;
    if (!s.conditions.every((c) => c(r.context))) continue;
    if (s.effect === "Deny") return "deny";
    allowed = true;
  }
  if (allowed || r.principal.kind === "account") return "allow";
  return "implicit-deny";
}

/**
 * The decision and why, in words (issue 15's trace): the statement that denied or allowed, or for
 * an implicit deny what each statement lacked. Evaluated like `evaluatePolicy`; only traced requests pay for it.
 */
export function explainPolicy(policy: CompiledPolicy | undefined, r: PolicyRequest): { decision: PolicyDecision; reason: string; details: string[] } {
  const decision = evaluatePolicy(policy, r);
  const who = describePrincipal(r.principal, r.context.get("aws:sourcearn"));
  const details: string[] = [];
  let allowedBy: string | undefined;
  for (const s of policy?.statements ?? []) {
    const lacks = !s.principal(r.principal)
      ? "its Principal does not name " + who
      : !s.action(r.action)
        ? `its Action does not cover ${r.action}`
        : !s.resource(r.resource)
          ? `its Resource does not cover ${r.resource}`
          : !s.conditions.every((c) => c(r.context))
            ? "its Condition is not met"
            : undefined;
    if (lacks === undefined && s.effect === "Deny") return { decision, reason: `denied by ${s.label} (Effect Deny)`, details };
    if (lacks === undefined) allowedBy ??= s.label;
    details.push(`${s.label} (${s.effect}): ${lacks ?? "applies"}`);
  }
  if (allowedBy !== undefined) return { decision, reason: `allowed by ${allowedBy}`, details: [] };
  if (r.principal.kind === "account")
    return { decision, reason: "allowed: signed by the account (same-account requests are allowed unless a policy denies them)", details: [] };
  if (!policy) return { decision, reason: `implicit deny: private object, no bucket policy grants ${who} ${r.action}`, details };
  return { decision, reason: `implicit deny: no statement of the bucket policy allows ${r.action} on ${r.resource} for ${who}`, details };
}

function describePrincipal(p: Principal, sourceArn: string | undefined): string {
  if (p.kind === "service") return sourceArn ? `${p.service} (aws:SourceArn ${sourceArn})` : p.service;
  return p.kind === "account" ? "the account" : "an anonymous caller (Principal *)";
}
