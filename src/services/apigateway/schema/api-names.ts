/**
 * Names shared by the schema and the data plane: API ids (10 lowercase alphanumerics, as API
 * Gateway mints them; apigateway.md §1), the Lambda function a Lambda integration's URI names, and
 * the parts of a resource path or route key.
 */
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
export const API_ID = /^[a-z0-9]{10}$/;

/** A stable id from the API's name, so its execute-api host survives restarts (pin one with `local.<kind>.<name>.apiId`). */
export function deriveApiId(kind: "rest" | "http", name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  const seed = `${kind}:${name}`;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  let x = (BigInt(h1) << 32n) | BigInt(h2);
  let out = "";
  for (let i = 0; i < 10; i++) {
    out += ID_ALPHABET[Number(x % 36n)];
    x /= 36n;
  }
  return out;
}

/**
 * The FunctionName a Lambda integration URI names: an invocation ARN
 * (`arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations`), a
 * or a function ARN (HTTP APIs accept one directly; a `:<qualifier>` is dropped).
 */
export function functionNameFromUri(uri: string): string | undefined {
  const invocation = /^arn:aws[a-z-]*:apigateway:[^:]*:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/.exec(uri);
  const fn = invocation ? invocation[1]! : uri;
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:/]+)(?::[^:/]+)?$/.exec(fn);
  return arn?.[1];
}

export type PathPart = { kind: "literal"; text: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

/** `/pets/{id}/{proxy+}` → its parts ([] for `/`), or a reason it is not a resource path. */
export function parsePathParts(path: string): PathPart[] | string {
  if (!path.startsWith("/")) return "a path must start with /";
  if (path === "/") return [];
  const parts: PathPart[] = [];
  const segments = path.slice(1).split("/");
  for (const [i, s] of segments.entries()) {
    if (s === "") return "a path part cannot be empty";
    const m = /^\{([A-Za-z0-9._-]+)(\+)?\}$/.exec(s);
    if (m) {
      if (m[2] && i !== segments.length - 1) return `the greedy path variable {${m[1]}+} must be the last path part`;
      parts.push(m[2] ? { kind: "greedy", name: m[1]! } : { kind: "param", name: m[1]! });
    } else if (/[{}]/.test(s)) return `'${s}' is not a valid path part`;
    else parts.push({ kind: "literal", text: s });
  }
  return parts;
}
