/**
 * Which distribution a Host names (cloudfront.md §1.1 step 1): an exact domain or alias first; else
 * a wildcard alias `*.example.com`, which covers subdomains at any depth (`www.example.com`,
 * `a.b.example.com`) but not `example.com` itself. Among wildcards the longest suffix wins.
 * Built once per revision; a lookup is one Map get, then a scan of the wildcard list.
 */
export function compileHostMatcher<T>(entries: Iterable<readonly [host: string, value: T]>): (host: string) => T | undefined {
  const exact = new Map<string, T>();
  const wildcards: { suffix: string; value: T }[] = [];
  for (const [host, value] of entries) {
    const h = host.toLowerCase();
    if (h.startsWith("*.")) wildcards.push({ suffix: h.slice(1), value });
    else exact.set(h, value);
  }
  wildcards.sort((a, b) => b.suffix.length - a.suffix.length);
  return (host) => {
    let h = host.toLowerCase();
    const colon = h.lastIndexOf(":");
    if (colon !== -1 && h.indexOf("]") < colon) h = h.slice(0, colon);
    if (h.endsWith(".")) h = h.slice(0, -1);
    const hit = exact.get(h);
    if (hit !== undefined) return hit;
    for (const w of wildcards) if (h.length > w.suffix.length && h.endsWith(w.suffix)) return w.value;
    return undefined;
  };
}
