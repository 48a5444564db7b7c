/**
 * "did you mean …" for names an operator typed (a field, a managed policy, a flag): the candidates
 * closest by edit distance (insert, delete, substitute, swap two neighbours), compared without case,
 * when they are close enough to be a typo rather than another word.
 */
export function closestNames(typed: string, candidates: Iterable<string>, most = 3): string[] {
  const t = typed.toLowerCase();
  const limit = Math.max(2, Math.floor(t.length / 3));
  const scored: [number, string][] = [];
  for (const c of new Set(candidates)) {
    if (c === typed) continue;
    const d = editDistance(t, c.toLowerCase());
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  // Only names about as close as the closest: a one-letter typo should not also list far cousins.
  const best = scored[0]?.[0] ?? 0;
  return scored
    .filter(([d]) => d <= best + 1)
    .slice(0, most)
    .map(([, c]) => c);
}

/** ` (did you mean 'A' or 'B'?)`, or "" when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const names = closestNames(typed, candidates);
  if (names.length === 0) return "";
  return ` (did you mean ${names.map((n) => `'${n}'`).join(" or ")}?)`;
}

/** Optimal string alignment distance. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = Array.from({ length: rows * cols }, () => 0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
