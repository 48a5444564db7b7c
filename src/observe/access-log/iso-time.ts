/**
 * `toISOString()` of an epoch-ms time, with the part up to the second computed once per second:
 * every access-log line needs one, and a Date per line was a measurable share of a hit (issue 14).
 */
let cachedSecond = NaN;
let cachedPrefix = "";

export function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const frac = ms - second * 1000;
  return `${cachedPrefix}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${Math.floor(frac)}Z`;
}
