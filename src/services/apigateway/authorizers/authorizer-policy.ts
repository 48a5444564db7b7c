/**
 * A Lambda authorizer's output (apigateway.md §10.1, DG api-gateway-lambda-authorizer-output):
 * `principalId`, an IAM `policyDocument` whose statements allow or deny `execute-api:Invoke` on
 * method ARNs (`arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`, with `*`
 * and `?` wildcards), an optional flat `context` map and `usageIdentifierKey`. Parsed once per
 * invocation (the cached form); evaluated against each request's method ARN — so a cached policy
 * that names only the first method denies the others until the TTL ends, as on AWS.
 */
export interface PolicyStatement {
  allow: boolean;
  actions: readonly string[];
  resources: readonly string[];
}

export interface AuthorizerOutput {
  principalId: string;
  statements: readonly PolicyStatement[];
  /** Context values as the integration sees them: strings (apigateway.md §10.1 "stringified"). */
  context: Readonly<Record<string, string>>;
  usageIdentifierKey: string | undefined;
}

export type PolicyDecision = "allow" | "explicit-deny" | "implicit-deny";

const asList = (v: unknown): string[] | undefined =>
  typeof v === "string" ? [v] : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;

/** The function's result → its output, or why API Gateway refuses it (AuthorizerConfigurationException, 500). */
export function parseAuthorizerOutput(payload: unknown): AuthorizerOutput | string {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return "the authorizer's result is not a JSON object";
  const p = payload as Record<string, unknown>;
  const principalId = p["principalId"];
  if (typeof principalId !== "string" && typeof principalId !== "number") return "principalId is missing";
  const doc = p["policyDocument"];
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return "policyDocument is missing";
  const raw = (doc as Record<string, unknown>)["Statement"];
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw && typeof raw === "object" ? [raw] : undefined;
  if (!list) return "policyDocument.Statement is missing";
  const statements: PolicyStatement[] = [];
  for (const [i, s] of list.entries()) {
    if (!s || typeof s !== "object") return `policyDocument.Statement[${i}] is not an object`;
    const st = s as Record<string, unknown>;
    const effect = st["Effect"];
    const actions = asList(st["Action"]);
    const resources = asList(st["Resource"]);
    if ((effect !== "Allow" && effect !== "Deny") || !actions || !resources)
      return `policyDocument.Statement[${i}] needs Effect Allow|Deny, Action and Resource`;
    statements.push({ allow: effect === "Allow", actions, resources });
  }
  const context: Record<string, string> = {};
  const c = p["context"];
  if (c !== undefined && c !== null) {
    if (typeof c !== "object" || Array.isArray(c)) return "context is not an object";
    // Only string, number and boolean values are allowed; an object or array is a configuration error.
    for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") return `context.${k} is not a string, number or boolean`;
      context[k] = String(v);
    }
  }
  const key = p["usageIdentifierKey"];
  return { principalId: String(principalId), statements, context, usageIdentifierKey: typeof key === "string" ? key : undefined };
}

/** IAM evaluation for one action on one ARN: an explicit Deny wins, then any Allow, else an implicit deny. */
export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (const s of statements) {
    // IAM action names compare case-insensitively; ARNs case-sensitively.
    if (!s.actions.some((a) => matchesWildcard(a.toLowerCase(), "execute-api:invoke"))) continue;
    if (!s.resources.some((r) => matchesWildcard(r, methodArn))) continue;
    if (!s.allow) return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

/** IAM wildcards: `*` any run of characters (slashes included), `?` one character. No regex: patterns come from functions. */
export function matchesWildcard(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === "?" || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === "*") {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
