/**
 * `Range: bytes=…` (RFC 9110 §14.1.2), parsed against a representation of `size` bytes.
 *
 * Each range-spec is `first-last`, `first-` or the suffix form `-length`; the list may hold
 * several, with optional whitespace and empty elements (RFC 9110 §5.6.1). A spec is satisfiable
 * when `first` < size, or a suffix has a non-zero length (§14.1.1); satisfiable specs are clamped
 * to the representation and returned in request order; unsatisfiable ones are dropped. Whether
 * several ranges, or overlapping or descending ones, are honoured is the caller's policy (S3: one
 * range only; CloudFront: ascending and disjoint).
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface ParsedByteRanges {
  /** The satisfiable ranges, clamped, in request order. */
  ranges: ByteRange[];
  /** How many range-specs the header held (satisfiable or not). */
  specCount: number;
}

const RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * undefined when the header is not a well-formed `bytes` range set (another unit, bad syntax,
 * `last` < `first`): RFC 9110 §14.2 lets a server ignore such a Range, and S3 and CloudFront both
 * then send the whole representation. `ranges` is empty when no spec is satisfiable (416).
 */
export function parseByteRanges(header: string, size: number): ParsedByteRanges | undefined {
  const h = header.trim();
  // Choice: the unit is matched as `bytes` exactly (RFC 9110 §14.1 compares it without case;
  // what S3 and CloudFront do with `Bytes=` is not recorded, so the old behaviour stays).
  if (!h.startsWith("bytes=")) return undefined;
  const ranges: ByteRange[] = [];
  let specCount = 0;
  for (const element of h.slice(6).split(",")) {
    const spec = element.trim();
    if (spec === "") continue;
    const m = RANGE_SPEC.exec(spec);
    if (!m) return undefined;
    const [, a, b] = m as unknown as [string, string, string];
    if (a === "" && b === "") return undefined;
    specCount++;
    if (a === "") {
      const length = Number(b);
      // A zero-length representation has no last bytes to give: unsatisfiable here, as S3
      // answers (s3.md §4.3), though §14.1.1 would call a non-zero suffix satisfiable.
      if (length > 0 && size > 0) ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(a);
    if (b !== "" && Number(b) < start) return undefined;
    if (start < size) ranges.push({ start, end: b === "" ? size - 1 : Math.min(Number(b), size - 1) });
  }
  return specCount === 0 ? undefined : { ranges, specCount };
}
