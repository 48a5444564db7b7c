/**
 * Finding a name in a flat list of records whose first slot is the name (MapSnapshot: five slots
 * a record, HeaderList: two). A small list is searched in place: the usual request has a dozen
 * headers, and a name a function adds is in none of them, so a Map built to say so would allocate
 * more than the rest of the check. A larger one is looked up through an index the caller keeps.
 */
const SEARCHED_IN_PLACE = 16;

/** The record's place, or -1; undefined when the list is too long to search in place (use `indexNames`). */
export function searchInPlace(slots: readonly unknown[], stride: number, name: string): number | undefined {
  if (slots.length > SEARCHED_IN_PLACE * stride) return undefined;
  for (let o = 0; o < slots.length; o += stride) if (slots[o] === name) return o / stride;
  return -1;
}

/** Name → place, for a list too long to search in place. */
export function indexNames(slots: readonly unknown[], stride: number): Map<string, number> {
  const index = new Map<string, number>();
  for (let o = 0; o < slots.length; o += stride) index.set(slots[o] as string, o / stride);
  return index;
}
