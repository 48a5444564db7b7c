/**
 * The AWS Query protocol (ELBv2 2015-12-01, STS, IAM): a form-encoded request whose keys flatten
 * lists as `Name.member.N` and structures as `Name.Field`, answered with
 * `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>` XML, lists as `<member>`.
 */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };
export type QueryParams = { [key: string]: QueryValue };

/** `A.member.2.B=x` → `{A: [undefined, {B: "x"}]}` with lists compacted in index order. */
export function parseQueryParams(form: string): QueryParams {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(form)) {
    const parts = key.split(".");
    let node: Record<string, unknown> = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      // `member.N` (and `entry.N` of maps) are list positions of the field before them.
      if ((part === "member" || part === "entry") && i + 1 < parts.length && /^\d+$/.test(parts[i + 1]!)) {
        const index = Number(parts[i + 1]);
        i++;
        const listKey = "\u0000list";
        const list = (node[listKey] ??= new Map<number, unknown>()) as Map<number, unknown>;
        if (i === parts.length - 1) {
          list.set(index, value);
          break;
        }
        let child = list.get(index);
        if (typeof child !== "object" || child === null) list.set(index, (child = {}));
        node = child as Record<string, unknown>;
        continue;
      }
      if (last) {
        node[part] = value;
        break;
      }
      let child = node[part];
      if (typeof child !== "object" || child === null) node[part] = child = {};
      node = child as Record<string, unknown>;
    }
  }
  return compact(root) as QueryParams;
}

function compact(node: unknown): unknown {
  if (typeof node !== "object" || node === null) return node;
  const rec = node as Record<string, unknown>;
  const list = rec["\u0000list"] as Map<number, unknown> | undefined;
  if (list) return [...list.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => compact(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) out[k] = compact(v);
  return out;
}

/** A value the Query XML writer renders: lists become `<member>` items; undefined fields are left out. */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | { [key: string]: XmlValue };

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);
}

export function toXml(value: XmlValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join("");
  if (typeof value === "object") {
    let out = "";
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out += `<${k}>${toXml(v)}</${k}>`;
    return out;
  }
  return escapeXml(String(value));
}

export function queryResponse(action: string, xmlns: string, result: XmlValue, requestId: string): string {
  const inner = result === undefined ? "" : `<${action}Result>${toXml(result)}</${action}Result>`;
  return `<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(xmlns: string, type: "Sender" | "Receiver", code: string, message: string, requestId: string): string {
  return `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
