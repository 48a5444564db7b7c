/**
 * ALB wildcard values (alb.md §2): `*` is zero or more of any character (crossing `/` and `.`), `?` is
 * exactly one, and the whole string must match. Compiled once at start into a plain comparison when
 * there is no wildcard, a prefix test for `literal*`, otherwise one anchored RegExp.
 */
export type StringMatcher = (s: string) => boolean;

export function compileWildcard(pattern: string, opts: { caseInsensitive: boolean; escapes?: boolean }): StringMatcher {
  const ci = opts.caseInsensitive;
  let literal = "";
  let hasWildcard = false;
  let src = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    // query-string values escape a literal `*` / `?` as `\*` / `\?` (alb.md §2.1).
    if (opts.escapes && ch === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "?")) {
      const lit = pattern[++i]!;
      literal += lit;
      src += `\\${lit}`;
    } else if (ch === "*") {
      hasWildcard = true;
      src += "[\\s\\S]*";
    } else if (ch === "?") {
      hasWildcard = true;
      src += "[\\s\\S]";
    } else {
      literal += ch;
      src += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  if (!hasWildcard) {
    if (!ci) return (s) => s === literal;
    const lower = literal.toLowerCase();
    return (s) => s.length === lower.length && s.toLowerCase() === lower;
  }
  const star = pattern.indexOf("*");
  if (!opts.escapes && star === pattern.length - 1 && !pattern.includes("?")) {
    const prefix = ci ? literal.toLowerCase() : literal;
    return ci ? (s) => s.toLowerCase().startsWith(prefix) : (s) => s.startsWith(prefix);
  }
  const re = new RegExp(`${src}$`, ci ? "i" : "");
  return (s) => re.test(s);
}
