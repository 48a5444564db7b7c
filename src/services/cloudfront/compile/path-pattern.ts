/**
 * CloudFront path patterns (cloudfront.md §2): `*` is zero or more characters and crosses `/`,
 * `?` is exactly one character, matching is case-sensitive, the leading `/` is optional and the
 * whole path must match. The pattern is compiled once into a RegExp; the path is matched raw
 * (no percent-decoding — Choice, recorded in docs/fidelity.md, spec §2 "Encoding" is UNCONFIRMED).
 */
export type PathMatcher = (path: string) => boolean;

export function compilePathPattern(pattern: string): PathMatcher {
  // `&` is stored by the API as `&amp;`; both spellings mean the character.
  const p = (pattern.startsWith("/") ? pattern : `/${pattern}`).replaceAll("&amp;", "&");
  if (p === "/*") return () => true;
  if (!/[*?]/.test(p)) return (path) => path === p;
  const lastStar = p.indexOf("*");
  // Fast path for the commonest shape, a literal prefix followed by one trailing `*`.
  if (lastStar === p.length - 1 && !p.includes("?")) {
    const prefix = p.slice(0, -1);
    return (path) => path.startsWith(prefix);
  }
  let src = "^";
  for (const ch of p) {
    if (ch === "*") src += "[\\s\\S]*";
    else if (ch === "?") src += "[\\s\\S]";
    else src += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  const re = new RegExp(`${src}$`);
  return (path) => re.test(path);
}
