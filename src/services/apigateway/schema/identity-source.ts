/**
 * A REST authorizer's IdentitySource (CreateAuthorizer, apigateway.md §10.1): comma-separated
 * mapping expressions naming where the identity is read — a header, a query string parameter, a
 * stage variable or a context variable (path parameters are not allowed).
 */
export interface IdentitySourcePart {
  kind: "header" | "querystring" | "stageVariable" | "context";
  name: string;
}

const SOURCE = /^(?:method\.request\.(header|querystring)\.(.+)|(stageVariables)\.(.+)|(context)\.(.+))$/;

/** `method.request.header.Auth, method.request.querystring.q` → its parts, or why it is refused. */
export function parseIdentitySource(source: string | undefined): IdentitySourcePart[] | string {
  if (source === undefined || source.trim() === "") return [];
  const parts: IdentitySourcePart[] = [];
  for (const raw of source.split(",")) {
    const m = SOURCE.exec(raw.trim());
    if (!m)
      return `Invalid identity source: ${raw.trim()} (use method.request.header.<name>, method.request.querystring.<name>, stageVariables.<name> or context.<name>)`;
    const kind = (m[1] ?? m[3] ?? m[5]) === "stageVariables" ? "stageVariable" : ((m[1] ?? m[5]) as IdentitySourcePart["kind"]);
    parts.push({ kind, name: m[2] ?? m[4] ?? m[6]! });
  }
  return parts;
}

const HTTP_SOURCE = /^\$(?:request\.(header|querystring)|(context)|(stageVariables))\.(\S+)$/;

/** An HTTP API REQUEST authorizer's identity source (`$request.header.X`, `$request.querystring.X`, `$context.X`, `$stageVariables.X`). */
export function parseHttpIdentitySource(source: string): IdentitySourcePart | undefined {
  const m = HTTP_SOURCE.exec(source.trim());
  if (!m) return undefined;
  const kind = m[1] ? (m[1] as "header" | "querystring") : m[2] ? "context" : "stageVariable";
  return { kind, name: m[4]! };
}
