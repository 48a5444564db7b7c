/**
 * `*`/`?` wildcard patterns, as ALB conditions (alb.md §2), CloudFront path patterns
 * (cloudfront.md §2), S3 bucket policies and S3 CORS rules (s3.md §6.2) write them: `*` is any run
 * of characters (crossing `/` and `.`), `?` exactly one, and the whole string must match.
 *
 * Compiled once, when a config is loaded, into the cheapest test that does the job: a string
 * comparison when there is no wildcard, a prefix or suffix test for `literal*` / `*literal`, and
 * otherwise one anchored RegExp. Nothing is built per call.
 */
export type StringMatcher = (s: string) => boolean;

export interface WildcardOptions {
  caseInsensitive: boolean;
  /** `\*` and `\?` stand for a literal `*` / `?` (ALB query-string values, alb.md §2.1). */
  escapes?: boolean;
  /** false: `*` needs at least one character (S3 CORS origins, s3.md §6.2). Default true. */
  starMatchesEmpty?: boolean;
}

const REGEXP_SPECIAL = /[.+^${}()|[\]\\/-]/g;

export function compileWildcard(pattern: string, opts: WildcardOptions): StringMatcher {
  const ci = opts.caseInsensitive;
  const star = opts.starMatchesEmpty === false ? "[\\s\\S]+" : "[\\s\\S]*";
  let literal = "";
  let stars = 0;
  let hasQuestion = false;
  let hasEscape = false;
  let src = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (opts.escapes && ch === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "?")) {
      const lit = pattern[++i]!;
      hasEscape = true;
      literal += lit;
      src += `\\${lit}`;
    } else if (ch === "*") {
      stars++;
      src += star;
    } else if (ch === "?") {
      hasQuestion = true;
      src += "[\\s\\S]";
    } else {
      literal += ch;
      src += ch.replace(REGEXP_SPECIAL, "\\$&");
    }
  }
  const fold = ci ? (s: string) => s.toLowerCase() : (s: string) => s;
  const lit = fold(literal);
  if (stars === 0 && !hasQuestion) return ci ? (s) => s.length === lit.length && s.toLowerCase() === lit : (s) => s === lit;
  const min = lit.length + (opts.starMatchesEmpty === false ? 1 : 0);
  if (stars === 1 && !hasQuestion && !hasEscape) {
    if (pattern === "*") return opts.starMatchesEmpty === false ? (s) => s.length > 0 : () => true;
    if (pattern.endsWith("*")) return (s) => s.length >= min && fold(s).startsWith(lit);
    if (pattern.startsWith("*")) return (s) => s.length >= min && fold(s).endsWith(lit);
  }
  const re = new RegExp(`${src}$`, ci ? "i" : "");
  return (s) => re.test(s);
}
