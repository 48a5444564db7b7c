/**
 * The EC2 protocol's request form (API 2016-11-15): like the Query protocol, but every list is
 * flattened with its items numbered straight after the name (`Filter.1.Value.2=x`,
 * `ResourceId.1=vpc-…`), never `.member.N`; each key is the member's `queryName`, else its
 * capitalised `locationName` (botocore's ec2 serializer). `A.1.B=x` → `{A: [{B: "x"}]}`.
 */
export type Ec2Value = string | Ec2Value[] | { [key: string]: Ec2Value };
export type Ec2Params = { [key: string]: Ec2Value };

const LIST = Symbol("list");
type Node = { [key: string]: unknown; [LIST]?: Map<number, unknown> };

export function parseEc2Params(form: string): Ec2Params {
  const root: Node = {};
  for (const [key, value] of new URLSearchParams(form)) {
    const parts = key.split(".");
    let node: Node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      const next = parts[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        // `Name.N`: item N of list `Name`.
        let holder = node[part] as Node | undefined;
        if (typeof holder !== "object" || holder === null) node[part] = holder = {};
        const list = (holder[LIST] ??= new Map<number, unknown>());
        const index = Number(next);
        i++;
        if (i === parts.length - 1) {
          list.set(index, value);
          break;
        }
        let child = list.get(index) as Node | undefined;
        if (typeof child !== "object" || child === null) list.set(index, (child = {}));
        node = child;
        continue;
      }
      if (last) {
        node[part] = value;
        break;
      }
      let child = node[part] as Node | undefined;
      if (typeof child !== "object" || child === null) node[part] = child = {};
      node = child;
    }
  }
  return compact(root) as Ec2Params;
}

function compact(node: unknown): unknown {
  if (typeof node !== "object" || node === null) return node;
  const n = node as Node;
  const list = n[LIST];
  if (list) return [...list.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => compact(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) out[k] = compact(v);
  return out;
}

/** Readers over a parsed form: absent or mistyped values read as undefined / empty. */
export const read = {
  string(p: Ec2Params | undefined, key: string): string | undefined {
    const v = p?.[key];
    return typeof v === "string" ? v : undefined;
  },
  strings(p: Ec2Params | undefined, key: string): string[] {
    const v = p?.[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
  },
  list(p: Ec2Params | undefined, key: string): Ec2Params[] {
    const v = p?.[key];
    return Array.isArray(v) ? v.filter((x): x is Ec2Params => typeof x === "object" && x !== null && !Array.isArray(x)) : [];
  },
  struct(p: Ec2Params | undefined, key: string): Ec2Params | undefined {
    const v = p?.[key];
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
  },
  /** `Name.Value=true` (AttributeBooleanValue) or a plain boolean string. */
  boolean(p: Ec2Params | undefined, key: string): boolean | undefined {
    const v = p?.[key];
    const s = typeof v === "object" && v !== null && !Array.isArray(v) ? v.Value : v;
    return s === "true" ? true : s === "false" ? false : undefined;
  },
  integer(p: Ec2Params | undefined, key: string): number | undefined {
    const v = p?.[key];
    return typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined;
  },
};
