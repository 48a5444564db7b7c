import type { QueryOperation } from "../../../core/query-api.js";
import type { QueryParams } from "../../../core/query-protocol.js";
import type { IamDeps } from "./iam-state.js";
import { mergeTags, page, tagKeysParam, tagsParam } from "./params.js";
import type { IamRecords, Tag } from "./records.js";

/**
 * Tag<Resource> / Untag<Resource> / List<Resource>Tags, the same three actions for each taggable
 * IAM resource (IAM User Guide "Tagging IAM resources"): `id` reads the resource's parameter,
 * `find` looks it up (throwing its NoSuchEntity).
 */
export function tagOperations(
  d: IamDeps,
  resource: "Role" | "Policy",
  id: (p: QueryParams) => string,
  find: (records: IamRecords, id: string) => { Tags: Tag[] },
): Record<string, QueryOperation> {
  return {
    async [`Tag${resource}`](p: QueryParams) {
      const key = id(p);
      const tags = tagsParam(p);
      await d.change((r) => {
        const x = find(r, key);
        x.Tags = mergeTags(x.Tags, tags);
      });
      return undefined;
    },
    async [`Untag${resource}`](p: QueryParams) {
      const key = id(p);
      const keys = tagKeysParam(p);
      await d.change((r) => {
        const x = find(r, key);
        x.Tags = x.Tags.filter((t) => !keys.includes(t.Key));
      });
      return undefined;
    },
    [`List${resource}Tags`](p: QueryParams) {
      const { items, ...more } = page(find(d.read(), id(p)).Tags, p);
      return { Tags: items, ...more };
    },
  };
}
