import { z } from "zod";
import type { ApiCall } from "../../../core/service.js";
import { distributionNames } from "../compile/distribution-names.js";
import { invalidArgument, malformedInput, noSuchResource } from "./api-errors.js";
import { mutate, records, xmlAnswer, type CloudFrontApiContext, type Operation } from "./operation.js";
import { readXml } from "./xml.js";

/**
 * TagResource / UntagResource / ListTagsForResource (API Reference): tags of distributions and of
 * the other taggable resources by ARN, kept in the API's records (they change no request).
 */
const TagSchema = z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256).optional() }).strict();
export const TagsSchema = z.object({ Items: z.array(TagSchema).optional() }).strict();
const TagKeysSchema = z.object({ Items: z.array(z.string()).optional() }).strict();

/** CloudFront DG "Quotas": tags that can be added to a distribution. */
const MAX_TAGS = 50;

/** The resources an ARN can name here: distributions by their Id (the ones CloudFront tags most). */
function requireResource(call: ApiCall, ctx: CloudFrontApiContext): string {
  const arn = call.query.get("Resource") ?? "";
  const m = /^arn:aws:cloudfront::\d{12}:distribution\/([A-Z0-9]+)$/.exec(arn);
  if (!m) throw invalidArgument(`The parameter Resource is not a valid CloudFront resource ARN: ${arn}`);
  const { distributions } = ctx.stackApi.live();
  const exists = Object.keys(distributions).some((name) => distributionNames(name).id === m[1]);
  if (!exists) throw noSuchResource();
  return arn;
}

const tagResource: Operation["run"] = async (call, _p, ctx) => {
  const arn = requireResource(call, ctx);
  const r = readXml(call.body, "Tags", TagsSchema);
  if (!r.ok) throw malformedInput(r.message);
  const parsed = TagsSchema.safeParse(r.value);
  if (!parsed.success) throw invalidArgument(`The tags are not valid: ${parsed.error.issues[0]!.message}`);
  await mutate(ctx, "", ({ records: rec }) => {
    const tags = new Map((rec.tags[arn] ?? []).map((t) => [t.Key, t]));
    for (const t of parsed.data.Items ?? []) tags.set(t.Key, t);
    if (tags.size > MAX_TAGS) throw invalidArgument(`A resource can have at most ${MAX_TAGS} tags.`);
    rec.tags[arn] = [...tags.values()];
  });
  return { status: 204 };
};

const untagResource: Operation["run"] = async (call, _p, ctx) => {
  const arn = requireResource(call, ctx);
  const r = readXml(call.body, "TagKeys", TagKeysSchema);
  if (!r.ok) throw malformedInput(r.message);
  const keys = new Set(((r.value as { Items?: string[] }).Items ?? []).map(String));
  await mutate(ctx, "", ({ records: rec }) => {
    const left = (rec.tags[arn] ?? []).filter((t) => !keys.has(t.Key));
    if (left.length) rec.tags[arn] = left;
    else delete rec.tags[arn];
  });
  return { status: 204 };
};

const listTagsForResource: Operation["run"] = async (call, _p, ctx) => {
  const arn = requireResource(call, ctx);
  return xmlAnswer(200, "Tags", { Items: records(ctx).tags[arn] ?? [] });
};

export const TAGGING_OPERATIONS: readonly Operation[] = [
  { name: "TagResource", method: "POST", path: "/tagging", query: ["Operation", "Tag"], run: tagResource },
  { name: "UntagResource", method: "POST", path: "/tagging", query: ["Operation", "Untag"], run: untagResource },
  { name: "ListTagsForResource", method: "GET", path: "/tagging", run: listTagsForResource },
];
