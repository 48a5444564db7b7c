/**
 * Hop-by-hop header fields: the ones an intermediary consumes instead of forwarding.
 *
 * RFC 9110 §7.6.1 (Connection): an intermediary removes the `Connection` field itself, every field
 * its connection options name, and the fields known to need removal whether named or not:
 * Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and Upgrade. A service that removes more (or
 * fewer) builds its own set from this one with `hopByHopWith`, naming and explaining its extras.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(["connection", "proxy-connection", "keep-alive", "te", "transfer-encoding", "upgrade"]);

/** The shared list plus `extra`, minus `except` (lower-case names); built once at module load. */
export function hopByHopWith(extra: readonly string[], except: readonly string[] = []): ReadonlySet<string> {
  const out = new Set([...HOP_BY_HOP, ...extra]);
  for (const name of except) out.delete(name);
  return out;
}

/**
 * The field names a message's `Connection` header lists besides the ones `base` already removes
 * (RFC 9110 §7.6.1), lower-cased; undefined when there are none, which is nearly always (`close`
 * and `keep-alive` are the usual options, HTTP/2 has no Connection field), so the common path
 * allocates nothing.
 */
export function connectionNamedFields(value: string | string[] | undefined, base: ReadonlySet<string> = HOP_BY_HOP): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  // One option, the usual case (`keep-alive`, `close`): no split, no Set.
  if (typeof value === "string" && value.indexOf(",") === -1) {
    const name = value.trim().toLowerCase();
    return name === "" || name === "close" || base.has(name) ? undefined : new Set([name]);
  }
  let out: Set<string> | undefined;
  for (const part of Array.isArray(value) ? value : [value]) {
    for (const option of part.split(",")) {
      const name = option.trim().toLowerCase();
      if (name === "" || name === "close" || base.has(name)) continue;
      (out ??= new Set()).add(name);
    }
  }
  return out;
}
