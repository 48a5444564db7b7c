// The benchmarks' summary statistics, in plain JavaScript so plain-node scripts and tsx ones share them.

/** The median (the mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** `min / median / max`, each with `digits` decimals. */
export function minMedianMax(xs, digits) {
  return `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;
}
