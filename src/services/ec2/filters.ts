import { ec2Errors } from "./api-error.js";
import { read, type Ec2Params } from "./ec2-params.js";

/**
 * EC2 `Filter.N.Name` / `Filter.N.Value.M`: a resource matches when every filter matches, and a
 * filter matches when any of its values does; values may use `*` and `?` wildcards; `tag:<key>`
 * matches a tag's value, `tag-key` a key (EC2 API Reference, "List and filter using the CLI and
 * API"). A filter name the resource kind does not know is refused, as EC2 refuses it.
 */
export type FilterFields = Record<string, readonly (string | boolean | number | undefined)[] | string | boolean | number | undefined>;

export interface Filter {
  name: string;
  values: RegExp[];
}

export function parseFilters(params: Ec2Params, key = "Filter"): Filter[] {
  return read.list(params, key).map((f) => {
    const name = read.string(f, "Name");
    if (name === undefined) throw ec2Errors.missing("Filter.Name");
    return { name, values: read.strings(f, "Value").map(wildcard) };
  });
}

function wildcard(value: string): RegExp {
  const source = value
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s");
}

/** Does a resource with these filterable fields and tags pass every filter? `known` lists the names this kind accepts. */
export function matchesFilters(filters: readonly Filter[], known: readonly string[], fields: FilterFields, tags: Record<string, string> = {}): boolean {
  for (const f of filters) {
    let candidates: string[];
    if (f.name.startsWith("tag:")) {
      const v = tags[f.name.slice(4)];
      candidates = v === undefined ? [] : [v];
    } else if (f.name === "tag-key") candidates = Object.keys(tags);
    else if (f.name === "tag-value") candidates = Object.values(tags);
    else {
      if (!known.includes(f.name)) throw ec2Errors.invalidFilter(f.name);
      const v = fields[f.name];
      candidates = (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined).map(String);
    }
    if (!f.values.some((re) => candidates.some((c) => re.test(c)))) return false;
  }
  return true;
}

/** `Tag.N.Key/Value` (and `TagSpecification.N.Tag.M`) as a key → value map. */
export function tagsOf(list: readonly Ec2Params[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list) {
    const key = read.string(t, "Key");
    if (key !== undefined) out[key] = read.string(t, "Value") ?? "";
  }
  return out;
}

/** The tags a create call's `TagSpecification.N` gives resources of `resourceType`. */
export function specifiedTags(params: Ec2Params, resourceType: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of read.list(params, "TagSpecification")) {
    const type = read.string(spec, "ResourceType");
    if (type !== undefined && type !== resourceType)
      throw ec2Errors.invalidValue(type, "resourceType", `The resource type must be ${resourceType} for this operation.`);
    Object.assign(out, tagsOf(read.list(spec, "Tag")));
  }
  return out;
}

export function tagSet(tags: Record<string, string> | undefined): { key: string; value: string }[] | undefined {
  const entries = Object.entries(tags ?? {});
  return entries.length ? entries.map(([key, value]) => ({ key, value })) : undefined;
}
