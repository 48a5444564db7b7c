import { queryRequired } from "../../../core/query-api.js";
import type { QueryParams } from "../../../core/query-protocol.js";
import { malformedPolicy, limitExceeded } from "./errors.js";

/**
 * The grammar checks IAM makes before it stores a policy (IAM User Guide "IAM JSON policy
 * element reference"; texts as IAM answers them). Checked, never evaluated: edgeparity enforces no
 * IAM policy. `identity` policies (managed and inline) may not name a Principal and must name
 * resources; `trust` policies (a role's AssumeRolePolicyDocument) must not name resources.
 * AWS's answers differ by kind for text that is not JSON: "This policy contains invalid Json" for a
 * trust policy, "Syntax errors in policy." for an identity policy.
 */
type Kind = "identity" | "trust";

/** Quotas on the document's characters, whitespace not counted (IAM User Guide "IAM and AWS STS quotas"). */
const SIZE: Record<Kind, { limit: number; quota: string }> = {
  identity: { limit: 6144, quota: "PolicySize" },
  trust: { limit: 2048, quota: "ACLSizePerRole" },
};

function checkPolicyDocument(text: string, kind: Kind): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformedPolicy(kind === "trust" ? "This policy contains invalid Json" : "Syntax errors in policy.");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw malformedPolicy("Syntax errors in policy.");
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  if (Version !== undefined && Version !== "2012-10-17" && Version !== "2008-10-17") throw malformedPolicy("The policy failed legacy parsing");
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (statements.length === 0) throw malformedPolicy("Syntax errors in policy.");
  for (const s of statements) {
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw malformedPolicy("Syntax errors in policy.");
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") throw malformedPolicy("Syntax errors in policy.");
    if (st.Action === undefined && st.NotAction === undefined) throw malformedPolicy("Policy statement must contain actions.");
    if (kind === "identity") {
      if (st.Principal !== undefined || st.NotPrincipal !== undefined) throw malformedPolicy("Policy document should not specify a principal.");
      if (st.Resource === undefined && st.NotResource === undefined) throw malformedPolicy("Policy statement must contain resources.");
    } else {
      if (st.Resource !== undefined) throw malformedPolicy("Has prohibited field Resource");
      if (st.Principal === undefined && st.NotPrincipal === undefined) throw malformedPolicy("Missing required field Principal");
    }
  }
  const size = text.replace(/\s+/g, "").length;
  const { limit, quota } = SIZE[kind];
  if (size > limit) throw limitExceeded(`Cannot exceed quota for ${quota}: ${limit}`);
}

/** A required policy document parameter, checked as `kind`. */
export function policyDocumentParam(p: QueryParams, key: "PolicyDocument" | "AssumeRolePolicyDocument", kind: Kind): string {
  const doc = queryRequired(p, key);
  checkPolicyDocument(doc, kind);
  return doc;
}
