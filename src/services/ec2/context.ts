import { Ec2ApiError } from "./api-error.js";
import type { XmlNode } from "./ec2-xml.js";
import type { Ec2Params } from "./ec2-params.js";
import type { Ec2Records } from "./records.js";

/** What an EC2 operation sees: the records (a copy) and one way to change them (a persisted mutation). */
export interface Ec2Context {
  region: string;
  /** A new id with EC2's prefix (`vpc-` + 17 hex digits). */
  newId(prefix: string): string;
  records(): Ec2Records;
  /** Applies `edit` to a draft of the records and persists it; a throw changes nothing. */
  change<T>(edit: (records: Ec2Records) => T): Promise<T>;
}

export type Ec2Operation = (params: Ec2Params, ctx: Ec2Context) => Promise<{ [locationName: string]: XmlNode }>;

/** `MaxResults` / `NextToken` paging over an already ordered list (the token is the next offset). */
export function page<T>(items: readonly T[], params: Ec2Params): { items: readonly T[]; nextToken: string | undefined } {
  const max = typeof params.MaxResults === "string" ? Number(params.MaxResults) : undefined;
  const token = typeof params.NextToken === "string" ? params.NextToken : undefined;
  const start = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new Ec2ApiError("InvalidPaginationToken", `Invalid token: ${token}`);
  if (max === undefined || !Number.isInteger(max) || max <= 0) return { items: items.slice(start), nextToken: undefined };
  const end = start + max;
  return { items: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString("base64url") : undefined };
}
